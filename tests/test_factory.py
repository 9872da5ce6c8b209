"""load_llm picks the backend a config names; backends whose engine is missing say how to get it."""

from __future__ import annotations

import importlib.util

import pytest

from reasonsuite.llm import LLM, BackendUnavailableError, LLMConfig, load_llm


@pytest.mark.skipif(importlib.util.find_spec("vllm") is not None, reason="vLLM is installed here")
def test_vllm_backend_without_vllm_is_a_clear_error() -> None:
    """vLLM is GPU-only and not part of the CPU install; asking for it must say how to get it."""
    with pytest.raises(BackendUnavailableError, match=r"needs vLLM, which is not installed.*reasonsuite\[gpu\]"):
        load_llm(LLMConfig.load(backend="vllm", model="some/model"))


def test_openai_backend_satisfies_the_protocol() -> None:
    llm = load_llm(LLMConfig.load(backend="openai", base_url="http://127.0.0.1:9/v1", model="m"))
    assert isinstance(llm, LLM)
    assert llm.name == "openai:m"
    llm.close()
