"""The in-process transformers backend on the real embedded model."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, Field

from reasonsuite.llm import SamplingParams

pytestmark = pytest.mark.slow

PROMPTS = ["What is the capital of France?", "Name a primary colour.", "Say hello in Spanish.", "Count from 1 to 5."]


class Capital(BaseModel):
    country: str = Field(description="the country asked about")
    capital: str
    population_millions: float = Field(ge=0)


class Verdict(BaseModel):
    verdict: Literal["ADEQUATE", "INADEQUATE"]
    utilisation: float = Field(ge=0, le=10)


def test_batched_generation_returns_one_answer_per_prompt_in_order(embedded_llm) -> None:
    generations = embedded_llm.generate(PROMPTS, SamplingParams(max_new_tokens=24))
    assert len(generations) == len(PROMPTS)
    for generation in generations:
        assert generation.text.strip()
        assert 0 < generation.completion_tokens <= 24
        assert generation.prompt_tokens > 5
        assert generation.finish_reason in {"stop", "length"}
        assert generation.latency_s > 0
    assert "Paris" in generations[0].text


def test_batching_does_not_change_greedy_output(embedded_llm) -> None:
    params = SamplingParams(max_new_tokens=16)
    alone = embedded_llm.generate([PROMPTS[0]], params)[0].text
    batched = embedded_llm.generate(PROMPTS, params)[0].text
    assert alone == batched


def test_length_finish_reason_and_token_budget(embedded_llm) -> None:
    generation = embedded_llm.generate(["Write a long story about a bridge."], SamplingParams(max_new_tokens=5))[0]
    assert generation.completion_tokens == 5
    assert generation.finish_reason == "length"


def test_stop_strings_cut_the_output(embedded_llm) -> None:
    generation = embedded_llm.generate(
        ["Count from 1 to 10, separated by commas."], SamplingParams(max_new_tokens=40, stop=["4"])
    )[0]
    assert "4" not in generation.text
    assert generation.finish_reason == "stop"


def test_seeded_sampling_is_reproducible(embedded_llm) -> None:
    params = SamplingParams(max_new_tokens=16, temperature=1.0, top_p=0.95, seed=11)
    first = embedded_llm.generate(PROMPTS[:2], params)
    second = embedded_llm.generate(PROMPTS[:2], params)
    assert [g.text for g in first] == [g.text for g in second]


def test_structured_output_is_a_validated_instance(embedded_llm) -> None:
    prompts = [
        "Return JSON with the country France, its capital and its population in millions.",
        "Return JSON with the country Japan, its capital and its population in millions.",
    ]
    generations = embedded_llm.generate(prompts, SamplingParams(max_new_tokens=60), schema=Capital)
    for generation in generations:
        assert isinstance(generation.parsed, Capital)
        assert Capital.model_validate_json(generation.text) == generation.parsed
    assert generations[0].parsed.country.lower() == "france"


def test_structured_output_respects_enums_and_bounds(embedded_llm) -> None:
    parsed = embedded_llm.structured(
        "A beam has utilisation 0.8. Is it ADEQUATE or INADEQUATE? Answer in JSON.",
        Verdict,
        SamplingParams(max_new_tokens=40),
    )
    assert parsed.verdict in {"ADEQUATE", "INADEQUATE"}
    assert 0 <= parsed.utilisation <= 10
