"""Auth matrix: missing and wrong credentials get 401 with the documented body; both header forms work.

The header-form checks use GET of an unknown response id: free of tokens, and any answer but 401/403
(normally 404) shows the credential was accepted.
"""

from __future__ import annotations

from contracts.http_session import ApiResponse
from contracts.results import NotApplicable
from contracts.scenarios.calls import body
from contracts.scenarios.expect import error_body, fail
from contracts.scenarios.registry import ScenarioContext, scenario

AUTH_RULE = "2026-05 §'Een tekstantwoord genereren' (API key or Entra ID) + §'Probleemoplossing' 401/403"
PROBE = "responses/resp_contractsauthprobe000000000000000"
WRONG_KEY = "contracts-wrong-key-0000000000000000"


@scenario("auth.missing-key", "no credential → 401 with the documented body", AUTH_RULE)
def missing(ctx: ScenarioContext) -> str:
    resp = ctx.session.post("responses", body(ctx, input="This is a test."), auth=False)
    error_body(resp, "request without credentials", status=401, allow_gateway_401=True)
    return "401"


@scenario("auth.wrong-key", "wrong credential → 401 with the documented body", AUTH_RULE)
def wrong(ctx: ScenarioContext) -> str:
    header = {"api-key": WRONG_KEY} if ctx.target.profile == "azure-v1" else {"Authorization": f"Bearer {WRONG_KEY}"}
    resp = ctx.session.post("responses", body(ctx, input="This is a test."), auth=header)
    error_body(resp, "request with a wrong key", status=401, allow_gateway_401=True)
    return "401"


def _key(ctx: ScenarioContext) -> str:
    if ctx.target.auth not in ("api-key", "bearer") or not ctx.target.credential:
        raise NotApplicable("the target's credential is not an API key")
    return ctx.target.credential


@scenario("auth.api-key-header", "the api-key header works", f"{AUTH_RULE}: curl -H 'api-key: $AZURE_OPENAI_API_KEY'",
          profiles=("azure-v1",))
def api_key_header(ctx: ScenarioContext) -> str:
    resp = ctx.session.get(PROBE, auth={"api-key": _key(ctx)})
    if resp.status in (401, 403):
        raise fail(f"a valid key in the api-key header was refused with HTTP {resp.status}", resp)
    _accepted(resp, "a valid key in the api-key header")
    return "accepted (404 with the documented body for an unknown id)"


@scenario("auth.bearer", "Authorization: Bearer works",
          f"{AUTH_RULE}: the Python examples pass the key as OpenAI(api_key=...), which sends it as a Bearer token")
def bearer(ctx: ScenarioContext) -> str:
    if ctx.target.auth == "entra" and ctx.target.credential:
        token = ctx.target.credential
    else:
        token = _key(ctx)
    resp = ctx.session.get(PROBE, auth={"Authorization": f"Bearer {token}"})
    if resp.status in (401, 403):
        raise fail(f"a valid credential as Bearer was refused with HTTP {resp.status}", resp)
    _accepted(resp, "a valid credential as Bearer")
    return "accepted (404 with the documented body for an unknown id)"


def _accepted(resp: ApiResponse, what: str) -> None:
    """Past auth, retrieving an unknown id is a documented 404 — not a 5xx or an undocumented answer."""
    error_body(resp, f"{what}, retrieving an unknown response id", status=404)
