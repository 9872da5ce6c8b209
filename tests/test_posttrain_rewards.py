"""GRPO reward functions on the checker's adversarial cases: what a policy could learn to exploit, first.

The rewards judge answers only through the evals' checker, so these tests pin the reward-specific layer: the format
gate, the hierarchy's levels, None for rows that are not Recon rows, and the names TRL logs them under.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from reasonsuite.data import load_recon
from reasonsuite.posttrain.rewards import (
    REWARDS,
    HierarchicalWeights,
    build_rewards,
    correctness_reward,
    format_reward,
    has_answer_format,
    hierarchical_level,
    hierarchical_reward,
    make_hierarchical_reward,
)

GOLD_MC = "Option 2: Both firms collude to set high prices every year"
GOLD_NE = "[[0, 1], [1, 0]]"
THINK = "<think>\nThe one-shot game has a dominant strategy, so …\n</think>\n\n"


def chat(text: str) -> list[dict[str, str]]:
    """A completion as TRL passes it for conversational prompts."""
    return [{"role": "assistant", "content": text}]


# ------------------------------------------------------------------------------------------------ format


@pytest.mark.parametrize(
    "text",
    [
        THINK + r"\boxed{Option 2: Both firms collude to set high prices every year}",
        THINK + r"\boxed{[[0, 1], [1, 0]]}",  # nested brackets inside the box
        THINK + r"\boxed{\frac{1}{2}}.",  # nested braces, then a full stop
        THINK + r"So the answer is $\boxed{Yes}$",
        "The discount factor is high enough…\n</think>\n\n" + r"\boxed{Option 2}",  # R1 template: <think> in prompt
    ],
)
def test_reasoning_then_one_final_box_has_the_format(text: str) -> None:
    assert has_answer_format(text)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (r"\boxed{Option 2}", "no reasoning"),
        ("<think>\n</think>\n" + r"\boxed{Option 2}", "empty reasoning"),
        (THINK + r"\boxed{Option 1} or \boxed{Option 2}", "two boxes"),
        (THINK + r"\boxed{Option 1}. Then \boxed{Option 2}", "two boxes, the last a correction"),
        (THINK + r"\boxed{Option 2} because the firms are patient", "text after the box"),
        (THINK + r"\boxed{Option 2: Both firms coll", "unclosed box (truncated)"),
        (THINK + "Answer: Option 2", "an answer line, no box"),
        (THINK, "no answer at all"),
        ("<think>\nreasoning " + r"\boxed{Option 2}", "unclosed reasoning"),
        (THINK + THINK + r"\boxed{Option 2}", "two reasoning blocks"),
        ("</think>\n" + r"\boxed{Option 2}", "nothing before the orphan </think>"),
        (THINK + r"\boxed{\boxed{Option 2}}", "a box in a box"),
        (THINK + r"\boxed{}", "empty box"),
    ],
)
def test_anything_else_fails_the_format(text: str, why: str) -> None:
    assert not has_answer_format(text), why


def test_the_shipped_chain_of_thought_responses_have_the_format() -> None:
    """SFT teaches the format from these responses; the reward must recognise what SFT teaches."""
    responses = load_recon("sft_cot")["response"]
    passing = sum(has_answer_format(r) for r in responses)
    assert passing >= 0.99 * len(responses), f"{len(responses) - passing} CoT responses fail the format"


# ------------------------------------------------------------------------------------------------ correctness


def test_correctness_uses_the_checker_and_ignores_the_format() -> None:
    completions = [
        chat(r"\boxed{Option 2}"),  # right, no reasoning: correct (the format has its own reward)
        chat(THINK + r"\boxed{Option 3}"),
        chat(THINK + r"\boxed{Option 2} or \boxed{Option 3}"),  # hedge: the checker refuses it
        chat(THINK + r"\boxed{Option 2: Firms take turns setting high prices}"),  # number and text disagree
    ]
    rewards = correctness_reward([None] * 4, completions, answer=[GOLD_MC] * 4, answer_type=["multiple_choice"] * 4)
    assert rewards == [1.0, 0.0, 0.0, 0.0]


def test_equilibrium_lists_compare_as_sets_not_in_order() -> None:
    completions = [
        THINK + r"\boxed{[[1, 0], [0, 1]]}",  # same set, other order: Recon's string match called this wrong
        THINK + r"\boxed{[[0, 1]]}",  # a subset
        THINK + r"\boxed{[[0, 1], [1, 0], [1, 1]]}",  # a superset
    ]
    rewards = correctness_reward([None] * 3, completions, answer=[GOLD_NE] * 3, answer_type=["ne_list"] * 3)
    assert rewards == [1.0, 0.0, 0.0]


def test_rows_without_an_answer_type_get_none_so_trl_skips_them() -> None:
    completions = [THINK + r"\boxed{Yes}", '{"action": "cooperate"}']
    kwargs = {"answer": ["Yes", None], "answer_type": ["yes_no", None]}
    assert correctness_reward([None] * 2, completions, **kwargs) == [1.0, None]
    assert format_reward([None] * 2, completions, **kwargs) == [1.0, None]
    assert hierarchical_reward([None] * 2, completions, **kwargs) == [1.0, None]


# ------------------------------------------------------------------------------------------------ hierarchy


@pytest.mark.parametrize(
    ("text", "gold", "answer_type", "level"),
    [
        ("I think it is option 2.", GOLD_MC, "multiple_choice", "no_answer"),
        (THINK + r"\boxed{Option 2: Both firms coll", GOLD_MC, "multiple_choice", "no_answer"),
        (THINK + r"\boxed{Yes} or \boxed{No}", "Yes", "yes_no", "no_answer"),
        (r"\boxed{" + GOLD_MC + "}", GOLD_MC, "multiple_choice", "bad_format"),  # right, but no reasoning
        (THINK + r"\boxed{" + GOLD_MC + "} as shown", GOLD_MC, "multiple_choice", "bad_format"),
        (THINK + r"\boxed{Option 3}", GOLD_MC, "multiple_choice", "wrong"),
        (THINK + r"\boxed{Option 2: Firms take turns}", GOLD_MC, "multiple_choice", "wrong"),  # contradiction
        (THINK + r"\boxed{Option 2}", GOLD_MC, "multiple_choice", "partial"),
        (THINK + r"\boxed{Option 2: Both firms collude}", GOLD_MC, "multiple_choice", "partial"),
        (
            THINK + r"\boxed{Option 2: both firms collude to set HIGH prices every year.}",
            GOLD_MC,
            "multiple_choice",
            "exact",
        ),
        (THINK + r"\boxed{\text{" + GOLD_MC + "}}", GOLD_MC, "multiple_choice", "exact"),
        (THINK + r"\boxed{B, A, D, C}", "B, A, D, C", "ordering", "exact"),
        (THINK + r"\boxed{A, B, D, C}", "B, A, D, C", "ordering", "wrong"),
        (THINK + r"\boxed{[[1, 0], [0, 1]]}", GOLD_NE, "ne_list", "exact"),
        (THINK + r"\boxed{No}", "Yes", "yes_no", "wrong"),
    ],
)
def test_hierarchical_levels(text: str, gold: str, answer_type: str, level: str) -> None:
    assert hierarchical_level(text, gold, answer_type) == level


def test_hierarchical_reward_uses_the_configured_weights() -> None:
    weights = HierarchicalWeights(no_answer=-2, bad_format=-1, wrong=0, partial=0.25, exact=3)
    reward = make_hierarchical_reward(weights)
    completions = ["no box", r"\boxed{Option 2}", THINK + r"\boxed{Option 1}", THINK + r"\boxed{Option 2}",
                   THINK + r"\boxed{" + GOLD_MC + "}"]  # fmt: skip
    n = len(completions)
    scores = reward([None] * n, completions, answer=[GOLD_MC] * n, answer_type=["multiple_choice"] * n)
    assert scores == [-2, -1, 0, 0.25, 3]


def test_weights_must_rise_from_no_answer_to_exact() -> None:
    with pytest.raises(ValidationError, match=r"wrong \(0.0\) must not exceed partial \(-1.0\)"):
        HierarchicalWeights(partial=-1.0)
    with pytest.raises(ValidationError, match="exakt"):
        HierarchicalWeights.model_validate({"exakt": 2})


# ------------------------------------------------------------------------------------------------ registry


def test_built_rewards_carry_their_config_names_for_the_log() -> None:
    functions = build_rewards(["recon_hierarchical", "recon_format"], HierarchicalWeights())
    assert [f.__name__ for f in functions] == ["recon_hierarchical", "recon_format"]
    scores = functions[1]([None], [THINK + r"\boxed{Yes}"], answer=["Yes"], answer_type=["yes_no"])
    assert scores == [1.0]
    with pytest.raises(ValueError, match="unknown reward 'recon_formt'"):
        build_rewards(["recon_formt"], HierarchicalWeights())


def test_arena_rewards_score_arena_rows_and_skip_recon_rows() -> None:
    from reasonsuite.agents.arenas.rewards import single_step_prompts

    row = single_step_prompts(["prisoner_dilemma"])[0]
    (legality,) = build_rewards(["arena_legality"], HierarchicalWeights())
    assert set(REWARDS) >= {"arena_legality", "arena_equilibrium", "arena_payoff"}
    from reasonsuite.agents.arenas.games import get_game

    legal = get_game("prisoner_dilemma").legal_actions(row["seat"])
    completions = [f'{{"action": "{legal[0]}"}}', '{"action": "fly away"}', THINK + r"\boxed{Yes}"]
    scores = legality(
        [row["prompt"]] * 3,
        completions,
        game=["prisoner_dilemma", "prisoner_dilemma", None],
        seat=[row["seat"]] * 2 + [None],
    )
    assert scores == [1.0, 0.0, None]
