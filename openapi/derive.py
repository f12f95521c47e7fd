"""Derive ``openapi/responses.v1.json`` from the official OpenAI OpenAPI document.

Run ``python -m openapi.derive`` (``--reference PATH``, ``--out PATH``, ``--check``). The reference defaults to
``../shared/reference/openai-openapi.yaml`` next to the repository root (computed from this file's location).

Steps, in order:

1. keep only the operations the Azure seeds use (``SURFACE``; never the ``?beta=true`` duplicates);
2. take the transitive closure of their ``$ref``s under ``components``;
3. strip prose (``description``, ``summary``, ``title``, ``example(s)``, ``externalDocs``) and the vendor doc/SDK
   extensions (``x-oai*``, ``x-stainless*``) -- only where they are keywords, never a *property named*
   ``description`` inside a ``properties`` map (or any other map whose keys are names);
4. repair what would make valid responses fail validation, and give every ``discriminator`` an explicit ``mapping``
   (``openapi/discriminators.py``); each repair is listed in ``info.x-deviations``;
5. add the Azure overlays (``openapi/overlay.py``);
6. write sorted-key JSON with a fixed indent and a trailing newline, so the output regenerates byte-identically.

Response objects must carry a ``description`` in OpenAPI 3.1, so each one gets the bare HTTP reason phrase
(``OK``, ``Not Found``, ...) instead of the upstream prose.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import http
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from openapi import discriminators, overlay
from openapi.walk import DATA_KEYS, NAME_MAPS, objects

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_REFERENCE = PACKAGE_DIR.parent.parent / "shared" / "reference" / "openai-openapi.yaml"
DEFAULT_OUT = PACKAGE_DIR / "responses.v1.json"

SOURCE_REPOSITORY = "openai/openai-openapi"
SOURCE_COMMIT = "f85dbe223d40e1a31cba812ab2d755c7e98a92a3"
SOURCE_FILE = "openapi.yaml"

# The surface the seeds use: path -> methods kept.
SURFACE: dict[str, tuple[str, ...]] = {
    "/responses": ("post",),
    "/responses/{response_id}": ("get", "delete"),
    "/responses/{response_id}/cancel": ("post",),
    "/responses/{response_id}/input_items": ("get",),
    "/responses/compact": ("post",),
    "/files": ("get", "post"),
    "/files/{file_id}": ("get", "delete"),
    "/models": ("get",),
}

# Properties real answers carry as null although upstream's schema forbids it.
NULL_IN_RESPONSES: dict[str, tuple[str, ...]] = {
    "ModelResponseProperties": ("user",),  # upstream's own Response examples all say "user": null
    "Response": ("usage",),  # null while a (background) response is queued or in progress
    "ListFilesResponse": ("first_id", "last_id"),  # an empty page has no first or last id
    "ResponseItemList": ("first_id", "last_id"),
    "OpenAIFile": ("expires_at", "status_details"),  # the Azure seed's file output shows both as null
}

PROSE_KEYS = frozenset({"description", "summary", "title", "example", "examples", "externalDocs"})
VENDOR_PREFIXES = ("x-oai", "x-stainless")
def is_prose_key(key: str) -> bool:
    return key in PROSE_KEYS or key.startswith(VENDOR_PREFIXES)


def strip_prose(node: Any, names: bool = False) -> Any:
    """A copy of ``node`` without prose keywords; ``names`` marks a map whose keys are names, not keywords."""
    if isinstance(node, list):
        return [strip_prose(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if names:
            out[key] = strip_prose(value)
        elif is_prose_key(key):
            continue
        elif key in DATA_KEYS:
            out[key] = copy.deepcopy(value)
        else:
            out[key] = strip_prose(value, names=key in NAME_MAPS and isinstance(value, dict))
    return out


def iter_refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` string in ``node`` (data keywords included: a ``$ref`` is never instance data upstream)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from iter_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from iter_refs(item)


def split_ref(ref: str) -> tuple[str, str]:
    """``#/components/schemas/Foo`` -> ``("schemas", "Foo")``."""
    parts = ref.split("/")
    if len(parts) != 4 or parts[:2] != ["#", "components"]:
        raise ValueError(f"unsupported $ref {ref!r}: only '#/components/<kind>/<name>' is handled")
    return parts[2], parts[3]


