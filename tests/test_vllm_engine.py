"""The vLLM engine for real: ``vllm serve`` with two LoRA adapters side by side, spoken to by the openai backend.

Opt-in: ``make test-vllm`` installs vLLM's CPU build in a venv of its own and points REASONSUITE_VLLM_BIN at it (on a
GPU machine, a `vllm` on PATH from `pip install -e '.[gpu]'` works too). Without either, these tests are skipped.
"""

from __future__ import annotations

import os
import shutil

import pytest
from lora_adapters import random_lora_adapter
from pydantic import BaseModel

from reasonsuite.llm import LLMConfig, SamplingParams, load_llm
from reasonsuite.llm.engines import EngineSpec, ManagedEngine

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (os.environ.get("REASONSUITE_VLLM_BIN") or shutil.which("vllm")),
        reason="opt-in: `make test-vllm` (vLLM's CPU build in .venv-vllm) or vllm on PATH",
    ),
]
GREEDY = SamplingParams(max_new_tokens=24, temperature=0.0)
ON_CPU = ["--gpu-memory-utilization", "0.25", "--max-model-len", "2048"]


class Capital(BaseModel):
    country: str
    capital: str


@pytest.fixture(scope="module")
def vllm_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("vllm")
    loras = {"sft": random_lora_adapter(root / "sft", 1), "grpo": random_lora_adapter(root / "grpo", 2)}
    extra = ON_CPU if os.environ.get("REASONSUITE_VLLM_BIN") else []
    spec = EngineSpec(engine="vllm", loras=loras, extra_args=[*extra, "--max-lora-rank", "8"])
    with ManagedEngine(spec, startup_timeout_s=900, log_dir=root) as engine:
        yield engine


def _client(engine, model: str):
    return load_llm(LLMConfig.load(backend="openai", base_url=engine.base_url, model=model, timeout_s=300))


def test_vllm_serves_the_base_model_and_each_adapter_by_name(vllm_server) -> None:
    answers = {}
    for model in ("smollm2", "sft", "grpo"):
        llm = _client(vllm_server, model)
        answers[model] = llm.generate(["What is the capital of France?"], GREEDY)[0].text
        llm.close()
    assert "Paris" in answers["smollm2"]
    assert len(set(answers.values())) == 3, f"each adapter changes the answer: {answers}"


def test_structured_output_through_vllm(vllm_server) -> None:
    llm = _client(vllm_server, "smollm2")
    generation = llm.generate(
        ["Name the capital of Japan. Reply in JSON with the country and its capital."],
        SamplingParams(max_new_tokens=40),
        schema=Capital,
    )[0]
    llm.close()
    assert isinstance(generation.parsed, Capital)
    assert llm.structured_mode == "json_schema"
