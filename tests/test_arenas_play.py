"""Matches with scripted, equilibrium and human players: exact known outcomes, the referee's verdicts, events."""

from __future__ import annotations

import pytest

from reasonsuite.agents.arenas import (
    Decision,
    GameError,
    HumanPlayer,
    get_game,
    load_games,
    play_match,
    run_tournament,
)
from reasonsuite.agents.arenas.equilibria import matrix_solution
from reasonsuite.agents.arenas.metrics import estimate
from reasonsuite.evals.stats import wilson_interval

SEQUENTIAL = ["escalation_game", "monopoly_game", "trigame", "hot_cold_game", "draco"]


def test_tit_for_tat_and_grim_trigger_cooperate_every_round():
    match = play_match("prisoner_dilemma", ["tit-for-tat", "grim"], rounds=10)
    assert [r.actions for r in match.rounds] == [["cooperate", "cooperate"]] * 10
    assert match.totals == [30, 30]
    assert not any(r.equilibrium for r in match.rounds)  # mutual cooperation is not the stage-game equilibrium
    assert [r.regret for r in match.rounds] == [[2, 2]] * 10  # defecting against cooperate pays 5, not 3


def test_tit_for_tat_copies_and_grim_never_forgives():
    tft = play_match("prisoner_dilemma", ["tit-for-tat", "always:defect"], rounds=4)
    assert [r.actions[0] for r in tft.rounds] == ["cooperate", "defect", "defect", "defect"]
    assert tft.totals == [0 + 1 + 1 + 1, 5 + 1 + 1 + 1]
    # Bob defects once (round 2) then cooperates: grim defects from round 3 on, tit-for-tat would forgive.
    script = iter(["cooperate", "defect", "cooperate", "cooperate", "cooperate"])
    alternating = HumanPlayer(lambda view: next(script))
    grim = play_match("prisoner_dilemma", ["grim", alternating], rounds=5)
    assert [r.actions[0] for r in grim.rounds] == ["cooperate", "cooperate", "defect", "defect", "defect"]


def test_discounted_totals():
    match = play_match("prisoner_dilemma", ["always:defect", "always:cooperate"], rounds=3, discount=0.5)
    assert match.totals == [5 + 2.5 + 1.25, 0.0]


@pytest.mark.parametrize("name", ["prisoner_dilemma", "stag_hunt", "battle_of_sexes", "wait_go_game",
                                  "duopolistic_competition", "IESDS", "radio_station", "game_of_chicken"])
def test_equilibrium_players_land_on_an_equilibrium(name):
    game = get_game(name)
    match = play_match(game, ["equilibrium", "equilibrium"], rounds=3)
    for record in match.rounds:
        profile = (game.actions[0].index(record.actions[0]), game.actions[1].index(record.actions[1]))
        assert profile in matrix_solution(game).pure
        assert record.equilibrium
        assert record.regret == [0, 0]


def test_equilibrium_players_follow_the_mixed_equilibrium_without_a_pure_one():
    result = run_tournament("rock_paper_scissors", ["equilibrium", "equilibrium"], trials=4, rounds=30)
    plays = [r.actions[0] for m in result.matches for r in m.rounds]
    assert min(plays.count(a) for a in ("rock", "paper", "scissors")) > 20  # uniform: about 40 each of 120
    assert result.metrics[0].equilibrium_rate.mean == 0  # no pure equilibrium to land on


@pytest.mark.parametrize("name", SEQUENTIAL)
@pytest.mark.parametrize("players", [("equilibrium", "equilibrium"), ("best-response", "best-response")])
def test_backward_induction_players_follow_the_listed_path(name, players):
    game = get_game(name)
    match = play_match(game, list(players))
    (record,) = match.rounds
    assert record.actions == game.expected_path
    assert record.equilibrium
    assert all(r in (0, None) for r in record.regret)
    assert [m.seat for m in record.moves] == [game.players.index(game.tree.at(record.actions[:k]).player)
                                              for k in range(len(record.actions))]


def test_a_deviation_in_a_tree_is_off_the_path_and_has_regret():
    # Alice escalates (2) in the escalation game; Bob then backs down? No: Bob's best reply is to escalate (-1 > -2)
    # and Alice's best final move is to fight (-1 > -2). Alice's first move costs her 1 against stopping at 0.
    match = play_match("escalation_game", ["always:2", "equilibrium"])
    (record,) = match.rounds
    assert record.actions == ["2", "2", "2"]
    assert record.payoffs == [-1, -1]
    assert not record.equilibrium
    assert record.regret == [1, 0]


