"""Walking an OpenAPI document object by object without mistaking names or instance data for keywords.

A key under ``properties`` (or any other map whose keys are names) is data: a property may be *named*
``description`` or ``discriminator``. Values under ``enum``/``const``/``default`` are instance data and are not
walked at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Keywords whose value is a map from *names* (property names, status codes, media types ...) to objects.
NAME_MAPS = frozenset({
    "properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "schemas", "responses",
    "parameters", "headers", "content", "securitySchemes", "paths", "variables", "encoding", "requestBodies",
    "mapping", "callbacks", "links", "pathItems",
})
# Keywords whose value is instance data, copied verbatim and never walked.
DATA_KEYS = frozenset({"default", "const", "enum"})


def escape(key: str) -> str:
    """One JSON Pointer reference token (RFC 6901): ``/responses`` -> ``~1responses``."""
    return key.replace("~", "~0").replace("/", "~1")


def objects(node: Any, pointer: str = "#", names: bool = False) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """Every object in ``node`` as ``(JSON pointer, object, its keys are names)``, parents before children."""
    if isinstance(node, dict):
        yield pointer, node, names
        for key, value in node.items():
            if names or key not in DATA_KEYS:
                yield from objects(value, f"{pointer}/{escape(key)}", names=not names and key in NAME_MAPS)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from objects(item, f"{pointer}/{index}")


def resolve(document: dict[str, Any], ref: str) -> Any:
    """The target of a local ``$ref`` (``#/components/schemas/Foo``), or ``None`` when it points nowhere."""
    if not ref.startswith("#"):
        return None
    node: Any = document
    for token in ref[2:].split("/") if ref != "#" else ():
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node
