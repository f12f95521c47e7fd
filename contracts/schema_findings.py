"""Short names for what layer-1 failures found, so that a report lists distinct findings, not one sample.

schemathesis reports the first violation of a JSON body: one missing property of several, or for an event union
(`oneOf`) only that no branch matched. Named here: every property the body lacks, where the document requires it,
and for a union the branch whose `type` the payload claims, validated for its own first error.
"""

from __future__ import annotations

from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from schemathesis.openapi.checks import JsonSchemaError

DOC_URI = "urn:contracts:document"
UNION_KEYWORDS = ("oneOf", "anyOf")
DIALECT_NOTE = " (not in the Azure/OpenAI Response object: the endpoint speaks that dialect, this document requires more)"


def failure_message(failure: Any) -> str:
    title = getattr(failure, "title", "") or type(failure).__name__
    message = getattr(failure, "message", "") or ""
    return f"{title}: {message}".strip().rstrip(":")


def _schema_location(message: str) -> str:
    """`/components/schemas/X` from schemathesis' "Schema at ..." line, or ""."""
    for line in message.splitlines():
        if line.startswith("Schema at "):
            return line[len("Schema at "):].rstrip(":")
    return ""


class FindingNamer:
    """Names failures against `document` (the one layer 1 ran); `dialect_properties` are the Response object's
    properties in the Azure/OpenAI document, so a missing property outside them is called a dialect difference."""

    def __init__(self, document: dict[str, Any] | None = None, *, dialect_properties: frozenset[str] | None = None):
        self.document = document or {}
        self.dialect_properties = dialect_properties
        self.schemas: dict[str, Any] = self.document.get("components", {}).get("schemas", {})
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(DOC_URI, resource)

    def name(self, failure: Any) -> str:
        """One line naming what `failure` found; naming is decoration and never decides a run, so a schema
        it cannot handle (an external `$ref`, a pattern Python cannot compile) gives the plain message."""
        try:
            return self._name(failure)
        except Exception:  # noqa: BLE001 - see above
            return failure_message(failure).splitlines()[0][:200]

    def _name(self, failure: Any) -> str:
        if not isinstance(failure, JsonSchemaError):
            return failure_message(failure).splitlines()[0][:200]
        message = failure.message  # renders `schema` and `validation_message`
        schema, instance = failure.schema, failure.instance
        location = _schema_location(message)
        if "is a required property" in failure.validation_message:
            return self._missing(schema, instance, location) or failure.validation_message[:200]
        union = next((schema[k] for k in UNION_KEYWORDS if isinstance(schema.get(k), list)), None)
        if union is not None and isinstance(instance, dict):
            named = self._union_branch(union, instance)
            if named:
                return named
        text = failure.validation_message.splitlines()[0][:200] if failure.validation_message else "schema violation"
        return text + (f" at {location}" if location else "")

    def _missing(self, schema: Any, instance: Any, location: str) -> str:
        if not isinstance(schema, dict) or not isinstance(instance, dict):
            return ""
        missing = [key for key in schema.get("required", []) if key not in instance]
        if not missing:
            return ""
        text = f"missing required propert{'y' if len(missing) == 1 else 'ies'} {', '.join(missing)}"
        if location:
            text += f" of {location}"
        if self.dialect_properties is not None and not set(missing) & self.dialect_properties:
            text += DIALECT_NOTE
        return text

    def _branch_type(self, branch: Any) -> set[str]:
        """The `type` tag values a union branch accepts (`const` or `enum` of its `type` property)."""
        if isinstance(branch, dict) and isinstance(branch.get("$ref"), str):
            branch = self.schemas.get(branch["$ref"].rsplit("/", 1)[-1], {})
        tag = branch.get("properties", {}).get("type", {}) if isinstance(branch, dict) else {}
        if "const" in tag:
            return {tag["const"]}
        return set(tag.get("enum", []))

    def _union_branch(self, union: list[Any], instance: dict[str, Any]) -> str:
        """The first error of the branch whose `type` tag the payload claims, e.g. the created event's response."""
        kind = instance.get("type")
        branch = next((b for b in union if kind in self._branch_type(b)), None)
        if branch is None:
            return f"payload type {kind!r} is none of the union's branches" if isinstance(kind, str) else ""
        if isinstance(branch.get("$ref"), str):
            branch = {"$ref": DOC_URI + branch["$ref"]}
        validator = jsonschema.Draft202012Validator(branch, registry=self.registry)
        error: ValidationError | None = best_match(validator.iter_errors(instance))
        if error is None:
            return ""
        where = f"{kind} event" + ("." + ".".join(map(str, error.absolute_path)) if error.absolute_path else "")
        if error.validator == "required":
            named = next((f"/components/schemas/{n}" for n, s in self.schemas.items() if s is error.schema), "")
            missing = self._missing(error.schema, error.instance, named)
            if missing:
                return f"{where}: {missing}"
        return f"{where}: {error.message[:200]}"
