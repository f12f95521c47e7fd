"""Explicit ``mapping``s for OpenAPI ``discriminator``s, from the constants their members pin the tag to.

Without a ``mapping`` OpenAPI maps a tag value to a *schema name*: ``{"type": "message"}`` would have to say
``"Message"``, and tools that honour the rule (schemathesis flags a response whose tag is neither a mapping key nor a
member's schema name) reject every real body. Upstream's discriminators mean the members' ``type`` constants, so
each gets ``mapping: {constant: member $ref}``.

A member's constants are the string ``const``/``enum`` values its tag property allows, looked up through ``$ref``
and ``allOf`` (each part narrows them) and through a nested ``oneOf``/``anyOf`` (the member takes every value its
alternatives take, all mapped to the member itself, which tells them apart with its own discriminator).

A discriminator that cannot be mapped faithfully -- no ``oneOf``/``anyOf`` alternatives, an inline member, a member
that does not pin the tag to constants, or one value claimed by two members -- is removed: in JSON Schema it is only a
hint, and validation does not change. ``add_mappings`` reports both kinds so the generator can record them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openapi.walk import objects, resolve


@dataclass(frozen=True)
class Dropped:
    pointer: str
    reason: str


@dataclass(frozen=True)
class Outcome:
    mapped: list[str]  # JSON pointers of the schemas whose discriminator got a mapping
    dropped: list[Dropped]


def literals(document: dict[str, Any], schema: Any, seen: frozenset[str] = frozenset()) -> frozenset[str] | None:
    """The strings a tag property's schema is limited to (``null`` ignored), or ``None`` when not limited to any."""
    if not isinstance(schema, dict):
        return None
    if isinstance(schema.get("$ref"), str) and schema["$ref"] not in seen:
        return literals(document, resolve(document, schema["$ref"]), seen | {schema["$ref"]})
    if isinstance(schema.get("const"), str):
        return frozenset({schema["const"]})
    if isinstance(schema.get("enum"), list):
        values = [value for value in schema["enum"] if value is not None]
        strings = frozenset(value for value in values if isinstance(value, str))
        return strings if strings and len(strings) == len(values) else None
    for keyword in ("anyOf", "oneOf"):  # a nullable tag is a union of its constants and null
        if isinstance(schema.get(keyword), list):
            found = [literals(document, branch, seen) for branch in schema[keyword] if branch != {"type": "null"}]
            return frozenset().union(*found) if found and None not in found else None
    return None


def tag_values(document: dict[str, Any], schema: Any, prop: str,
               seen: frozenset[str] = frozenset()) -> frozenset[str] | None:
    """The constants ``schema`` (a union member) allows for property ``prop``, or ``None`` when unconstrained."""
    if not isinstance(schema, dict):
        return None
    constraints: list[frozenset[str] | None] = []
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref not in seen:
        constraints.append(tag_values(document, resolve(document, ref), prop, seen | {ref}))
    properties = schema.get("properties")
    if isinstance(properties, dict) and prop in properties:
        constraints.append(literals(document, properties[prop]))
    for part in schema.get("allOf", []):
        constraints.append(tag_values(document, part, prop, seen))
    for keyword in ("oneOf", "anyOf"):
        branches = [b for b in schema.get(keyword, []) if b != {"type": "null"}]
        if branches:
            found = [tag_values(document, branch, prop, seen) for branch in branches]
            constraints.append(frozenset().union(*found) if None not in found else None)
    known = [c for c in constraints if c is not None]
    return frozenset.intersection(*known) if known else None


def plan(document: dict[str, Any], node: dict[str, Any]) -> dict[str, str] | str:
    """The mapping for ``node``'s discriminator, or why there is no faithful one."""
    prop = node["discriminator"].get("propertyName")
    members = [m for keyword in ("oneOf", "anyOf") if isinstance(node.get(keyword), list)
               for m in node[keyword] if m != {"type": "null"}]
    if not isinstance(prop, str):
        return "it names no propertyName"
    if not members:
        return "no oneOf/anyOf alternatives to tell apart"
    mapping: dict[str, str] = {}
    for member in members:
        ref = member.get("$ref") if isinstance(member, dict) else None
        if not isinstance(ref, str) or resolve(document, ref) is None:
            return "an alternative is inline or unresolvable, so no mapping can name it"
        values = tag_values(document, member, prop)
        if not values:
            return f"{ref.rsplit('/', 1)[-1]} does not pin '{prop}' to constants"
        for value in sorted(values):
            if mapping.setdefault(value, ref) != ref:
                names = " and ".join(r.rsplit("/", 1)[-1] for r in (mapping[value], ref))
                return f"'{prop}: {value}' is taken by both {names}"
    return mapping


def add_mappings(document: dict[str, Any]) -> Outcome:
    """Add a ``mapping`` to every discriminator lacking one, or remove the discriminator (in place).

    A ``mapping`` already written is the author's and is kept as it is.
    """
    pending = [(pointer, node) for pointer, node, names in objects(document)
               if not names and isinstance(node.get("discriminator"), dict) and "mapping" not in node["discriminator"]]
    # Plan everything first: a member's constants never depend on discriminators, but keep the walk read-only.
    plans = [(pointer, node, plan(document, node)) for pointer, node in pending]
    outcome = Outcome(mapped=[], dropped=[])
    for pointer, node, result in plans:
        if isinstance(result, dict):
            node["discriminator"]["mapping"] = result
            outcome.mapped.append(pointer)
        else:
            del node["discriminator"]
            outcome.dropped.append(Dropped(pointer, result))
    return outcome
