"""The derived OpenAPI document (``openapi/responses.v1.json``) as data, and JSON Schema validation against it.

    from openapi import spec
    spec.path_operations()            # [("GET", "/files"), ..., ("POST", "/responses"), ...]
    spec.validate(body, "Response")   # raises SchemaValidationError("Response: $.output[0].id: ...")
    spec.validate(event, "ResponseStreamEvent")

The document is read with ``importlib.resources`` so it works from an installed wheel, parsed once, and never
handed out directly: ``load()`` and ``schema()`` return deep copies, so callers may mutate what they get.
Validation uses JSON Schema Draft 2020-12 (the OpenAPI 3.1 dialect) with a ``referencing`` registry that holds the
whole document, so ``$ref``s between components resolve. Formats are not asserted (as in OpenAPI tools' defaults).
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, relevance
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_FILE = "responses.v1.json"
DOCUMENT_URI = "urn:responses-bridge:openapi:responses.v1"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


class SchemaValidationError(ValueError):
    """An instance does not match a component schema; says which schema and which JSON path failed."""

    def __init__(self, schema_name: str, json_path: str, message: str, error_count: int) -> None:
        self.schema_name = schema_name
        self.json_path = json_path
        self.message = message
        self.error_count = error_count
        more = f" (and {error_count - 1} more error(s))" if error_count > 1 else ""
        super().__init__(f"{schema_name}: {json_path}: {message}{more}")


@functools.cache
def _document() -> dict[str, Any]:
    text = resources.files("openapi").joinpath(DOCUMENT_FILE).read_text(encoding="utf-8")
    return json.loads(text)


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource(DOCUMENT_URI, Resource(_document(), DRAFT202012))


def load() -> dict[str, Any]:
    """The whole derived document (a fresh deep copy)."""
    return copy.deepcopy(_document())


def schema_names() -> list[str]:
    """Names of the component schemas, sorted."""
    return sorted(_document()["components"]["schemas"])


def _check_name(name: str) -> None:
    schemas = _document()["components"]["schemas"]
    if name not in schemas:
        close = difflib.get_close_matches(name, schemas, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see openapi.spec.schema_names()"
        raise KeyError(f"no component schema named {name!r} in {DOCUMENT_FILE}{hint}")


def schema(name: str) -> dict[str, Any]:
    """The component schema ``name`` as written (its ``$ref``s point into the document; a deep copy)."""
    _check_name(name)
    return copy.deepcopy(_document()["components"]["schemas"][name])


def path_operations() -> list[tuple[str, str]]:
    """``(METHOD, path)`` for every operation in the document, in document order, e.g. ``("GET", "/models")``."""
    return [
        (method.upper(), path)
        for path, item in _document()["paths"].items()
        for method in item
        if method in METHODS
    ]


@functools.cache
def validator_for(name: str) -> Draft202012Validator:
    """A Draft 2020-12 validator for component schema ``name`` with every ``$ref`` resolvable (cached)."""
    _check_name(name)
    return Draft202012Validator({"$ref": f"{DOCUMENT_URI}#/components/schemas/{name}"}, registry=_registry())


def errors(instance: Any, name: str) -> list[ValidationError]:
    """Every validation error of ``instance`` against schema ``name`` (empty when it is valid)."""
    return list(validator_for(name).iter_errors(instance))


def validate(instance: Any, name: str) -> None:
    """Raise ``SchemaValidationError`` (schema name, JSON path, reason) unless ``instance`` matches ``name``."""
    found = errors(instance, name)
    if not found:
        return
    error = _deepest(max(found, key=relevance))
    raise SchemaValidationError(name, error.json_path, _describe(error), len(found))


def _deepest(error: ValidationError) -> ValidationError:
    """Descend through failed unions (``anyOf``/``oneOf``) into the branch the instance was meant to match.

    A branch that rejects the instance's JSON type or its ``type`` tag (``'message' is not one of ['reasoning']``)
    is not the intended one; among the rest, the error that reaches deepest into the instance is the most telling.
    When no branch is plausible the union error itself is the answer.
    """
    while error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        plausible = [sub for errs in branches.values() if not any(_is_mismatch(s, error) for s in errs) for sub in errs]
        if not plausible:
            return error
        error = max(plausible, key=lambda e: (len(e.path), relevance(e)))
    return error


def _is_mismatch(sub: ValidationError, parent: ValidationError) -> bool:
    """True when ``sub`` shows its branch is for another kind of value: wrong JSON type or wrong ``type`` tag."""
    relative = list(sub.absolute_path)[len(parent.absolute_path):]
    return (relative == [] and sub.validator == "type") or (
        relative == ["type"] and sub.validator in ("enum", "const")
    )


def _describe(error: ValidationError) -> str:
    if error.validator not in ("anyOf", "oneOf"):
        return error.message
    tag = error.instance.get("type") if isinstance(error.instance, dict) else None
    what = f"type {tag!r}" if isinstance(tag, str) else f"a JSON {type(error.instance).__name__}"
    return f"none of the {len(error.validator_value)} alternatives ({error.validator}) accepts {what}"
