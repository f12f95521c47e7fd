"""Function calling: the seed's get_weather round trip."""

from __future__ import annotations

import json

from contracts.scenarios.calls import CONTENT_TOKENS, create
from contracts.scenarios.expect import fail, items_of_type, output_text
from contracts.scenarios.registry import ScenarioContext, scenario

WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Get weather for a location",
    "parameters": {
        "type": "object",
        "properties": {"location": {"type": "string"}},
        "required": ["location"],
    },
}


@scenario(
    "tools.function-call",
    "function call round trip",
    "2026-05 §'Functie aanroepen': the model returns a function_call (name, call_id, JSON arguments); a "
    "function_call_output with previous_response_id gets the final answer",
)
def function_call(ctx: ScenarioContext) -> str:
    first = create(ctx, "create with a function tool", tools=[WEATHER_TOOL],
                   input="What is the weather in San Francisco?", tokens=CONTENT_TOKENS)
    calls = [c for c in items_of_type(first, "function_call") if c.get("name") == "get_weather"]
    if not calls:
        raise fail(f"no get_weather function_call in output {[i.get('type') for i in first['output']]}")
    call = calls[0]
    if not isinstance(call.get("call_id"), str) or not call["call_id"]:
        raise fail(f"function_call has no call_id: {call}")
    try:
        args = json.loads(call.get("arguments", ""))
    except (TypeError, ValueError):
        raise fail(f"function_call arguments are not JSON: {call.get('arguments')!r}") from None
    if not isinstance(args, dict) or not isinstance(args.get("location"), str):
        raise fail(f"function_call arguments miss the required 'location': {args!r}")
    weather = {"location": args["location"], "temperature": "70 F"}
    final = create(
        ctx, "create with the function output", previous_response_id=first["id"], tools=[WEATHER_TOOL],
        input=[{"type": "function_call_output", "call_id": call["call_id"], "output": json.dumps(weather)}],
        tokens=CONTENT_TOKENS,
    )
    answer = output_text(final)
    if "70" not in answer:
        raise fail(f"the final answer does not use the function output (70 F): {answer[:200]!r}")
    return f"get_weather({args['location']!r}) → answer uses the result"
