"""Leagues: every player against every other, Elo and normalized relative advantage (NRA) with intervals."""

from __future__ import annotations

import json

import pytest
from fakes import RespondingLLM
from typer.testing import CliRunner

from reasonsuite.agents.arenas import GameError, run_league
from reasonsuite.agents.arenas.league import elo_ratings, nra
from reasonsuite.cli import app

runner = CliRunner()


def test_nra_of_one_match():
    assert nra(5, 0) == 1 and nra(0, 5) == -1 and nra(3, 3) == 0 and nra(0, 0) == 0
    assert nra(30, 10) == pytest.approx(0.5) and nra(-1, 1) == -1


def test_elo_is_zero_sum_and_ranks_the_stronger_player_first():
    games = [("a", "b", 1.0)] * 20 + [("b", "c", 1.0)] * 20 + [("a", "c", 0.5)] * 2
    ratings = elo_ratings(games, ["a", "b", "c"])
    assert sum(r for r, _ in ratings.values()) == pytest.approx(3 * 1500)
    assert ratings["a"][0] > ratings["c"][0] and ratings["a"][0] > ratings["b"][0]
    low, high = ratings["a"][1]
    assert 1500 < low < ratings["a"][0] < high  # a never loses: above the start in every bootstrap sample


def test_prisoners_dilemma_league_exact_outcomes():
    league = run_league("prisoner_dilemma", ["always:defect", "tit-for-tat", "always:cooperate"], rounds=10, trials=3)
    by = {(p.first, p.second): p for p in league.pairs}
    assert len(league.pairs) == 6 and all(len(p.matches) == 3 for p in league.pairs)  # both seat orders
    # defect vs tit-for-tat: 5 then 1 x 9 = 14 against 0 + 9 = 9 -> NRA 5/23, a win every match.
    pair = by[("always:defect", "tit-for-tat")]
    assert pair.matches[0].totals == [14, 9] and pair.wins == 3
    assert pair.nra.mean == pytest.approx(5 / 23)
    # tit-for-tat and always-cooperate cooperate throughout: draws, NRA 0.
    friendly = by[("tit-for-tat", "always:cooperate")]
    assert friendly.draws == 3 and friendly.nra.mean == 0
    # defect vs cooperate: 50 against 0 -> NRA 1.
    assert by[("always:cooperate", "always:defect")].nra.mean == -1
    ratings = {r.player: r for r in league.ratings}
    assert league.ratings[0].player == "always:defect"
    # Elo sees the same record for tit-for-tat and always-cooperate (lose to defect, draw each other); NRA does not.
    assert ratings["tit-for-tat"].nra.mean == pytest.approx((-5 / 23 * 3 + 0 * 3) / 6)
    assert ratings["always:cooperate"].nra.mean == pytest.approx(-0.5)
    top = ratings["always:defect"]
    assert (top.wins, top.draws, top.losses) == (12, 0, 0) and top.nra.ci95 is not None


def test_a_league_batches_an_llm_player_across_all_its_pairings():
    batches = []

    class Counting(RespondingLLM):
        def _generate_raw(self, conversations, params, json_schema):
            batches.append(len(conversations))
            return super()._generate_raw(conversations, params, json_schema)

    llm = Counting(lambda prompt: json.dumps({"reasoning": "r", "action": "stag"}))
    league = run_league("stag_hunt", ["llm", "always:hare", "equilibrium"], trials=4, llm=llm)
    assert batches == [16]  # 4 pairings hold the llm, 4 matches each, all in one generation
    assert {r.player for r in league.ratings} == {"llm", "always:hare", "equilibrium"}


def test_bad_leagues_name_the_field():
    with pytest.raises(GameError, match="two-player game; guess_two_thirds has 3"):
        run_league("guess_two_thirds", ["random", "equilibrium"])
    with pytest.raises(GameError, match="at least 2 players"):
        run_league("stag_hunt", ["random"])
    with pytest.raises(GameError, match="players must differ"):
        run_league("stag_hunt", ["random", "random"])


def test_continuous_league_and_cli(tmp_path):
    league = run_league("cournot_duopoly", ["equilibrium", "always:45"], trials=2)
    # 45 against 30: price 25, profits 675 vs 450 -> the over-producer "wins" the profit race, NRA 0.2.
    by = {(p.first, p.second): p for p in league.pairs}
    assert by[("always:45", "equilibrium")].matches[0].totals == [675, 450]
    assert by[("always:45", "equilibrium")].nra.mean == pytest.approx(0.2)
    out = tmp_path / "league"
    result = runner.invoke(app, ["arena", "league", "--game", "prisoner_dilemma", "--players",
                                 "always:defect,tit-for-tat,grim", "--rounds", "5", "--trials", "2",
                                 "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Elo" in result.output and "NRA" in result.output
    results = json.loads((out / "results.json").read_text())
    assert results["task"] == "arena-league" and len(results["pairs"]) == 6
    assert len((out / "samples.jsonl").read_text().splitlines()) == 12
    bad = runner.invoke(app, ["arena", "league", "--game", "guess_two_thirds", "--players", "random,equilibrium",
                              "--out", str(tmp_path / "bad")])  # fmt: skip
    assert bad.exit_code == 2 and "two-player game" in bad.output
