"""Endpoint mutants for the suite's self-test: each breaks exactly one documented rule.

`MUTANTS` lists them with the rule each breaks and the check id that must fail because of it; they run
behind `MutatingProxy` (tests/contracts/mutating_proxy.py) in front of the real emulator.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from typing import Any

from tests.contracts.mutating_proxy import (
    EMULATOR_KEY,
    Exchange,
    Frames,
    Mutant,
    MutatingProxy,
    create_body,
    is_response_object,
    on_responses,
    renumber,
)

__all__ = ["MUTANTS", "Exchange", "Mutant", "MutatingProxy", "on_responses"]


# -- request mutations --------------------------------------------------------------------------------------
def accept_invalid_bodies(ex: Exchange) -> None:
    if ex.method != "POST" or ex.path.rstrip("/") != "/responses":
        return
    body = ex.request_json
    if not isinstance(body, dict):
        body = {"model": "gpt-4o", "input": "repaired by the mutant"}
    if not isinstance(body.get("input"), (str, list)):
        body["input"] = "repaired by the mutant"
    body.setdefault("model", "gpt-4o")
    if isinstance(body.get("max_output_tokens"), int) and body["max_output_tokens"] < 16:
        body["max_output_tokens"] = 16
    ex.set_request_json(body)


def drop_field(name: str, only_if: Callable[[dict[str, Any]], bool] = lambda b: True) -> Callable[[Exchange], None]:
    def hook(ex: Exchange) -> None:
        body = create_body(ex)
        if body is not None and name in body and only_if(body):
            del body[name]
            ex.set_request_json(body)

    return hook


def ignore_auth(ex: Exchange) -> None:
    for key in [k for k in ex.headers if k.lower() in ("api-key", "authorization")]:
        del ex.headers[key]
    ex.headers["api-key"] = EMULATOR_KEY


def resume_one_early(ex: Exchange) -> None:
    if ex.method == "GET" and "starting_after" in ex.query:
        ex.query["starting_after"] = str(int(ex.query["starting_after"]) - 1)


def strip_pdf_parts(ex: Exchange) -> None:
    body = create_body(ex)
    if body is None or not isinstance(body.get("input"), list):
        return
    for item in body["input"]:
        if isinstance(item, dict) and isinstance(item.get("content"), list):
            item["content"] = [p for p in item["content"] if not (isinstance(p, dict) and p.get("type") == "input_file")]
    ex.set_request_json(body)


def accept_user_data(ex: Exchange) -> None:
    if ex.method == "POST" and ex.path.rstrip("/") == "/files":
        ex.body = ex.body.replace(b"user_data", b"assistants")


def map_unknown_deployment(ex: Exchange) -> None:
    body = create_body(ex)
    if body is not None and body.get("model") == "contracts-no-such-deployment":
        body["model"] = "gpt-4o"
        ex.set_request_json(body)


def malformed_stream(ex: Exchange) -> None:
    if (create_body(ex) or {}).get("stream"):
        ex.headers["x-emulator-fault"] = "malformed_sse"


# -- response mutations -------------------------------------------------------------------------------------
def keep_deleted_alive(ex: Exchange) -> None:
    seen: dict[str, Any] = ex.state.setdefault("bodies", {})
    deleted: set[str] = ex.state.setdefault("deleted", set())
    if is_response_object(ex) and ex.status == 200:
        seen[ex.json["id"]] = copy.deepcopy(ex.json)
    if ex.method == "DELETE" and ex.status == 200 and isinstance(ex.json, dict):
        deleted.add(str(ex.json.get("id")))
    rid = ex.path.rstrip("/").rsplit("/", 1)[-1]
    if ex.method == "GET" and rid in deleted and rid in seen and ex.status == 404:
        ex.status, ex.json = 200, seen[rid]


def server_error_on_unknown_id(ex: Exchange) -> None:
    if ex.method == "GET" and ex.path.startswith("/responses/") and ex.status == 404:
        ex.status, ex.json = 500, {"error": {"code": "server_error", "message": "boom"}}


def cancel_twice_fails(ex: Exchange) -> None:
    if ex.method == "POST" and ex.path.endswith("/cancel") and ex.status == 200:
        done: set[str] = ex.state.setdefault("cancelled", set())
        if ex.path in done:
            ex.status = 400
            ex.json = {"error": {"message": "Response is already cancelled.", "type": "invalid_request_error",
                                 "param": None, "code": "invalid_state"}}
        done.add(ex.path)


def gateway_error_shape(ex: Exchange) -> None:
    if 400 <= ex.status < 500 and isinstance(ex.json, dict) and "error" in ex.json:
        ex.json = {"detail": (ex.json["error"] or {}).get("message", "error")}


def server_error_for_400(ex: Exchange) -> None:
    if ex.status == 400:
        ex.status = 500


def vague_errors(ex: Exchange) -> None:
    if 400 <= ex.status < 500 and isinstance(ex.json, dict) and isinstance(ex.json.get("error"), dict):
        ex.json["error"].update({"message": "Bad request.", "param": None})


def set_region(ex: Exchange) -> None:
    ex.response_headers["x-ms-region"] = "atlantiscentral"


def reverse_input_items(ex: Exchange) -> None:
    if ex.path.endswith("/input_items") and isinstance(ex.json, dict) and isinstance(ex.json.get("data"), list):
        ex.json["data"] = list(reversed(ex.json["data"]))


def bad_arguments(body: dict[str, Any], ex: Exchange) -> None:
    for item in body.get("output") or []:
        if item.get("type") == "function_call":
            item["arguments"] = "location=San Francisco"


def jpeg_instead_of_png(body: dict[str, Any], ex: Exchange) -> None:
    for item in body.get("output") or []:
        if item.get("type") == "image_generation_call" and item.get("result"):
            item["result"] = base64.b64encode(b"\xff\xd8\xff\xe0 not really an image").decode()


def compaction_as_response(ex: Exchange) -> None:
    if ex.path.endswith("/compact") and isinstance(ex.json, dict):
        ex.json["object"] = "response"


def drop_encrypted_reasoning(body: dict[str, Any], ex: Exchange) -> None:
    for item in body.get("output") or []:
        if item.get("type") == "reasoning":
            item.pop("encrypted_content", None)


def background_claims_completed(body: dict[str, Any], ex: Exchange) -> None:
    if ex.method == "POST" and body.get("background") and body.get("status") in ("queued", "in_progress"):
        body["status"] = "completed"


# -- SSE mutations ------------------------------------------------------------------------------------------
def seq_gap(ex: Exchange, frames: Frames) -> Frames:
    for f in frames[4:]:
        f["data"]["sequence_number"] += 1
    return frames


def seq_repeat(ex: Exchange, frames: Frames) -> Frames:
    if len(frames) > 5:
        frames[5]["data"]["sequence_number"] = frames[4]["data"]["sequence_number"]
    return frames


def wrong_delta(ex: Exchange, frames: Frames) -> Frames:
    for f in frames:
        if f["data"].get("type") == "response.output_text.delta":
            f["data"]["delta"] += "EXTRA"
            break
    return frames


def second_terminal(ex: Exchange, frames: Frames) -> Frames:
    if frames and frames[-1]["data"].get("type") == "response.completed":
        extra = copy.deepcopy(frames[-1])
        extra["data"]["sequence_number"] += 1
        frames.append(extra)
    return frames


def name_mismatch(ex: Exchange, frames: Frames) -> Frames:
    for f in frames:
        if f["data"].get("type") == "response.output_text.delta":
            f["event"] = "response.output_text.done"
    return frames


def drop_created(ex: Exchange, frames: Frames) -> Frames:
    return renumber([f for f in frames if f["data"].get("type") != "response.created"],
                    frames[0]["data"]["sequence_number"] if frames else 0)


def drop_item_done(ex: Exchange, frames: Frames) -> Frames:
    return renumber([f for f in frames if f["data"].get("type") != "response.output_item.done"],
                    frames[0]["data"]["sequence_number"] if frames else 0)


MUTANTS: tuple[Mutant, ...] = (
    Mutant("missing-required-field", "a response object carries created_at", "lifecycle.create-retrieve",
           ("lifecycle.create-retrieve",), response=on_responses(lambda b, ex: b.pop("created_at", None))),
    Mutant("wrong-object", "a response object has object='response'", "lifecycle.create-retrieve",
           ("lifecycle.create-retrieve",), response=on_responses(lambda b, ex: b.update(object="chat.completion"))),
    Mutant("sequence-gap", "sequence_number increases without gaps", "stream.sequence", ("stream.*",),
           events=seq_gap),
    Mutant("sequence-repeat", "sequence_number strictly increases", "stream.sequence", ("stream.*",),
           events=seq_repeat),
    Mutant("deltas-do-not-add-up", "deltas concatenate to the done text", "stream.text", ("stream.*",),
           events=wrong_delta),
    Mutant("second-terminal-event", "exactly one terminal event", "stream.terminal", ("stream.*",),
           events=second_terminal),
    Mutant("event-name-disagrees", "the SSE event name equals data.type", "stream.event-name", ("stream.*",),
           events=name_mismatch),
    Mutant("no-created-event", "response.created comes first", "stream.first-event", ("stream.*",),
           events=drop_created),
    Mutant("unpaired-item", "output_item.added has its output_item.done", "stream.pairs", ("stream.*",),
           events=drop_item_done),
    Mutant("malformed-sse", "every SSE data line is JSON", "stream.framing", ("stream.*",),
           request=malformed_stream),
    Mutant("200-on-invalid-body", "invalid bodies get 400", "errors.invalid-body", ("errors.invalid-body",),
           request=accept_invalid_bodies),
    Mutant("500-on-bad-request", "client mistakes are 4xx, never 5xx", "errors.invalid-body",
           ("errors.invalid-body",), response=server_error_for_400),
    Mutant("wrong-error-body", "errors are {error: {message, ...}}", "errors.unknown-response",
           ("errors.*",), response=gateway_error_shape),
    Mutant("vague-error", "errors name the offending field", "chaining.unknown-previous-id",
           ("chaining.unknown-previous-id",), response=vague_errors),
    Mutant("retrieve-after-delete", "a deleted response is gone (404)", "lifecycle.delete", ("lifecycle.delete",),
           response=keep_deleted_alive),
    Mutant("authorized-unknown-id-500", "past auth, an unknown id is a documented 404", "auth.api-key-header",
           ("auth.api-key-header", "auth.bearer"), response=server_error_on_unknown_id),
    Mutant("store-false-retrievable", "store=false responses are not stored", "lifecycle.store-false",
           ("lifecycle.store-false",), request=drop_field("store", lambda b: not b.get("background"))),
    Mutant("background-store-false-accepted", "background requires store=true", "background.store-false-rejected",
           ("background.store-false-rejected",), request=drop_field("store", lambda b: bool(b.get("background")))),
    Mutant("cancel-not-idempotent", "cancel is idempotent", "background.cancel", ("background.cancel",),
           response=cancel_twice_fails),
    Mutant("background-not-queued", "background=true answers queued/in_progress", "background.lifecycle",
           ("background.lifecycle",), response=on_responses(background_claims_completed)),
    Mutant("resume-wrong-point", "resume replays exactly the events after N", "stream.resume", ("stream.resume",),
           request=resume_one_early),
    Mutant("context-dropped", "previous_response_id carries context", "chaining.previous-response-id",
           ("chaining.previous-response-id",), request=drop_field("previous_response_id")),
    Mutant("input-items-reordered", "input_items lists what was sent, in order", "lifecycle.input-items",
           ("lifecycle.input-items",), response=reverse_input_items),
    Mutant("encrypted-reasoning-missing", "include=reasoning.encrypted_content returns it",
           "chaining.encrypted-reasoning", ("chaining.encrypted-reasoning",),
           response=on_responses(drop_encrypted_reasoning)),
    Mutant("usage-total-wrong", "total_tokens = input + output", "lifecycle.usage", ("lifecycle.usage",),
           response=on_responses(lambda b, ex: isinstance(b.get("usage"), dict)
                                 and b["usage"].update(total_tokens=b["usage"]["total_tokens"] + 1))),
    Mutant("ignored-auth", "a request without a key gets 401", "auth.missing-key", ("auth.*",),
           request=ignore_auth),
    Mutant("unknown-deployment-served", "an unknown deployment gets 404", "errors.unknown-deployment",
           ("errors.unknown-deployment",), request=map_unknown_deployment),
    Mutant("function-arguments-not-json", "function_call.arguments is JSON", "tools.function-call",
           ("tools.function-call",), response=on_responses(bad_arguments)),
    Mutant("pdf-ignored", "the PDF's text reaches the model", "inputs.pdf-base64", ("inputs.pdf-base64",),
           request=strip_pdf_parts),
    Mutant("user-data-accepted", "purpose=user_data is refused", "inputs.pdf-user-data-rejected",
           ("inputs.pdf-user-data-rejected",), request=accept_user_data),
    Mutant("compaction-wrong-object", "compact answers object response.compaction", "compaction.by-input",
           ("compaction.by-input",), response=compaction_as_response),
    Mutant("image-not-png", "image_generation_call.result is a PNG", "images.generation", ("images.generation",),
           response=on_responses(jpeg_instead_of_png)),
    Mutant("undocumented-region", "x-ms-region is a documented region", "catalog.region", ("catalog",),
           response=set_region),
    Mutant("undocumented-model-version", "the served model version is documented", "catalog.model", ("catalog",),
           response=on_responses(lambda b, ex: b.update(model="gpt-4o-2099-01-01"))),
)
