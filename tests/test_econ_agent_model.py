"""The economics agent on the real embedded model (SmolLM2-135M): every step runs and is recorded, nothing ungrounded
reaches a tool, and the answers stay in the question's format. What the model gets right is measured by the eval,
not asserted here."""

from __future__ import annotations

import pytest

from reasonsuite.agents.econ import answer_many
from reasonsuite.agents.econ.bindings import available_bindings
from reasonsuite.agents.econ.grounding import ungrounded_numbers
from reasonsuite.data import load_recon
from reasonsuite.llm import SamplingParams

pytestmark = pytest.mark.slow

RECON = load_recon("eval")


def _first(category: str) -> dict:
    return next(row for row in RECON if row["category"] == category)


def test_the_embedded_model_drives_every_step_and_each_is_recorded(embedded_llm) -> None:
    items = [_first("pure_nash_equilibrium"), _first("condorcet_voting")]
    results = answer_many(
        [row["messages"] for row in items], embedded_llm, plain_params=SamplingParams(max_new_tokens=64)
    )
    bound = {binding.tool for binding in available_bindings()}
    for result in results:
        assert result.route is not None and result.route.source == "llm"
        assert result.route.tool is None or result.route.tool in bound
        assert result.llm_calls[0].step == "route" and result.llm_calls[0].completion_tokens > 0
        if result.route.tool is not None:
            assert 1 <= len(result.fills) <= 2  # the retry budget holds
        for attempt in result.fills:
            assert attempt.problem is not None or not ungrounded_numbers(attempt.filled, result.question, ("player",))
        if result.used_tool:
            assert result.mapping is not None and result.fallback_reason is None
        else:
            assert result.fallback_reason and result.llm_calls[-1].step == "plain"
        assert result.response.strip()


def test_with_gold_inputs_the_embedded_model_is_not_asked_to_read(embedded_llm) -> None:
    item = _first("pure_nash_equilibrium")
    [result] = answer_many([item["messages"]], embedded_llm, oracle=True)
    assert result.oracle and result.llm_calls == [] and result.tool == "nash_equilibria"
    assert result.response.endswith("\\boxed{[]}") and item["answer"] == "[]"