def test_random_players_replay_from_their_seed():
    first = run_tournament("rock_paper_scissors", ["random", "random"], trials=3, rounds=5, seed=7)
    again = run_tournament("rock_paper_scissors", ["random", "random"], trials=3, rounds=5, seed=7)
    other = run_tournament("rock_paper_scissors", ["random", "random"], trials=3, rounds=5, seed=8)
    actions = [[r.actions for r in m.rounds] for m in first.matches]
    assert actions == [[r.actions for r in m.rounds] for m in again.matches]
    assert actions != [[r.actions for r in m.rounds] for m in other.matches]
    assert actions[0] != actions[1]  # trials differ


def test_best_response_to_history():
    # Against a player who always hunts hare, the best response is hare from round 2 (stag first: uniform prior).
    match = play_match("stag_hunt", ["best-response", "always:hare"], rounds=3)
    assert [r.actions[0] for r in match.rounds] == ["stag", "hare", "hare"]


def test_human_player_from_a_queue_and_events_for_the_ui():
    human, moves = HumanPlayer.with_queue()
    for action in ("stag", "hare"):
        moves.put(action)
    events = []
    match = play_match("stag_hunt", [human, "tit-for-tat"], rounds=2, on_event=events.append)
    assert [r.actions for r in match.rounds] == [["stag", "stag"], ["hare", "stag"]]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "match_start" and kinds[-1] == "match_end"
    waits = [e for e in events if e["event"] == "awaiting_move"]
    assert [w["view"]["legal_actions"] for w in waits] == [["stag", "hare"]] * 2
    assert waits[1]["view"]["history"][0]["actions"] == ["stag", "stag"]
    assert [e["record"]["payoffs"] for e in events if e["event"] == "round"] == [[3, 3], [1, 0]]


def test_an_illegal_move_is_a_forfeit_never_a_default():
    human = HumanPlayer(lambda view: "betray")
    match = play_match("prisoner_dilemma", [human, "always:cooperate"], rounds=2)
    for record in match.rounds:
        assert record.forfeit and record.payoffs is None and not record.equilibrium
        move = record.moves[0]
        assert move.action is None and move.illegal and "illegal action 'betray'" in move.error
    assert match.forfeits == [2, 0]
    assert match.totals == [0, 0]


def test_a_forfeit_ends_a_tree_round():
    human = HumanPlayer(lambda view: Decision.forfeited("gave up"))
    match = play_match("trigame", ["equilibrium", human])
    (record,) = match.rounds
    assert record.actions == ["2", None] and record.payoffs is None and record.forfeit


def test_players_that_cannot_play_a_game_are_refused():
    with pytest.raises(GameError, match="tit-for-tat needs a matrix game with `cooperative_actions`"):
        play_match("battle_of_sexes", ["tit-for-tat", "random"])
    with pytest.raises(GameError, match="has 2 seats"):
        play_match("stag_hunt", ["random"])
    with pytest.raises(GameError, match="unknown player 'smart'"):
        play_match("stag_hunt", ["smart", "random"])
    with pytest.raises(GameError, match="no action 'defect'"):
        play_match("stag_hunt", ["always:defect", "random"])
    with pytest.raises(GameError, match="needs a model"):
        play_match("stag_hunt", ["llm", "random"])


def test_tournament_metrics_with_intervals():
    result = run_tournament("prisoner_dilemma", ["always:defect", "tit-for-tat"], trials=4, rounds=5)
    defector, tft = result.metrics
    assert defector.equilibrium_rate.mean == pytest.approx(0.8)  # rounds 2-5 are (defect, defect)
    assert defector.cooperation_rate.mean == 0 and tft.cooperation_rate.mean == pytest.approx(0.2)
    assert defector.mean_payoff.mean == pytest.approx((5 + 4) / 5) and defector.mean_payoff.ci95 == (1.8, 1.8)
    assert tft.regret.mean == pytest.approx(1 / 5)  # cooperating against defect costs 1 once
    assert defector.forfeit_rate.mean == 0 and defector.forfeit_rate.method == "wilson"


def test_binary_estimates_use_the_wilson_interval_of_the_evals():
    flags = [1, 1, 0, 1, 0, 1, 1, 1, 1, 0]
    got = estimate(flags, rate=True)
    assert got.method == "wilson" and got.mean == 0.7
    assert got.ci95 == pytest.approx(wilson_interval(7, 10))


def test_every_shipped_game_plays_with_random_players():
    for name, game in load_games().items():
        match = play_match(game, ["random"] * len(game.players), rounds=2)
        assert len(match.rounds) == 2 and not any(r.forfeit for r in match.rounds), name