def select_paths(reference: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, methods in SURFACE.items():
        item = reference["paths"][path]
        missing = [m for m in methods if m not in item]
        if missing:
            raise KeyError(f"reference lacks {missing} on {path}; update SURFACE in openapi/derive.py")
        paths[path] = {m: item[m] for m in methods}
        if "parameters" in item:
            paths[path]["parameters"] = item["parameters"]
    return paths


def closure(reference: dict[str, Any], roots: Any) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Components reachable from ``roots`` and the references that point nowhere."""
    components: dict[str, dict[str, Any]] = {}
    dangling: list[str] = []
    pending = list(iter_refs(roots))
    while pending:
        ref = pending.pop()
        kind, name = split_ref(ref)
        if name in components.get(kind, {}):
            continue
        target = reference["components"].get(kind, {}).get(name)
        if target is None:
            if ref not in dangling:
                dangling.append(ref)
            continue
        components.setdefault(kind, {})[name] = target
        pending.extend(iter_refs(target))
    return components, sorted(dangling)


def reject_nullable(node: Any) -> None:
    """OpenAPI 3.0 ``nullable`` is ignored by 3.1 validators; fail loudly if upstream starts using it here."""
    for pointer, found, names in objects(node):
        if not names and "nullable" in found:
            raise ValueError(f"'nullable' at {pointer}: rewrite it as a null alternative in openapi/derive.py")


def fix_recursive_refs(schemas: dict[str, Any]) -> list[str]:
    """Replace draft 2019-09 ``$recursiveRef: "#"`` (invalid in 3.1; "#" would be the OpenAPI root) with a ``$ref``
    to the enclosing component, and drop its ``$recursiveAnchor``. Returns the components changed."""
    def rewrite(node: Any, name: str) -> Any:
        if isinstance(node, list):
            return [rewrite(item, name) for item in node]
        if not isinstance(node, dict):
            return node
        out = {k: rewrite(v, name) for k, v in node.items() if k != "$recursiveAnchor"}
        target = out.pop("$recursiveRef", None)
        if target not in (None, "#"):
            raise ValueError(f"$recursiveRef {target!r} in {name}: only '#' is handled")
        if target == "#":
            out["$ref"] = f"#/components/schemas/{name}"
        return out

    changed = []
    for name, schema in schemas.items():
        fixed = rewrite(schema, name)
        if fixed != schema:
            schemas[name] = fixed
            changed.append(name)
    return changed


def drop_invalid_defaults(document: dict[str, Any]) -> list[str]:
    """Remove schema ``default`` values that their own schema rejects (upstream has ``default: null`` on
    non-nullable schemas; OpenAPI validators reject the document). Returns the JSON pointers changed."""
    uri = "urn:responses-bridge:derive"
    registry = Registry().with_resource(uri, Resource(document, DRAFT202012))
    found = [(node, pointer) for pointer, node, names in objects(document) if not names and "default" in node
             and not Draft202012Validator({"$ref": f"{uri}{pointer}"}, registry=registry).is_valid(node["default"])]
    for node, _ in found:
        del node["default"]
    return [pointer for _, pointer in found]


def admits_null(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "null" or (isinstance(kind, list) and "null" in kind) or any(
        admits_null(branch) for branch in schema.get("anyOf", []) + schema.get("oneOf", [])
    )


def allow_null(schemas: dict[str, Any]) -> list[str]:
    """Let the ``NULL_IN_RESPONSES`` properties be null; returns the ``Schema.property`` names changed."""
    changed = []
    for name, properties in NULL_IN_RESPONSES.items():
        holders = [schemas[name], *schemas[name].get("allOf", [])]
        for prop in properties:
            holder = next((h["properties"] for h in holders if prop in h.get("properties", {})), None)
            if holder is None:
                raise KeyError(f"{name}.{prop} not found; update NULL_IN_RESPONSES in openapi/derive.py")
            if not admits_null(holder[prop]):
                holder[prop] = {"anyOf": [holder[prop], {"type": "null"}]}
                changed.append(f"{name}.{prop}")
    return changed


def wrap_error_bodies(paths: dict[str, Any]) -> list[str]:
    """Error responses documented as the bare ``Error`` object get ``ErrorResponse`` (``{"error": Error}``), the
    body the API actually sends. Returns ``"METHOD path status"`` for each one changed."""
    changed = []
    for path, item in paths.items():
        for method, operation in item.items():
            for status, response in operation.get("responses", {}).items() if method != "parameters" else ():
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                if schema.get("$ref") == "#/components/schemas/Error":
                    schema["$ref"] = "#/components/schemas/ErrorResponse"
                    changed.append(f"{method.upper()} {path} {status}")
    return changed


def align_file_purposes(schemas: dict[str, Any]) -> list[str]:
    """Let a file object carry every purpose an upload may name. Returns ``OpenAIFile.purpose=<value>`` per add."""
    accepted = schemas["CreateFileRequest"]["properties"]["purpose"]["enum"]
    stored = schemas["OpenAIFile"]["properties"]["purpose"]["enum"]
    missing = [purpose for purpose in accepted if purpose not in stored]
    stored.extend(missing)
    return [f"OpenAIFile.purpose={purpose}" for purpose in missing]


def reason_phrase(code_or_name: str) -> str:
    """``"404"`` or ``"NotFound"`` -> ``"Not Found"``; anything else (``"default"``) -> ``"Error"``."""
    for status in http.HTTPStatus:
        if code_or_name in (str(status.value), status.phrase.replace(" ", "")):
            return status.phrase
    return "Error"


def describe_responses(paths: dict[str, Any], components: dict[str, Any]) -> None:
    """Give each Response Object the bare reason phrase for its status code (3.1 requires a description)."""
    for item in paths.values():
        for method, operation in item.items():
            for code, response in operation.get("responses", {}).items() if method != "parameters" else ():
                if "$ref" not in response:
                    response["description"] = reason_phrase(code)
    for name, response in components.get("responses", {}).items():
        response["description"] = reason_phrase(name)


def record(deviations: list[dict[str, str]], where: list[str], change: str, why: str) -> None:
    """Note a deliberate departure from upstream in ``info.x-deviations`` (nothing when nothing changed)."""
    if where:
        deviations.append({"where": ", ".join(where), "change": change, "why": why})


def record_discriminators(deviations: list[dict[str, str]], outcome: discriminators.Outcome) -> None:
    record(deviations, outcome.mapped, "discriminator 'mapping' added: each member's tag constant -> the member's $ref",
           "without a mapping OpenAPI maps a tag to the member's schema name ('Message', not 'message'), so tools "
           "that honour it (schemathesis) reject every real body")
    for dropped in outcome.dropped:
        record(deviations, [dropped.pointer], f"discriminator removed: {dropped.reason}",
               "no faithful mapping exists; a discriminator is only a hint in JSON Schema, so validation is unchanged")


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_reference(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as handle:
        return yaml.load(handle, Loader=loader)


def derive(reference_path: Path) -> dict[str, Any]:
    reference = load_reference(reference_path)
    deviations: list[dict[str, str]] = []

    raw_paths = select_paths(reference)
    raw_components, dangling = closure(reference, raw_paths)
    if dangling:
        raise ValueError(f"reference has dangling $refs reachable from the surface: {dangling}")

    paths = strip_prose(raw_paths, names=True)
    components = {kind: strip_prose(items, names=True) for kind, items in raw_components.items()}
    components.pop("securitySchemes", None)

    reject_nullable({"paths": paths, "components": components})
    record(deviations, [f"#/components/schemas/{name}" for name in fix_recursive_refs(components["schemas"])],
           "'$recursiveAnchor'/'$recursiveRef: #' replaced by a '$ref' to the component itself",
           "draft 2019-09 keywords are outside the 3.1 dialect, and '#' would be the document root")
    record(deviations, allow_null(components["schemas"]), "null allowed",
           "real answers carry null here: user on every response (upstream's examples), usage while queued, ids of "
           "an empty page, file expiry/status details (Azure seed); ModelResponseProperties is shared with "
           "CreateResponse")
    record(deviations, align_file_purposes(components["schemas"]), "purpose added to the OpenAIFile enum",
           "CreateFileRequest accepts it, and the stored file echoes the purpose it was uploaded with")
    record(deviations, wrap_error_bodies(paths), "body schema Error replaced by ErrorResponse",
           "the API wraps the error object as {\"error\": {...}}; the bare Error would reject every real body")
    describe_responses(paths, components)
    tags = sorted({tag for item in paths.values() for op in item.values() if isinstance(op, dict)
                   for tag in op.get("tags", [])})
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "responses-bridge: Responses API surface (OpenAI, Azure OpenAI v1)",
            "version": f"1.0.0+openai.{reference['info']['version']}",
            "license": {"name": "MIT", "identifier": "MIT"},
            "x-provenance": {
                "source": SOURCE_REPOSITORY,
                "commit": SOURCE_COMMIT,
                "file": SOURCE_FILE,
                "sha256": sha256_of(reference_path),
                "upstream-version": reference["info"]["version"],
                "generator": "openapi/derive.py",
            },
            "x-deviations": deviations,
        },
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": components,
    }
    record(deviations, drop_invalid_defaults(document), "'default' removed",
           "the default (null) is rejected by its own schema, which makes the document invalid")
    record_discriminators(deviations, discriminators.add_mappings(document))
    overlay.apply(document)
    return document


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m openapi.derive", description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE, help="official openai-openapi.yaml")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the derived JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 if --out differs from a fresh derivation")
    args = parser.parse_args(argv)
    if not args.reference.is_file():
        parser.error(f"reference document not found: {args.reference} (pass --reference PATH)")
    text = render(derive(args.reference))
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
        if current != text:
            print(f"{args.out} is stale: run `python -m openapi.derive` and commit the result", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
