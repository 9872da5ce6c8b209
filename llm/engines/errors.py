"""The one error the engines raise: what failed and what to do about it."""

from __future__ import annotations

from ..errors import BackendUnavailableError


class EngineError(BackendUnavailableError):
    """An engine cannot be built, started or reached; the message says why and what to run."""
