"""Upstream failures and bad tool input, turned into messages a user (or a model) can act on."""

from __future__ import annotations


class ToolInputError(ValueError):
    """A tool argument is unusable; the message names the argument and the fix."""
