"""Fixtures for the emulator's tests: a running emulator, an openai client, and a recorder that proves every
body and streamed event the emulator returned matches the derived OpenAPI document.

`recorded` is a `Recorder`; the `client` fixture's httpx transport tees every response into it. At module
teardown the recorder validates all it saw (JSON bodies against the operation's response schema for that
status; each SSE event's data against the event schema) and the teardown errors when any is invalid.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Iterator

import httpx
import openai
import pytest
from openapi import spec

from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer

KEY = "emulator-key"
FAST = {"emulator_delay_ms": "0"}


@dataclass
class Recorded:
    method: str
    path: str  # relative to the API prefix, e.g. /responses/resp_1
    status: int
    content_type: str
    body: bytes


def _templates() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for template in spec.load()["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        out.append((re.compile(f"^{pattern}$"), template))
    # literal paths first so /responses/compact does not match /responses/{response_id}
    return sorted(out, key=lambda p: p[1].count("{"))


def _sse_events(body: bytes) -> list[Any]:
    events = []
    for block in body.decode("utf-8").split("\n\n"):
        data = [line[5:].strip() for line in block.split("\n") if line.startswith("data:")]
        if data:
            events.append(json.loads("\n".join(data)))
    return events


@dataclass
class Recorder:
    items: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, item: Recorded) -> None:
        with self.lock:
            self.items.append(item)

    def events(self) -> list[dict[str, Any]]:
        return [e for r in self.items if r.content_type.startswith("text/event-stream") for e in _sse_events(r.body)]

    def problems(self) -> list[str]:
        document = spec.load()
        templates = _templates()
        problems: list[str] = []
        for rec in list(self.items):
            template = next((t for pattern, t in templates if pattern.match(rec.path)), None)
            if template is None:
                continue  # admin and unknown paths are not in the document
            operation = document["paths"][template].get(rec.method.lower())
            if operation is None:
                continue
            responses = operation["responses"]
            described = responses.get(str(rec.status)) or responses.get("default")
            if "$ref" in described:
                described = document["components"]["responses"][described["$ref"].rsplit("/", 1)[-1]]
            media = (described.get("content") or {})
            where = f"{rec.method} {rec.path} -> {rec.status}"
            if rec.content_type.startswith("text/event-stream"):
                schema = media["text/event-stream"]["schema"]["properties"]["data"]["contentSchema"]["$ref"]
                for event in _sse_events(rec.body):
                    problems += _check(event, schema, f"{where} event {event.get('type')}#{event.get('sequence_number')}")
            elif "application/json" in media and rec.body:
                schema = media["application/json"]["schema"]["$ref"]
                body = json.loads(rec.body)
                if schema.endswith("/Error") and isinstance(body, dict) and "error" in body:
                    body = body["error"]  # the official document describes the inner object of `{"error": ...}`
                problems += _check(body, schema, where)
        return problems


@functools.cache
def _event_schemas(union: str) -> dict[str, str]:
    """event type -> the member schema of the `union` (validating one member is much faster than the union)."""
    out: dict[str, str] = {}
    for member in spec.schema(union).get("anyOf", []) + spec.schema(union).get("oneOf", []):
        name = member["$ref"].rsplit("/", 1)[-1]
        tag = spec.schema(name).get("properties", {}).get("type", {})
        for value in tag.get("enum", []) + ([tag["const"]] if "const" in tag else []):
            out[value] = name
    return out


def _check(instance: Any, ref: str, where: str) -> list[str]:
    name = ref.rsplit("/", 1)[-1]
    if isinstance(instance, dict):
        name = _event_schemas(name).get(instance.get("type"), name)
    try:
        spec.validate(instance, name)
    except spec.SchemaValidationError as exc:
        return [f"{where}: {name} at {exc.json_path}: {exc.message}"]
    return []


class _TeeStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, done: Any) -> None:
        self.inner = inner
        self.done = done
        self.chunks: list[bytes] = []

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.inner:
            self.chunks.append(chunk)
            yield chunk

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            self.done(b"".join(self.chunks))


class RecordingTransport(httpx.BaseTransport):
    """Passes requests to a real transport and records what came back (even cut streams, up to the cut)."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        path = re.sub(r"^/(openai/)?v1", "", request.url.path)
        content_type = response.headers.get("content-type", "")

        def done(body: bytes) -> None:
            self.recorder.add(Recorded(request.method, path, response.status_code, content_type, body))

        assert isinstance(response.stream, httpx.SyncByteStream)
        return httpx.Response(
            response.status_code, headers=response.headers, stream=_TeeStream(response.stream, done),
            extensions=response.extensions, request=request,
        )

    def close(self) -> None:
        self.inner.close()


def make_client(server: EmulatorServer, recorder: Recorder, *, base_url: str | None = None,
                api_key: str = KEY, **kwargs: Any) -> openai.OpenAI:
    http_client = httpx.Client(transport=RecordingTransport(recorder), timeout=30)
    return openai.OpenAI(base_url=base_url or server.base_url, api_key=api_key, http_client=http_client, **kwargs)


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorConfig()) as server:
        yield server


@pytest.fixture(scope="module")
def recorded() -> Iterator[Recorder]:
    recorder = Recorder()
    yield recorder
    problems = recorder.problems()
    assert not problems, "emulator output does not match the derived OpenAPI document:\n" + "\n".join(problems[:20])


@pytest.fixture(scope="module")
def client(emulator: EmulatorServer, recorded: Recorder) -> Iterator[openai.OpenAI]:
    c = make_client(emulator, recorded)
    yield c
    c.close()
