"""The stream rules over real streams from the emulator, including its fault modes: a failed stream is still
well formed, a cut stream lacks its terminal event, and cut + resume together make one well-formed stream."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts.http_session import HttpSession
from contracts.stream_rules import check_stream
from contracts.target import Target
from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer


@pytest.fixture(scope="module")
def session() -> Iterator[HttpSession]:
    with EmulatorServer(EmulatorConfig()) as server:
        target = Target(base_url=server.base_url, deployment="gpt-4o", credential="emulator-key", timeout_s=10)
        with HttpSession(target) as http:
            yield http


def stream(session: HttpSession, fault: str | None = None, **fields: object):  # type: ignore[no-untyped-def]
    body = {"model": "gpt-4o", "input": "Tell me something.", "stream": True, "metadata": {"emulator_words": "20"},
            **fields}
    return session.stream("POST", "responses", json_body=body, headers={"x-emulator-fault": fault} if fault else None)


@pytest.mark.timeout(30)
def test_a_normal_stream_is_well_formed(session: HttpSession) -> None:
    result = stream(session)
    assert result.status == 200 and len(result.events) > 10
    assert check_stream(result.events) == []


@pytest.mark.timeout(30)
def test_a_failed_stream_is_still_well_formed(session: HttpSession) -> None:
    result = stream(session, "fail_after=6;code=rate_limit_exceeded")
    assert result.types[-2:] == ["error", "response.failed"]
    assert check_stream(result.events) == []


@pytest.mark.timeout(30)
def test_a_cut_stream_lacks_its_terminal_event_and_resume_completes_it(session: HttpSession) -> None:
    cut = stream(session, "cut_after=5", background=True)
    assert len(cut.events) == 5
    assert [v.rule for v in check_stream(cut.events, background=True)] == ["terminal"]
    response_id = cut.events[0].data["response"]["id"]
    last = cut.events[-1].sequence_number
    rest = session.stream("GET", f"responses/{response_id}", params={"stream": True, "starting_after": last})
    assert check_stream(rest.events, starting_after=last) == []
    assert check_stream(cut.events + rest.events, background=True) == []


@pytest.mark.timeout(30)
def test_a_malformed_line_is_reported_and_the_rest_still_parsed(session: HttpSession) -> None:
    result = stream(session, "malformed_sse")
    assert result.malformed and "not JSON" in result.malformed[0]
    assert check_stream(result.events) == []
