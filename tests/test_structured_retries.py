"""The structured-output retry policy, driven by a scripted backend (a fake LLM at the edge, as DEVELOPERS.md allows).

The real backends are exercised with the embedded model in test_hf_backend.py and test_openai_backend.py.
"""

from __future__ import annotations

import pytest
from fakes import ScriptedLLM
from pydantic import BaseModel, Field

from reasonsuite.llm import SamplingParams, StructuredOutputError


class Move(BaseModel):
    action: int = Field(ge=0, le=1)


def test_valid_output_is_parsed_on_the_first_attempt() -> None:
    llm = ScriptedLLM({"a": ['{"action": 1}']})
    generation = llm.generate(["a"], schema=Move)[0]
    assert generation.parsed == Move(action=1)
    assert generation.attempts == 1
    assert llm.calls[0][2]["title"] == "Move"  # the schema reaches the backend


def test_only_failed_prompts_are_retried_and_greedy_retries_sample() -> None:
    llm = ScriptedLLM({"a": ['{"action": 0}'], "b": ['{"action": 7}', '{"action": 1}']})
    generations = llm.generate(["a", "b"], SamplingParams(temperature=0.0, seed=5), schema=Move)
    assert [g.parsed.action for g in generations] == [0, 1]
    assert [g.attempts for g in generations] == [1, 2]
    retried_prompts, retry_params, _ = llm.calls[1]
    assert retried_prompts == ["b"]
    assert retry_params.temperature > 0 and retry_params.seed == 6


def test_persistent_failure_raises_with_every_raw_text() -> None:
    llm = ScriptedLLM({"a": ["not json", '{"action": 9}', '{"act']}, structured_retries=2)
    with pytest.raises(StructuredOutputError) as caught:
        llm.generate(["a"], schema=Move)
    assert caught.value.raw_texts == ["not json", '{"action": 9}', '{"act']
    assert len(caught.value.errors) == 3
    assert "action" in caught.value.errors[1]
    assert "did not validate against Move after 3 attempt(s)" in str(caught.value)


def test_structured_helper_returns_the_instance() -> None:
    llm = ScriptedLLM({"a": ['{"action": 0}']})
    assert llm.structured("a", Move) == Move(action=0)


def test_plain_generation_skips_validation() -> None:
    llm = ScriptedLLM({"a": ["free text"]})
    generation = llm.generate(["a"])[0]
    assert generation.text == "free text" and generation.parsed is None


def test_generate_each_keeps_the_good_answers_of_a_batch_and_names_the_bad_one() -> None:
    llm = ScriptedLLM({"a": ['{"action": 0}'], "b": ["nope", '{"action": 5}'], "c": ['{"action": 1}']},
                      structured_retries=1)  # fmt: skip
    a, b, c = llm.generate_each(["a", "b", "c"], None, Move)
    assert a.parsed == Move(action=0) and c.parsed == Move(action=1)
    assert isinstance(b, StructuredOutputError) and b.raw_texts == ["nope", '{"action": 5}']
    assert [prompts for prompts, _, _ in llm.calls] == [["a", "b", "c"], ["b"]]  # only the failure was retried
    with pytest.raises(StructuredOutputError):  # generate keeps its contract: any failure fails the call
        ScriptedLLM({"b": ["nope"]}, structured_retries=0).generate(["b"], schema=Move)
