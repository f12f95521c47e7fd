"""Error texts and log lines: long endpoint messages are shortened, secrets never leave the bridge."""

from __future__ import annotations

import base64
import logging

import httpx
import openai
import pytest

from bridge.context import build_context
from bridge.redaction import redact
from bridge.upstream_errors import DETAIL_LIMIT, describe, error_result
from bridge.settings import Settings

KEY = "azure-key-0123456789abcdef"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJlLXZhbHVl"


def status_error(status: int, message: str) -> openai.APIStatusError:
    request = httpx.Request("POST", "https://res.openai.azure.com/openai/v1/responses")
    body = {"error": {"message": message, "code": "invalid_value", "param": "input"}}
    response = httpx.Response(status, json=body, request=request, headers={"apim-request-id": "req-1"})
    return openai.APIStatusError(message, response=response, body=body)


@pytest.fixture
def configured_key() -> str:
    # Building the context registers the configured key and installs log redaction, as the server does.
    build_context(Settings(azure_openai_endpoint="https://res.openai.azure.com", azure_openai_api_key=KEY))
    return KEY


def test_an_echoed_request_is_cut_and_the_cut_is_said() -> None:
    pdf = base64.b64encode(b"%PDF-1.7 " + bytes(range(256)) * 800).decode()
    text = describe(status_error(400, f"Invalid file_data: 'data:application/pdf;base64,{pdf}'"), "resp_1")
    assert text.startswith("The endpoint rejected the request (HTTP 400: Invalid file_data: 'data:application/pdf")
    assert len(text) < DETAIL_LIMIT + 300 and "param=input; code=invalid_value" in text
    assert f"more characters cut)" in text and "(response id: resp_1)" in text and "[request id req-1]" in text
    cut = int(text.split("… (")[1].split(" more")[0])
    assert cut == len(f"Invalid file_data: 'data:application/pdf;base64,{pdf}'") - DETAIL_LIMIT


def test_short_messages_are_kept_whole() -> None:
    text = describe(status_error(404, "The deployment 'gpt-x' does not exist"))
    assert "HTTP 404: The deployment 'gpt-x' does not exist; param=input; code=invalid_value" in text
    assert "cut" not in text


def test_the_configured_key_and_credential_headers_are_masked(configured_key: str) -> None:
    echoed = (
        f"bad request; headers: {{'api-key': '{configured_key}', 'Authorization': 'Bearer {JWT}'}} "
        f"Ocp-Apim-Subscription-Key: other-subscription-key, raw token {JWT} and again {configured_key}"
    )
    text = describe(status_error(401, echoed))
    for secret in (configured_key, JWT, "other-subscription-key"):
        assert secret not in text
    assert "'api-key': '***'" in text and "'Authorization': '***'" in text and "raw token ***" in text
    assert "refused the credentials" in text  # the advice is still there


def test_tool_error_results_mask_whatever_produced_them(configured_key: str) -> None:
    result = error_result(f"could not open: Authorization: Bearer sk-abcdef123456 (key {configured_key})", "resp_9")
    text = result.content[0].text
    assert configured_key not in text and "sk-abcdef123456" not in text
    assert "Authorization: ***" in text and "(response id: resp_9)" in text
    assert result.is_error and result.structured_content is None  # the text is the whole error


def test_a_secret_pasted_into_a_response_id_does_not_come_back(configured_key: str) -> None:
    result = error_result("Not found (HTTP 404).", f"resp_{configured_key}")
    text = result.content[0].text
    assert configured_key not in text and configured_key not in str(result.structured_content)
    assert "(response id: resp_***)" in text and result.structured_content is None


