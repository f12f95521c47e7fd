"""Keep generated requests cheap on real endpoints: a case budget and a `before_call` hook.

schemathesis dispatches `before_call` only to its global hook registry, so the hook is registered once, globally,
and does nothing unless a layer-1 run has activated a `CostPolicy`. After the hook edits a case, schemathesis
revalidates it, so a negative case the hook happened to make valid is judged as a positive one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import schemathesis

# Azure's documented minimum (`integer_below_min_value` below it); also OpenAI's.
MIN_OUTPUT_TOKENS = 16
# Tools that cost money or time per call on a real endpoint (hosted tools, image generation, computer use).
EXPENSIVE_TOOL_TYPES = frozenset(
    {
        "image_generation",
        "web_search",
        "web_search_preview",
        "web_search_preview_2025_03_11",
        "web_search_2025_08_26",
        "file_search",
        "code_interpreter",
        "computer_use_preview",
        "computer_use",
        "mcp",
        "local_shell",
        "shell",
        "apply_patch",
    }
)
BODY_OPERATIONS = frozenset({("POST", "/responses"), ("POST", "/responses/compact")})
IMAGE_HEADER = "x-ms-oai-image-generation-deployment"
FILLER_INPUT = "Say hi."


@dataclass
class CostPolicy:
    """What the hook forces on generated requests, and the budget of requests a run may send."""

    deployment: str
    image_deployment: str | None = None
    max_output_tokens: int = MIN_OUTPUT_TOKENS
    budget: int | None = None  # None = no budget
    on_exhausted: Callable[[], None] | None = None  # e.g. stop the schemathesis engine
    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_call(self) -> None:
        with self._lock:
            self.calls += 1
            exhausted = self.budget is not None and self.calls == self.budget
        if exhausted and self.on_exhausted is not None:
            self.on_exhausted()

    def cheapen_body(self, body: dict[str, Any], *, create: bool = True) -> None:
        """Force the deployment, cap output tokens, drop background mode and expensive tools (in place).

        `create=False` (POST /responses/compact) only forces the deployment: compaction takes no token cap.
        """
        if body.get("model") is None or isinstance(body["model"], str):
            body["model"] = self.deployment
        # The document leaves `input` optional (it may come from a previous response, a stored prompt or a
        # conversation); a request with none of them has nothing to answer and real endpoints refuse it.
        sources = ("input", "previous_response_id") + (("prompt", "conversation") if create else ())
        if all(body.get(key) is None for key in sources):
            body["input"] = FILLER_INPUT
        if not create:
            return
        tokens = body.get("max_output_tokens")
        if tokens is None or (type(tokens) is int and tokens > self.max_output_tokens):
            body["max_output_tokens"] = self.max_output_tokens
        if body.get("background") is True:
            del body["background"]
        tools = body.get("tools")
        if isinstance(tools, list):
            body["tools"] = [
                tool for tool in tools if not (isinstance(tool, dict) and tool.get("type") in EXPENSIVE_TOOL_TYPES)
            ]

    def cheapen_headers(self, headers: dict[str, Any]) -> None:
        # Image generation is dropped above, so the image deployment header only needs a real name or nothing.
        for name in list(headers):
            if name.lower() == IMAGE_HEADER:
                if self.image_deployment:
                    headers[name] = self.image_deployment
                else:
                    del headers[name]


_active: CostPolicy | None = None
_registered = False
_register_lock = threading.Lock()


def activate(policy: CostPolicy | None) -> None:
    """Make `policy` the one the global hook applies (None switches the hook off)."""
    global _active
    register()
    _active = policy


def active() -> CostPolicy | None:
    return _active


def before_call(context: schemathesis.HookContext, case: schemathesis.Case, kwargs: dict[str, Any]) -> None:
    policy = _active
    if policy is None:
        return
    policy.count_call()
    if (case.method.upper(), case.operation.path) in BODY_OPERATIONS and isinstance(case.body, dict):
        policy.cheapen_body(case.body, create=case.operation.path == "/responses")
    if isinstance(case.headers, dict):
        policy.cheapen_headers(case.headers)


def register() -> None:
    """Register the hook with schemathesis once per process."""
    global _registered
    with _register_lock:
        if not _registered:
            schemathesis.hook("before_call")(before_call)
            _registered = True
