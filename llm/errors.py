"""Errors a backend raises, so that callers can tell a bad configuration from a model that misbehaved."""

from __future__ import annotations


class BackendUnavailableError(RuntimeError):
    """The backend's engine or client library is not installed, or its endpoint cannot be reached."""


class StructuredOutputError(ValueError):
    """The model did not produce output that validates against the requested schema within the retry budget.

    Carries every raw text so that the failure can be reported (and audited) instead of replaced by a default.
    """

    def __init__(self, schema_name: str, raw_texts: list[str], errors: list[str]):
        self.schema_name = schema_name
        self.raw_texts = raw_texts
        self.errors = errors
        last = raw_texts[-1] if raw_texts else ""
        preview = last if len(last) <= 300 else last[:300] + "…"
        super().__init__(
            f"model output did not validate against {schema_name} after {len(raw_texts)} attempt(s); "
            f"last error: {errors[-1] if errors else 'none'}; last raw text: {preview!r}"
        )
