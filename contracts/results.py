"""What a contract check reports: one `CheckResult` per check, grouped by layer."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field


class Layer(str, Enum):
    schema = "schema"  # schemathesis, generated from the openapi/ document
    scenario = "scenario"  # behaviour written from the seeds
    catalog = "catalog"  # regions, models, doc-snapshot limitations


class Outcome(str, Enum):
    passed = "passed"
    failed = "failed"
    skipped = "skipped"  # not applicable to this target/profile
    expected_unsupported = "expected_unsupported"  # the chosen doc snapshot lists the feature as unsupported
    error = "error"  # the check could not run (connection error, timeout, non-JSON body, hung stream)


class CheckResult(BaseModel):
    id: str  # stable id, e.g. "stream.sequence-numbers"
    layer: Layer
    title: str
    doc_rule: str  # the documented rule (and seed section) the check enforces
    outcome: Outcome
    message: str = ""
    request: str = ""  # excerpt, secrets masked
    response: str = ""  # excerpt, secrets masked
    duration_s: float = 0.0
    details: dict[str, object] = Field(default_factory=dict)

    @property
    def is_failure(self) -> bool:
        return self.outcome in (Outcome.failed, Outcome.error)


class CheckFailed(AssertionError):
    """Raised by a check when the endpoint breaks the rule; the message says how."""

    def __init__(self, message: str, *, request: str = "", response: str = "") -> None:
        super().__init__(message)
        self.request = request
        self.response = response


class NotApplicable(Exception):
    """Raised by a check that does not apply to this target (e.g. no image deployment configured)."""


class Unsupported(Exception):
    """Raised by a check whose feature the chosen doc snapshot lists as unsupported, when the endpoint refuses it."""