def test_log_records_are_masked(configured_key: str, caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("bridge.test")
    with caplog.at_level(logging.INFO):
        log.warning("request failed with key %s and header %s", configured_key, f"Bearer {JWT}")
        try:
            raise RuntimeError(f"api-key={configured_key}")
        except RuntimeError:
            log.exception("upstream call crashed")
    logged = caplog.text
    assert configured_key not in logged and JWT not in logged
    assert "request failed with key *** and header Bearer ***" in logged
    assert "RuntimeError: api-key=***" in logged


def test_redact_leaves_ordinary_text_alone() -> None:
    text = "The response resp_123 completed; 42 tokens, model gpt-4o, key points: none."
    assert redact(text) == text


def test_a_key_cut_in_half_by_the_length_limit_is_still_masked(configured_key: str) -> None:
    # The key straddles the cut: masking must happen before shortening, or its first half would survive.
    text = describe(status_error(400, "x" * (DETAIL_LIMIT - 16) + " " + configured_key))
    assert configured_key[:8] not in text
    assert "***" in text


@pytest.mark.parametrize(
    "leaky",
    ["Authorization: Basic dXNlcjpwYXNzd29yZA==", "authorization=Basic dXNlcjpwYXNzd29yZA==", "proxy said basic dXNlcjpwYXNzd29yZA=="],
)
def test_basic_credentials_are_masked(leaky: str) -> None:
    assert "dXNlcjpwYXNzd29yZA" not in redact(leaky)


# Shaped like real OpenAI keys (random, never registered with the bridge).
LEGACY_KEY = "sk-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v2W3x4"
PROJECT_KEY = "sk-proj-" + "Zx9_Yw8-Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9Dc8Ba7_zY6xW5-vU4tS3rQ2"
SERVICE_KEY = "sk-svcacct-" + "q1W2e3R4t5Y6u7I8o9P0a1S2d3F4g5H6j7K8"


@pytest.mark.parametrize("key", [LEGACY_KEY, PROJECT_KEY, SERVICE_KEY])
def test_unregistered_openai_style_keys_are_masked(key: str) -> None:
    for text in (f"Incorrect API key provided: {key}.", f"key={key}", f"({key})", f"[{key}, other]"):
        masked = redact(text)
        assert key[10:] not in masked and key[-12:] not in masked, masked
        assert "***" in masked
    assert redact(f"Incorrect API key provided: {key}. You can find your API key at the dashboard.") == (
        "Incorrect API key provided: ***. You can find your API key at the dashboard."
    )


@pytest.mark.parametrize(
    "ordinary",
    [
        "Install sk-learn (scikit-learn) and run the sk-learn-tests suite.",
        "The task-scheduler-runs-every-hour flag is on; ask-me-anything threads.",
        "risk-assessment-and-mitigation-plan-2024 is attached",
        "sk-short and sk-_ and plain sk- prefix",
    ],
)
def test_text_that_only_looks_a_little_like_a_key_is_left_alone(ordinary: str) -> None:
    assert redact(ordinary) == ordinary


@pytest.mark.parametrize(
    "echoed,kept",
    [
        ('{"Authorization": "Bearer abc.def ghi"}', '{"Authorization": "***"}'),
        ("{'api-key': 'two words'}", "{'api-key': '***'}"),
        ("headers={'Ocp-Apim-Subscription-Key': 'a b c d', 'x': 1}", "headers={'Ocp-Apim-Subscription-Key': '***', 'x': 1}"),
        ('"x-api-key" = "with \\"escaped\\" quote inside", "next": 1', '"x-api-key" = "***", "next": 1'),
        ("authorization: 'Basic dXNlcjpw YXNz'", "authorization: '***'"),
    ],
)
def test_quoted_header_values_are_masked_whole_even_with_spaces(echoed: str, kept: str) -> None:
    assert redact(echoed) == kept


def test_quoted_masking_stops_at_the_closing_quote() -> None:
    text = '{"Authorization": "Bearer abc def", "model": "gpt-4o", "input": "say hi"}'
    assert redact(text) == '{"Authorization": "***", "model": "gpt-4o", "input": "say hi"}'


@pytest.mark.parametrize(
    "ordinary",
    [
        '{"Content-Type": "application/json; charset=utf-8", "User-Agent": "OpenAI/Python 1.0"}',
        "the 'api-key' header is missing; pass it as 'api-key'",
        '{"error": {"message": "Access denied: check your key", "param": "authorization", "code": "401"}}',
    ],
)
def test_other_quoted_values_and_header_names_stay_unchanged(ordinary: str) -> None:
    assert redact(ordinary) == ordinary


def test_header_values_inside_a_json_string_are_masked_whole() -> None:
    # An endpoint error that carries the request as a JSON string: every quote is escaped.
    echoed = 'upstream said: "{\\"api-key\\": \\"two words\\", \\"Authorization\\": \\"Bearer a b\\", \\"model\\": \\"x\\"}"'
    masked = redact(echoed)
    assert "two words" not in masked and "Bearer a b" not in masked
    assert masked == 'upstream said: "{\\"api-key\\": \\"***\\", \\"Authorization\\": \\"***\\", \\"model\\": \\"x\\"}"'
