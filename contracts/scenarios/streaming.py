"""The stream state machine: one streamed response, each rule of `contracts.stream_rules` its own check."""

from __future__ import annotations

from contracts.http_session import SSEResult
from contracts.scenarios.calls import CONTENT_TOKENS, body
from contracts.scenarios.expect import fail
from contracts.scenarios.registry import ScenarioContext, scenario
from contracts.stream_rules import check_stream

STREAM_RULE = "2026-05 §'Streamen' (stream=true sends incremental events; the SDK's ResponseStreamEvent model)"


def basic_stream(ctx: ScenarioContext) -> SSEResult:
    def run() -> SSEResult:
        payload = body(
            ctx, input="Summarize Azure OpenAI Responses API in one sentence.", stream=True,
            tokens=CONTENT_TOKENS, emulator_meta={"emulator_words": "24"},
        )
        return ctx.session.stream("POST", "responses", json_body=payload)

    return ctx.shared("stream.basic", run)


def _usable(ctx: ScenarioContext) -> SSEResult:
    result = basic_stream(ctx)
    if result.status != 200:
        raise fail(f"stream=true answered HTTP {result.status}: {str(result.error_body)[:200]}")
    if not result.events:
        raise fail("stream=true produced no events")
    return result


def _rule(ctx: ScenarioContext, rule: str) -> str:
    result = _usable(ctx)
    found = [v for v in check_stream(result.events) if v.rule == rule]
    if found:
        raise fail(f"{len(found)} violation(s): " + "; ".join(str(v) for v in found[:5]))
    return f"{len(result.events)} events"


@scenario("stream.framing", "the stream is well-formed SSE", f"{STREAM_RULE}; SSE framing, data is JSON")
def framing(ctx: ScenarioContext) -> str:
    result = _usable(ctx)
    content_type = result.headers.get("content-type", "")
    problems = []
    if "text/event-stream" not in content_type:
        problems.append(f"content-type is {content_type!r}")
    if result.malformed:
        problems.append(f"malformed frames: {result.malformed[:3]}")
    if result.timed_out:
        problems.append("the stream stalled or did not end in time")
    if result.cut:
        problems.append("the connection dropped before the stream ended")
    if problems:
        raise fail("; ".join(problems))
    return f"{len(result.events)} events, all JSON"


@scenario("stream.event-name", "SSE event name equals data.type", f"{STREAM_RULE}: each event's type")
def event_name(ctx: ScenarioContext) -> str:
    return _rule(ctx, "event-name")


@scenario("stream.sequence", "sequence_number strictly increasing without gaps", f"{STREAM_RULE}; 2026-05 "
          "§'Achtergrondtaken': track your position with each event's sequence_number")
def sequence(ctx: ScenarioContext) -> str:
    return _rule(ctx, "sequence")


@scenario("stream.first-event", "response.created comes first", f"{STREAM_RULE}: the lifecycle starts with response.created")
def first_event(ctx: ScenarioContext) -> str:
    return _rule(ctx, "first-event")


@scenario("stream.pairs", "added/done pairs match", f"{STREAM_RULE}: output_item and content_part added/done pairs")
def pairs(ctx: ScenarioContext) -> str:
    return _rule(ctx, "pairs")


@scenario("stream.text", "deltas add up to the done text and the final output",
          f"{STREAM_RULE}: response.output_text.delta pieces form the output text")
def text(ctx: ScenarioContext) -> str:
    result = _usable(ctx)
    if not any(e.type == "response.output_text.delta" for e in result.events):
        raise fail("the stream carried no response.output_text.delta events")
    return _rule(ctx, "text")


@scenario("stream.terminal", "exactly one terminal event, nothing after it",
          f"{STREAM_RULE}: the stream ends with response.completed (or an error event, which apps must detect)")
def terminal(ctx: ScenarioContext) -> str:
    message = _rule(ctx, "terminal")
    last = _usable(ctx).events[-1]
    if last.type != "response.completed":
        raise fail(f"a small request's stream ended with {last.type!r}, not response.completed")
    return message
