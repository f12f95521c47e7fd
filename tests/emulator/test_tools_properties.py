"""Properties over generated inputs: arguments always fit their schema; bad tool requests are 400s, never crashes."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.config import EmulatorConfig
from emulator.errors import EmulatorError
from emulator.file_store import FileStore
from emulator.function_args import arguments_for
from emulator.sealing import Sealer
from emulator.tool_plan import plan_tools

NAMES = st.sampled_from(["location", "city", "query", "count", "unit", "tags", "when", "note", "items", "x"])
TEXTS = st.sampled_from(
    [
        "What is the weather in San Francisco?",
        "Book 3 rooms in Paris, France and in Rome for 'Alice'",
        "",
        "solve 3x + 11 = 14",
        "weather in boston today, 42 degrees?",
    ]
)


def scalar_schemas() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(lambda lo, hi: {"type": "string", "minLength": lo, "maxLength": lo + hi}, st.integers(0, 5), st.integers(0, 40)),
        st.just({"type": "string", "format": "date"}),
        st.just({"type": "string"}),
        st.builds(lambda lo, span: {"type": "integer", "minimum": lo, "maximum": lo + span}, st.integers(-5, 50), st.integers(0, 100)),
        st.builds(lambda lo: {"type": "number", "exclusiveMinimum": lo}, st.integers(-3, 3)),
        st.just({"type": "boolean"}),
        st.just({"type": "null"}),
        st.lists(st.sampled_from(["celsius", "fahrenheit", "kelvin"]), min_size=1, max_size=3, unique=True).map(lambda e: {"enum": e}),
        st.just({"const": "fixed"}),
    )


def schemas() -> st.SearchStrategy[dict[str, Any]]:
    def extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        objects = st.dictionaries(NAMES, children, max_size=4).flatmap(
            lambda props: st.builds(
                lambda required: {"type": "object", "properties": props, "required": required, "additionalProperties": False},
                st.lists(st.sampled_from(sorted(props)), unique=True) if props else st.just([]),
            )
        )
        arrays = st.builds(
            lambda items, lo: {"type": "array", "items": items, "minItems": lo, "maxItems": lo + 2}, children, st.integers(0, 3)
        )
        unions = st.lists(children, min_size=1, max_size=3).map(lambda options: {"anyOf": options})
        return st.one_of(objects, arrays, unions)

    return st.recursive(scalar_schemas(), extend, max_leaves=12).map(
        lambda s: s if s.get("type") == "object" else {"type": "object", "properties": {"value": s}, "required": ["value"]}
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=schemas(), text=TEXTS)
def test_arguments_always_validate(schema: dict[str, Any], text: str) -> None:
    jsonschema.validate(arguments_for(schema, text), schema)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)
TOOLS = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from(["function", "mcp", "code_interpreter", "image_generation", "web_search"])}, optional={
        "name": JSONISH | st.just("get_weather"),
        "parameters": JSONISH | st.just({"type": "object", "properties": {"location": {"type": "string"}}}),
        "server_label": JSONISH | st.just("github"),
        "server_url": st.just("https://example.com/repo"),
        "require_approval": JSONISH
        | st.sampled_from(["never", "always"])
        | st.fixed_dictionaries({}, optional={"never": JSONISH, "always": JSONISH}),
        "container": JSONISH | st.just({"type": "auto"}),
        "size": JSONISH, "quality": JSONISH, "allowed_tools": JSONISH,
    }),
    JSONISH,
)
ITEMS = st.one_of(
    st.builds(lambda t: {"type": "message", "role": "user", "content": t}, TEXTS),
    st.fixed_dictionaries({"type": st.sampled_from(["function_call_output", "mcp_approval_response", "reasoning"])}, optional={
        "call_id": JSONISH, "output": JSONISH, "approval_request_id": JSONISH, "approve": JSONISH,
        "encrypted_content": JSONISH, "id": JSONISH,
    }),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tools=st.lists(TOOLS, max_size=3) | JSONISH,
    tool_choice=JSONISH | st.sampled_from(["auto", "none", "required", {"type": "function", "name": "get_weather"}]),
    items=st.lists(ITEMS, max_size=3),
    model=st.sampled_from(["gpt-4o", "o3"]),
    extra=st.fixed_dictionaries({}, optional={"include": JSONISH, "parallel_tool_calls": JSONISH, "stream": st.booleans()}),
)
def test_tool_requests_never_crash(tools: Any, tool_choice: Any, items: list[dict], model: str, extra: dict) -> None:
    body = {"tools": tools, "tool_choice": tool_choice, **extra}
    headers = {"x-ms-oai-image-generation-deployment": "gpt-image-1"}
    try:
        plan = plan_tools(body, items, items, model, headers, EmulatorConfig(), Sealer("k"), FileStore(None))
    except EmulatorError as exc:
        assert exc.status in (400, 404) and exc.param
        return
    assert all(isinstance(item, dict) and item.get("type") for item in plan.items)
    if not plan.needs_message:
        assert any(i["type"] in ("function_call", "mcp_approval_request") for i in plan.items)


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_questions_still_give_valid_arguments(text: str) -> None:
    schema = {"type": "object", "properties": {"location": {"type": "string", "minLength": 1}}, "required": ["location"]}
    jsonschema.validate(arguments_for(schema, text), schema)
