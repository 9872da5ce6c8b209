"""Shared fixtures. The embedded model is loaded once per session: it is the slow part of the suite."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def embedded_llm():
    """The hf backend on the embedded SmolLM2-135M-Instruct (converted by `make` before the tests run)."""
    from reasonsuite.llm import LLMConfig, load_llm

    llm = load_llm(LLMConfig.load(backend="hf", model="embedded", batch_size=8, max_new_tokens=48))
    yield llm
    llm.close()
