"""Reward functions for the single-step games (TRL shape): legality, equilibrium consistency, payoff."""

from __future__ import annotations

import json

import pytest

from reasonsuite.agents.arenas.rewards import (
    equilibrium_reward,
    legality_reward,
    parse_action,
    payoff_reward,
    single_step_prompts,
)


def answer(action: str) -> str:
    return json.dumps({"reasoning": "…", "action": action})


def test_prompt_rows_cover_both_seats_of_matrix_games_and_the_first_mover_of_trees():
    rows = single_step_prompts(["prisoner_dilemma", "trigame"])
    assert [(r["game"], r["seat"]) for r in rows] == [("prisoner_dilemma", 0), ("prisoner_dilemma", 1), ("trigame", 0)]
    assert "Your actions: cooperate, defect" in rows[0]["prompt"][0]["content"]


def test_rewards_score_legality_equilibrium_and_payoff():
    completions = [answer("defect"), answer("cooperate"), "I defect", answer("betray"),
                   [{"role": "assistant", "content": answer("2")}], answer("1")]  # fmt: skip
    game = ["prisoner_dilemma"] * 4 + ["trigame", "trigame"]
    seat = [0, 1, 0, 0, 0, 0]
    prompts = [None] * 6
    assert legality_reward(prompts, completions, game=game, seat=seat) == [1, 1, 0, 0, 1, 1]
    assert equilibrium_reward(prompts, completions, game=game, seat=seat) == [1, 0, 0, 0, 1, 0]
    # Against the opponent's equilibrium (defect): defect pays 1, cooperate 0, on Alice's scale 0..5. Trigame: the
    # subgame-perfect continuations pay Alice 4 after move 2 and 3 after move 1, on her scale 0..20.
    assert payoff_reward(prompts, completions, game=game, seat=seat) == pytest.approx([0.2, 0, 0, 0, 0.2, 0.15])


def test_parse_action_needs_a_legal_action_in_a_json_object():
    assert parse_action('Thinking... {"action": "stag"}', ["stag", "hare"]) == "stag"
    assert parse_action('{"action": "deer"}', ["stag", "hare"]) is None
    assert parse_action('{"action": ', ["stag", "hare"]) is None
