"""arguments_for: arguments valid for the function's JSON Schema, filled from the user's words."""

from __future__ import annotations

import jsonschema
import pytest

from emulator.function_args import arguments_for, find_place, find_places

WEATHER = {
    "type": "object",
    "properties": {"location": {"type": "string"}},
    "required": ["location"],
}


def valid(schema: dict, text: str) -> dict:
    args = arguments_for(schema, text)
    jsonschema.validate(args, schema)
    return args


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("What is the weather in San Francisco?", "San Francisco"),
        ("What's the weather like in Paris, France today?", "Paris, France"),
        ("Is it raining in Rio de Janeiro right now?", "Rio de Janeiro"),
        ("how cold is it in boston?", "Boston"),
    ],
)
def test_places_come_from_the_question(text: str, place: str) -> None:
    assert find_place(text) == place
    assert valid(WEATHER, text) == {"location": place}


def test_enums_pick_the_value_the_text_mentions() -> None:
    schema = {
        "type": "object",
        "properties": {
            "location": {"type": "string"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            "detail": {"type": "string", "enum": ["short", "long"]},
        },
        "required": ["location", "detail"],
        "additionalProperties": False,
    }
    args = valid(schema, "How hot is it in New York City in Fahrenheit?")
    assert args == {"location": "New York City", "unit": "fahrenheit", "detail": "short"}


def test_numbers_integers_and_bounds() -> None:
    schema = {
        "type": "object",
        "properties": {
            "count": {"type": "integer", "minimum": 1, "maximum": 5},
            "ratio": {"type": "number", "exclusiveMinimum": 0},
            "flag": {"type": "boolean"},
        },
        "required": ["count", "ratio", "flag"],
    }
    assert valid(schema, "Show me 12 results") == {"count": 5, "ratio": 12.0, "flag": False}
    assert valid(schema, "no numbers here")["count"] == 1


def test_nested_objects_arrays_refs_and_unions() -> None:
    schema = {
        "type": "object",
        "$defs": {"stop": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
        "properties": {
            "trip": {
                "type": "object",
                "properties": {
                    "stops": {"type": "array", "items": {"$ref": "#/$defs/stop"}, "minItems": 2},
                    "tags": {"type": "array", "items": {"type": "string", "enum": ["fast", "cheap", "scenic"]}},
                    "note": {"anyOf": [{"type": "null"}, {"type": "string", "maxLength": 10}]},
                    "when": {"type": "string", "format": "date"},
                },
                "required": ["stops", "tags", "note", "when"],
            },
            "mode": {"const": "car"},
        },
        "required": ["trip", "mode"],
    }
    args = valid(schema, "Plan a scenic drive to Lyon")
    assert args["trip"]["stops"][0] == {"city": "Lyon"} and len(args["trip"]["stops"]) == 2
    assert args["trip"]["tags"][0] == "scenic" and args["mode"] == "car"


def test_query_like_strings_take_the_whole_question() -> None:
    schema = {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}
    assert valid(schema, "  latest  release notes ") == {"query": "latest release notes"}


def test_strict_schemas_with_every_property_required() -> None:
    schema = {
        "type": "object",
        "properties": {
            "location": {"type": "string"},
            "units": {"type": ["string", "null"], "enum": ["c", "f", None]},
        },
        "required": ["location", "units"],
        "additionalProperties": False,
    }
    assert valid(schema, "weather at Oslo")["location"] == "Oslo"


def test_string_constraints() -> None:
    schema = {
        "type": "object",
        "properties": {
            "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "short": {"type": "string", "maxLength": 4},
            "long": {"type": "string", "minLength": 30},
        },
        "required": ["code", "short", "long"],
    }
    assert valid(schema, "Flights from AMS please")["code"] == "AMS"


@pytest.mark.parametrize("parameters", [None, {}, {"type": "object", "properties": {}}])
def test_functions_without_parameters_get_an_empty_object(parameters: dict | None) -> None:
    assert arguments_for(parameters, "anything") == {}


def test_required_names_without_a_property_schema_still_get_a_value() -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city", "note"]}
    assert set(valid(schema, "Hotels in Lisbon")) == {"city", "note"}


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("What is the weather in Paris and London?", ["Paris", "London"]),
        ("weather in Paris, France and in Rome, Italy", ["Paris, France", "Rome, Italy"]),
        ("Compare Oslo: weather in Oslo & Bergen", ["Oslo", "Bergen"]),
        ("What is the weather in Paris and the price of gold?", ["Paris"]),
    ],
)
def test_every_place_a_question_names(text: str, places: list[str]) -> None:
    assert find_places(text) == places
    assert [arguments_for(WEATHER, text, p) for p in places] == [{"location": p} for p in places]
