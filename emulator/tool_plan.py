"""Which tool items a response starts with, and which facts its answer must state.

The deterministic "model" decides per tool (the emulator's documented behaviour):
- function tools: `function_call_output` items in this request's input end the loop (the facts say what
  each call returned); otherwise a function is called when `tool_choice` forces it or when the latest user
  text shares a word with its name (or two with its description); a function with a place parameter is
  called once per place the text names. `parallel_tool_calls=false` keeps the first call only.
- `code_interpreter`: when the text holds an equation/arithmetic or asks for code, maths or data work
  (`emulator.code_interpreter`; user code is never executed).
- `mcp`: every new question goes to the server, which is never contacted; approvals as documented
  (`emulator.mcp_emulation`). `mcp_approval_response` items continue the turn.
- `image_generation`: when the text asks to generate/draw an image (`emulator.image_tool`).
- reasoning models: a `reasoning` item first (`emulator.reasoning`).
`tool_choice`: "none" calls nothing, "required" calls the relevant tools or else the first one, a tool
object forces that tool, `allowed_tools` narrows the set. Other tool types (web_search, file_search, ...)
are accepted and never called.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from emulator.code_interpreter import code_interpreter_call, wants_code
from emulator.compaction import new_id
from emulator.config import EmulatorConfig
from emulator.errors import invalid
from emulator.file_store import FileStore
from emulator.function_args import arguments_for, find_places, has_place_parameter
from emulator.image_tool import check_image_options, image_generation_call, image_model, wants_image
from emulator.mcp_emulation import approval_items, mcp_items
from emulator.replies import paired_replies
from emulator.reasoning import carried_reasoning_facts, is_reasoning_model, reasoning_item
from emulator.sealing import Sealer

_STOP = set(
    "a an and any are as at be by call can current do does for from function get given how in info information "
    "is it its list me my of on or please retrieve return returns set some that the this to tool use using value "
    "what which with you your".split()
)


_REPLY_TYPES = frozenset({"function_call_output", "mcp_approval_response"})


@dataclass
class ToolPlan:
    items: list[dict] = field(default_factory=list)  # complete output items, before any assistant message
    needs_message: bool = True  # False when the client must act first (function call, approval request)
    facts: list[str] = field(default_factory=list)  # sentences the answer must include


def plan_tools(
    body: dict,
    context: list[dict],
    new_input: list[dict],
    model: str,
    headers: Mapping[str, str],
    config: EmulatorConfig,
    sealer: Sealer,
    files: FileStore,
) -> ToolPlan:
    """The tool items and facts of one response. Raises EmulatorError (400) naming the offending field.

    `files` resolves the code interpreter's `container.file_ids`.
    """
    tools = _checked_tools(body.get("tools"), files)
    plan = ToolPlan()
    images = image_model(tools, body, model, headers, config)
    plan.facts.extend(carried_reasoning_facts(context, new_input, sealer))
    text = _latest_user_text(new_input)
    replies = {t for it in new_input if isinstance(t := it.get("type"), str)} & _REPLY_TYPES  # only replies are paired
    continuing = "function_call_output" in replies and _function_outputs(context, new_input, plan)
    approvals = False
    if "mcp_approval_response" in replies:
        items, facts, approvals = approval_items(context, new_input, tools)
        plan.items.extend(items)
        plan.facts.extend(facts)
    choice = _Choice.parse(body.get("tool_choice"), tools)
    if not (continuing or approvals) and choice.mode != "none" and (text is not None or choice.mode != "auto"):
        _call_tools(body, context, choice, text or _latest_user_text(context) or "", images, files, plan)
    if is_reasoning_model(model):
        about = text or _latest_user_text(context) or ""
        summary = (body.get("reasoning") or {}).get("summary") if isinstance(body.get("reasoning"), dict) else None
        plan.items.insert(0, reasoning_item(model, _include(body), about, sealer, summary))
    return plan


def _include(body: dict) -> list[str]:
    """The `include` values (the request schema makes it an array of strings; anything else counts as none)."""
    include = body.get("include")
    return [v for v in include if isinstance(v, str)] if isinstance(include, list) else []


def _checked_tools(tools: object, files: FileStore) -> list[dict]:
    if tools is None:
        return []
    if not isinstance(tools, list):
        raise invalid("tools", "`tools` must be an array of tool objects.")
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict) or not isinstance(tool.get("type"), str):
            raise invalid(f"tools[{i}].type", "Each tool needs a `type` (function, mcp, code_interpreter, ...).")
        kind = tool["type"]
        if kind == "function" and not (isinstance(tool.get("name"), str) and tool["name"]):
            raise invalid(f"tools[{i}].name", "A function tool needs a `name`.")
        if kind == "function" and tool.get("parameters") is not None and not isinstance(tool["parameters"], dict):
            raise invalid(f"tools[{i}].parameters", "`parameters` must be a JSON Schema object.")
        if kind == "mcp" and not (isinstance(tool.get("server_label"), str) and tool["server_label"]):
            raise invalid(f"tools[{i}].server_label", "An mcp tool needs a `server_label` (a string).")
        if kind == "mcp" and not (tool.get("server_url") or tool.get("connector_id") or tool.get("tunnel_id")):
            raise invalid(f"tools[{i}].server_url", "An mcp tool needs `server_url` (or `connector_id`).")
        if kind == "code_interpreter" and not isinstance(tool.get("container"), (str, dict)):
            raise invalid(
                f"tools[{i}].container", 'A code_interpreter tool needs `container`: a container id or {"type": "auto"}.'
            )
        if kind == "code_interpreter" and isinstance(tool["container"], dict):
            for j, file_id in enumerate(tool["container"].get("file_ids") or []):
                if files.get(str(file_id)) is None:
                    raise invalid(
                        f"tools[{i}].container.file_ids[{j}]",
                        f"No file found with id {file_id!r}; upload it with POST /files first.",
                    )
        if kind == "image_generation":
            check_image_options(tool, i)
    return tools


@dataclass
class _Choice:
    mode: str  # "auto" | "none" | "required" | "forced"
    tools: list[dict]  # the tools the model may call
    mcp_name: str | None = None  # tool_choice {"type": "mcp", "server_label": ..., "name": ...}

    @classmethod
    def parse(cls, choice: object, tools: list[dict]) -> _Choice:
        if choice in (None, "auto"):
            return cls("auto", tools)
        if choice in ("none", "required"):
            return cls(str(choice), tools)
        if not isinstance(choice, dict) or "type" not in choice:
            raise invalid("tool_choice", "`tool_choice` must be none, auto, required or a tool object.")
        if choice["type"] == "allowed_tools":
            allowed = choice.get("tools") or []
            picked = [t for t in tools if any(_matches(t, a) for a in allowed if isinstance(a, dict))]
            return cls("required" if choice.get("mode") == "required" else "auto", picked)
        picked = [t for t in tools if _matches(t, choice)]
        if not picked:
            raise invalid("tool_choice", f"`tool_choice` names a tool ({json.dumps(choice)}) that is not in `tools`.")
        return cls("forced", picked, choice.get("name") if choice["type"] == "mcp" else None)


def _matches(tool: dict, ref: dict) -> bool:
    if tool.get("type") != ref.get("type"):
        return False
    if ref.get("type") == "function":
        return tool.get("name") == ref.get("name")
    if ref.get("type") == "mcp":
        return tool.get("server_label") == ref.get("server_label")
    return True


def _call_tools(
    body: dict, context: list[dict], choice: _Choice, text: str, images: str | None, files: FileStore, plan: ToolPlan
) -> None:
    if not choice.tools:  # nothing to call, whatever the mode
        return
    forced = choice.mode == "forced"
    hosted = _Hosted(body, context, choice, text, images, files, plan)
    called = [t for t in choice.tools if hosted.call(t, forced)]
    functions = [t for t in choice.tools if t["type"] == "function"]
    ranked = sorted(((_relevance(t, text), i, t) for i, t in enumerate(functions)), key=lambda s: (-s[0], s[1]))
    chosen = [t for score, _, t in ranked if score > 0 or forced]
    if choice.mode == "required" and not called and not chosen and choice.tools:
        first = choice.tools[0]
        if first["type"] == "function":
            chosen = [first]
        else:
            hosted.call(first, True)
    # One call per (function, place): "weather in Paris and London" asks get_weather twice.
    places = find_places(text) if chosen else []
    calls = [
        (tool, place)
        for tool in chosen
        for place in (places if len(places) > 1 and has_place_parameter(tool.get("parameters")) else [None])
    ]
    if body.get("parallel_tool_calls") is False:
        calls = calls[:1]
    for tool, place in calls:
        arguments = json.dumps(arguments_for(tool.get("parameters"), text, place))
        plan.items.append({"id": new_id("fc"), "type": "function_call", "status": "completed",
                           "call_id": new_id("call"), "name": tool["name"], "arguments": arguments})
        plan.needs_message = False


@dataclass
class _Hosted:
    """Calls the built-in tools (mcp, code_interpreter, image_generation) for one request."""

    body: dict
    context: list[dict]
    choice: _Choice
    text: str
    images: str | None
    files: FileStore
    plan: ToolPlan

    def call(self, tool: dict, eager: bool) -> bool:
        """Call `tool` when `eager` or when the text calls for it; True if it was called."""
        text, plan = self.text, self.plan
        if tool["type"] == "mcp":
            items, facts, waits = mcp_items(tool, self.choice.mcp_name, self.context, text)
            plan.needs_message = plan.needs_message and not waits
        elif tool["type"] == "code_interpreter" and (eager or wants_code(text)):
            container = tool["container"] if isinstance(tool["container"], dict) else {}
            stored = [self.files.get(str(f)) for f in container.get("file_ids") or []]
            include = _include(self.body)
            item, facts = code_interpreter_call(tool, include, self.context, text, [f for f in stored if f])
            items = [item]
        elif tool["type"] == "image_generation" and self.images and (eager or wants_image(text)):
            item, fact = image_generation_call(tool, self.images, text)
            items, facts = [item], [fact]
        else:
            return False
        plan.items.extend(items)
        plan.facts.extend(facts)
        return True


def _words(text: str) -> set[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).replace("_", " ").lower()
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in re.findall(r"[a-z0-9]+", spaced)} - _STOP


def _relevance(tool: dict, text: str) -> int:
    said = _words(text)
    by_name = len(_words(tool["name"]) & said)
    by_description = len(_words(str(tool.get("description") or "")) & said)
    return 2 * by_name + by_description if by_name or by_description >= 2 else 0


def _function_outputs(context: list[dict], new_input: list[dict], plan: ToolPlan) -> bool:
    pairs = paired_replies(context, new_input, "function_call_output", "call_id", "function_call", "call_id")
    for output, call, _ in pairs:
        plan.facts.append(f"{call.get('name')} returned {_output_text(output.get('output'))}")
    return bool(pairs)


def _output_text(output: object) -> str:
    if isinstance(output, list):
        return " ".join(str(p.get("text", "")) for p in output if isinstance(p, dict) and p.get("text"))
    return output if isinstance(output, str) else json.dumps(output)


def _latest_user_text(items: list[dict]) -> str | None:
    for item in reversed(items):
        if item.get("role") != "user" or item.get("type", "message") != "message":
            continue
        content = item.get("content")
        if isinstance(content, str):
            return content
        texts = [str(p.get("text")) for p in content or [] if isinstance(p, dict) and p.get("type") == "input_text"]
        return " ".join(texts)
    return None
