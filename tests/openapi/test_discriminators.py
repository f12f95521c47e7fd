"""Discriminators in the derived document map the members' ``type`` constants (not their schema names), the ones
that cannot be mapped faithfully are gone and recorded, and schemathesis accepts real bodies on the bare document."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from openapi import discriminators, spec
from openapi.walk import objects, resolve

SdkResponse = Callable[..., dict[str, Any]]
# Upstream unions whose members cannot be told apart by `type` (messages share it) or that have no alternatives.
DROPPED = {
    "#/components/schemas/InputItem": "'type: message' is taken by both EasyInputMessage and Item",
    "#/components/schemas/Item": "'type: message' is taken by both InputMessage and OutputMessage",
    "#/components/schemas/ItemResource": "'type: message' is taken by both InputMessageResource and OutputMessage",
    "#/components/schemas/CodeInterpreterToolCall/properties/outputs/anyOf/0": "no oneOf/anyOf alternatives",
}


def member_constants(doc: dict[str, Any], schema: dict[str, Any], prop: str) -> set[str]:
    """The ``const``/``enum`` values of ``prop`` in a member, through ``$ref`` and ``allOf`` (written independently
    of the generator: the members of today's document declare their tag directly or in an ``allOf`` part)."""
    if "$ref" in schema:
        return member_constants(doc, resolve(doc, schema["$ref"]), prop)
    tag = schema.get("properties", {}).get(prop)
    if tag is not None:
        return {tag["const"]} if "const" in tag else set(tag["enum"])
    return set().union(*(member_constants(doc, part, prop) for part in schema.get("allOf", [])))


def discriminated(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(pointer, node) for pointer, node, names in objects(doc) if not names and "discriminator" in node]


def test_every_discriminator_maps_each_members_type_constants_to_its_ref(doc: dict[str, Any]) -> None:
    found = discriminated(doc)
    assert len(found) == 32  # 36 upstream, 4 dropped
    for pointer, node in found:
        prop = node["discriminator"]["propertyName"]
        mapping = node["discriminator"]["mapping"]
        members = [member["$ref"] for member in node.get("oneOf", []) + node.get("anyOf", [])]
        assert sorted(set(mapping.values())) == sorted(set(members)), pointer  # every member named, no others
        expected = {value: ref for ref in members for value in member_constants(doc, {"$ref": ref}, prop)}
        assert mapping == expected, pointer
        assert all(isinstance(resolve(doc, ref), dict) for ref in mapping.values()), pointer
    items = doc["components"]["schemas"]["ItemField"]["discriminator"]["mapping"]
    assert items["compaction"] == "#/components/schemas/CompactionBody"
    assert items["message"] == "#/components/schemas/Message"
    tools = doc["components"]["schemas"]["Tool"]["discriminator"]["mapping"]
    assert tools["web_search"] == tools["web_search_2025_08_26"] == "#/components/schemas/WebSearchTool"


def test_unmappable_discriminators_are_removed_and_recorded(doc: dict[str, Any]) -> None:
    present = {pointer for pointer, _ in discriminated(doc)}
    assert present.isdisjoint(DROPPED)
    recorded = {d["where"]: d["change"] for d in doc["info"]["x-deviations"] if "discriminator removed" in d["change"]}
    assert set(recorded) == set(DROPPED)
    for pointer, reason in DROPPED.items():
        assert reason in recorded[pointer]
        assert "oneOf" in resolve(doc, pointer) or "items" in resolve(doc, pointer)  # the union itself stays
    mapped = next(d for d in doc["info"]["x-deviations"] if "'mapping' added" in d["change"])
    assert set(mapped["where"].split(", ")) == present


# --- schemathesis judges real bodies on the bare document ----------------------------------------------------------


def validate_with_schemathesis(document: dict[str, Any], method: str, path: str, body: dict[str, Any]) -> None:
    import schemathesis

    request = httpx.Request(method, f"http://127.0.0.1/openai/v1{path}")
    response = httpx.Response(200, json=body, request=request)
    response.elapsed = datetime.timedelta(0)
    schemathesis.openapi.from_dict(document)[path][method].validate_response(response)


@pytest.mark.timeout(120)
def test_schemathesis_accepts_real_type_tags(sdk_response: SdkResponse) -> None:
    document = spec.load()
    message = {"type": "message", "id": "msg_1", "status": "completed", "role": "user",
               "content": [{"type": "input_text", "text": "Hallo"}]}
    compacted = {"id": "resp_1", "object": "response.compaction", "created_at": 1741476542,
                 "usage": sdk_response()["usage"],
                 "output": [message, {"type": "compaction", "id": "cmp_1", "encrypted_content": "gAAA"}]}
    page = {"object": "list", "data": [message], "first_id": "msg_1", "last_id": "msg_1", "has_more": False}
    validate_with_schemathesis(document, "POST", "/responses/compact", compacted)  # ItemField: mapped
    validate_with_schemathesis(document, "GET", "/responses/{response_id}/input_items", page)  # ItemResource: none

    # Upstream's unmapped discriminators: OpenAPI's implicit rule wants the schema name ('Message') as the tag.
    schemas = document["components"]["schemas"]
    del schemas["ItemField"]["discriminator"]["mapping"]
    schemas["ItemResource"]["discriminator"] = {"propertyName": "type"}
    for path, body in (("/responses/compact", compacted), ("/responses/{response_id}/input_items", page)):
        method = "POST" if path.endswith("compact") else "GET"
        with pytest.raises(Exception, match="discriminator property 'type' with value '(message|compaction)'"):
            validate_with_schemathesis(document, method, path, body)


# --- the generator step on small documents -------------------------------------------------------------------------


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def tagged(*values: str) -> dict[str, Any]:
    tag = {"const": values[0]} if len(values) == 1 else {"enum": list(values)}
    return {"type": "object", "properties": {"type": tag}, "required": ["type"]}


def document(union: dict[str, Any], **schemas: dict[str, Any]) -> dict[str, Any]:
    return {"components": {"schemas": {"Union": union, **schemas}}}


def test_members_through_allof_nullable_tags_and_nested_unions_are_mapped() -> None:
    doc = document(
        {"oneOf": [ref("Plain"), ref("Extended"), ref("Nullable"), ref("Nested")],
         "discriminator": {"propertyName": "type"}},
        Plain=tagged("plain"),
        Base=tagged("base", "extended"),
        Extended={"allOf": [ref("Base"), {"properties": {"type": {"enum": ["extended"]}}}]},  # allOf narrows
        Nullable={"properties": {"type": {"anyOf": [{"enum": ["nullable"]}, {"type": "null"}]}}},
        Nested={"oneOf": [ref("A"), ref("B")], "discriminator": {"propertyName": "type"}},
        A=tagged("a"), B=tagged("b"),
    )
    outcome = discriminators.add_mappings(doc)
    assert outcome.dropped == []
    assert outcome.mapped == ["#/components/schemas/Union", "#/components/schemas/Nested"]
    schemas = doc["components"]["schemas"]
    assert schemas["Union"]["discriminator"]["mapping"] == {
        "plain": "#/components/schemas/Plain", "extended": "#/components/schemas/Extended",
        "nullable": "#/components/schemas/Nullable",
        # The nested union's values select the member that holds them; its own discriminator goes on from there.
        "a": "#/components/schemas/Nested", "b": "#/components/schemas/Nested",
    }
    assert schemas["Nested"]["discriminator"]["mapping"] == {"a": ref("A")["$ref"], "b": ref("B")["$ref"]}


@pytest.mark.parametrize("union,schemas,reason", [
    ({"oneOf": [ref("A"), ref("Twin")]}, {"A": tagged("a"), "Twin": tagged("a")},
     "'type: a' is taken by both A and Twin"),
    ({"oneOf": [ref("A"), ref("Loose")]}, {"A": tagged("a"), "Loose": {"type": "object"}},
     "Loose does not pin 'type'"),
    ({"oneOf": [ref("A"), tagged("inline")]}, {"A": tagged("a")}, "an alternative is inline"),
    ({"anyOf": [ref("A"), ref("Missing")]}, {"A": tagged("a")}, "an alternative is inline or unresolvable"),
    ({"type": "array", "items": ref("A")}, {"A": tagged("a")}, "no oneOf/anyOf alternatives"),
])
def test_unfaithful_discriminators_are_removed_with_the_reason(
    union: dict[str, Any], schemas: dict[str, Any], reason: str,
) -> None:
    doc = document({**union, "discriminator": {"propertyName": "type"}}, **schemas)
    before = copy.deepcopy(doc)
    outcome = discriminators.add_mappings(doc)
    assert outcome.mapped == []
    assert [d.pointer for d in outcome.dropped] == ["#/components/schemas/Union"]
    assert reason in outcome.dropped[0].reason
    del before["components"]["schemas"]["Union"]["discriminator"]
    assert doc == before  # only the hint went; the union and its members are untouched


def test_written_mappings_and_properties_named_discriminator_are_left_alone() -> None:
    written = {"propertyName": "type", "mapping": {"x": "#/components/schemas/A"}}
    doc = document({"oneOf": [ref("A")], "discriminator": written}, A={
        "type": "object", "properties": {"type": {"const": "a"}, "discriminator": {"type": "string"}},
    })
    before = copy.deepcopy(doc)
    assert discriminators.add_mappings(doc) == discriminators.Outcome(mapped=[], dropped=[])
    assert doc == before
