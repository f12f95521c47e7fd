"""The remote MCP tool, emulated: the server is never contacted (the emulator is offline).

The emulated server lists tools named after its URL in the style of documentation servers such as
GitMCP (`fetch_<repo>_documentation`, `search_<repo>_documentation`), or exactly `allowed_tools` when
given. Approval follows `require_approval`: "never", "always" (the default), or a filter object
`{"never": {"tool_names": [...]}, "always": {...}}`. Header values and tokens from the tool config are
never copied anywhere.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlparse

from emulator.compaction import new_id
from emulator.errors import invalid
from emulator.function_args import arguments_for
from emulator.replies import paired_replies

_SEARCH_SCHEMA = {
    "type": "object",
    "properties": {"query": {"type": "string", "description": "What to search for."}},
    "required": ["query"],
    "additionalProperties": False,
}
_FETCH_SCHEMA = {"type": "object", "properties": {}, "additionalProperties": False}


def server_slug(tool: dict) -> str:
    url = str(tool.get("server_url") or tool.get("connector_id") or tool.get("server_label") or "server")
    path = [p for p in urlparse(url).path.split("/") if p] or [urlparse(url).netloc or url]
    return re.sub(r"[^a-z0-9]+", "_", path[-1].lower()).strip("_") or "server"


def _allowed_names(tool: dict) -> list[str] | None:
    allowed = tool.get("allowed_tools")
    if isinstance(allowed, list):
        return [str(n) for n in allowed]
    if isinstance(allowed, dict) and isinstance(allowed.get("tool_names"), list):
        return [str(n) for n in allowed["tool_names"]]
    return None


def emulated_tools(tool: dict) -> list[dict]:
    """The `tools` of an `mcp_list_tools` item for this server."""
    slug = server_slug(tool)
    defaults = [
        {
            "name": f"fetch_{slug}_documentation",
            "description": f"Fetch the documentation of {slug} (emulated).",
            "input_schema": _FETCH_SCHEMA,
            "annotations": {"readOnlyHint": True},
        },
        {
            "name": f"search_{slug}_documentation",
            "description": f"Search the documentation of {slug} (emulated).",
            "input_schema": _SEARCH_SCHEMA,
            "annotations": {"readOnlyHint": True},
        },
    ]
    allowed = _allowed_names(tool)
    if allowed is None:
        return defaults
    known = {t["name"]: t for t in defaults}
    return [
        known.get(name)
        or {"name": name, "description": f"{name} (emulated).", "input_schema": _SEARCH_SCHEMA, "annotations": None}
        for name in allowed
    ]


def choose_tool(tool: dict, text: str) -> dict | None:
    """The emulated tool a question calls: a search when the question says so, else the first tool (None
    when `allowed_tools` allows none)."""
    tools = emulated_tools(tool)
    if not tools:
        return None
    if re.search(r"\b(search|find|look up|lookup)\b", text, re.IGNORECASE):
        return next((t for t in tools if t["name"].startswith("search_")), tools[0])
    return tools[0]


def needs_approval(tool: dict, name: str) -> bool:
    policy = tool.get("require_approval")
    if policy is None or policy == "always":
        return True
    if policy == "never":
        return False
    if isinstance(policy, dict):
        for setting in ("never", "always"):
            chosen = policy.get(setting)
            names = chosen.get("tool_names") if isinstance(chosen, dict) else None
            if isinstance(names, list) and name in names:
                return setting == "always"
    return True


def _public_url(tool: dict) -> str:
    """The server URL without credentials or query (those may hold secrets)."""
    url = urlparse(str(tool.get("server_url") or ""))
    if url.hostname:
        return f"{url.scheme}://{url.hostname}{f':{url.port}' if url.port else ''}{url.path}"
    return str(tool.get("connector_id") or "the server")


def emulated_output(tool: dict, name: str, arguments: str) -> str:
    return (
        f"[emulated MCP result] {name}({arguments}) on server '{tool.get('server_label')}' was not sent to "
        f"{_public_url(tool)}: the emulator is offline and never contacts MCP servers."
    )


def mcp_fact(tool: dict, label: str, name: str) -> str:
    return (
        f"The MCP tool {name} on server '{label}' was called; its result is emulated, because the emulator "
        f"is offline and never contacts {_public_url(tool)}."
    )


def mcp_call(tool: dict, label: str, name: str, arguments: str, approval_request_id: str | None) -> dict:
    return {
        "id": new_id("mcp"),
        "type": "mcp_call",
        "server_label": label,
        "name": name,
        "arguments": arguments,
        "output": emulated_output(tool, name, arguments),
        "error": None,
        "status": "completed",
        "approval_request_id": approval_request_id,
    }


def mcp_items(tool: dict, name: str | None, context: list[dict], text: str) -> tuple[list[dict], list[str], bool]:
    """(items, facts, waits_for_approval) for one question to this server.

    Items: `mcp_list_tools` unless the context already listed this server, then an `mcp_approval_request`
    or (no approval needed) an `mcp_call` with an emulated output.
    """
    label = tool["server_label"]
    listed = emulated_tools(tool)
    items: list[dict] = []
    if not any(it.get("type") == "mcp_list_tools" and it.get("server_label") == label for it in context):
        items.append({"id": new_id("mcpl"), "type": "mcp_list_tools", "server_label": label, "tools": listed})
    target = next((t for t in listed if t["name"] == name), None) if name else choose_tool(tool, text)
    if target is None and name:
        raise invalid("tool_choice.name", f"The MCP server {label!r} has no tool {name!r}.")
    if target is None:
        return items, [f"The MCP server '{label}' allows no tools (allowed_tools is empty), so none was called."], False
    arguments = json.dumps(arguments_for(target["input_schema"], text))
    if needs_approval(tool, target["name"]):
        request = {"id": new_id("mcpr"), "type": "mcp_approval_request", "server_label": label,
                   "name": target["name"], "arguments": arguments}
        return [*items, request], [], True
    return [*items, mcp_call(tool, label, target["name"], arguments, None)], [mcp_fact(tool, label, target["name"])], False


def approval_items(context: list[dict], new_input: list[dict], tools: list[dict]) -> tuple[list[dict], list[str], bool]:
    """(items, facts, any_found) for the `mcp_approval_response` items of this request's input."""
    items: list[dict] = []
    facts: list[str] = []
    pairs = paired_replies(context, new_input, "mcp_approval_response", "approval_request_id", "mcp_approval_request", "id")
    for item, request, i in pairs:
        if not isinstance(item.get("approve"), bool):
            raise invalid(f"input[{i}].approve", "`approve` must be true or false.")
        label, name = request["server_label"], request["name"]
        if item["approve"]:
            tool = next((t for t in tools if t.get("type") == "mcp" and t.get("server_label") == label), None)
            tool = tool or {"server_label": label}
            items.append(mcp_call(tool, label, name, request.get("arguments", "{}"), request["id"]))
            facts.append(mcp_fact(tool, label, name))
        else:
            reason = f" (reason: {item['reason']})" if item.get("reason") else ""
            facts.append(f"The call to MCP tool {name} on server '{label}' was denied{reason}, so it was not made.")
    return items, facts, bool(pairs)

