"""Continuous-action games (Cournot, Bertrand, auctions, guessing) and the ultimatum game: exact known outcomes."""

from __future__ import annotations

import json

import pytest
from fakes import RespondingLLM

from reasonsuite.agents.arenas import GameError, HumanPlayer, get_game, load_games, play_match, run_tournament
from reasonsuite.agents.arenas.equilibria import tree_solution
from reasonsuite.tools import get_tool


def oligopoly(model: str, a: float, b: float, costs: list[float]):
    return get_tool("oligopoly").run({"model": model, "demand_intercept": a, "demand_slope": b,
                                      "marginal_costs": costs})  # fmt: skip


def write_games(tmp_path, games: dict) -> str:
    path = tmp_path / "games.json"
    path.write_text(json.dumps({"games": games}))
    return str(path)


def test_equilibrium_cournot_players_land_on_the_tool_quantities_at_distance_zero():
    match = play_match("cournot_duopoly", ["equilibrium", "equilibrium"], rounds=2)
    expected = oligopoly("cournot", 100, 1, [10, 10])
    for record in match.rounds:
        assert [m.amount for m in record.moves] == [f.quantity.value for f in expected.firms] == [30, 30]
        assert record.payoffs == [f.profit.value for f in expected.firms] == [900, 900]
        assert record.distance == [0, 0] and record.equilibrium and record.regret == [0, 0]
        assert record.info["price"] == expected.price.value == 40


def test_asymmetric_cournot_equilibrium_comes_from_the_tool(tmp_path):
    path = write_games(tmp_path, {"asym": {"kind": "cournot", "demand_intercept": 120, "demand_slope": 2,
                                           "marginal_costs": [12, 24]}})  # fmt: skip
    game = get_game("asym", path)
    expected = oligopoly("cournot", 120, 2, [12, 24])
    match = play_match(game, ["equilibrium", "equilibrium"])
    (record,) = match.rounds
    assert [m.amount for m in record.moves] == [f.quantity.value for f in expected.firms] == [20, 14]
    assert record.payoffs == pytest.approx([f.profit.value for f in expected.firms])
    assert record.equilibrium and record.distance == [0, 0]


def test_distance_from_equilibrium_and_regret_off_equilibrium():
    result = run_tournament("cournot_duopoly", ["always:20", "equilibrium"], trials=3)
    record = result.matches[0].rounds[0]
    assert record.distance == [10, 0] and not record.equilibrium
    assert record.payoffs == [(100 - 50 - 10) * 20, (100 - 50 - 10) * 30]
    # Against 30 the best response is 30 (profit 900): firm 1 lost 100; firm 2's 30 is not a best response to 20.
    assert record.regret[0] == pytest.approx(100)
    assert record.regret[1] == pytest.approx((100 - 20 - 35 - 10) * 35 - 1200)
    assert result.metrics[0].distance.mean == 10 and result.metrics[1].distance.mean == 0
    assert result.metrics[0].equilibrium_rate.mean == 0


def test_best_response_dynamics_in_cournot_move_towards_the_equilibrium():
    match = play_match("cournot_duopoly", ["best-response", "always:60"], rounds=2)
    # No history: best response to the middle of the range (50) is 20; then to 60 it is 15.
    assert [r.moves[0].amount for r in match.rounds] == [20, 15]


def test_bertrand_with_equal_costs_prices_at_cost():
    expected = oligopoly("bertrand", 100, 1, [10, 10])
    match = play_match("bertrand_duopoly", ["equilibrium", "equilibrium"])
    (record,) = match.rounds
    assert [m.amount for m in record.moves] == [expected.price.value] * 2 == [10, 10]
    assert record.payoffs == [0, 0] and record.equilibrium and record.regret == [0, 0]
    undercut = play_match("bertrand_duopoly", ["always:40", "always:50"]).rounds[0]
    assert undercut.payoffs == [(40 - 10) * 60, 0] and undercut.info["sellers"] == [0]
    assert undercut.regret[1] == pytest.approx(30 * 60, rel=1e-3)  # undercutting 40 would have paid ~1800


def test_bertrand_with_unequal_costs_uses_the_tool_limit_price(tmp_path):
    path = write_games(tmp_path, {"b": {"kind": "bertrand", "demand_intercept": 100, "demand_slope": 1,
                                        "marginal_costs": [10, 20]}})  # fmt: skip
    record = play_match(get_game("b", path), ["equilibrium", "equilibrium"]).rounds[0]
    assert [m.amount for m in record.moves] == [20, 20]  # tool: the low-cost firm sells at the next-lowest cost
    assert record.payoffs == [oligopoly("bertrand", 100, 1, [10, 20]).firms[0].profit.value, 0] == [800, 0]
    assert record.equilibrium


def test_second_price_auction_truthful_bidding():
    result = run_tournament("second_price_auction", ["equilibrium", "equilibrium"], trials=5)
    for match in result.matches:
        (record,) = match.rounds
        values = record.info["values"]
        assert [m.amount for m in record.moves] == values  # bid = value
        winner = max(range(2), key=lambda k: values[k])
        assert record.info["winners"] == [winner] and record.info["price"] == min(values)
        assert record.payoffs[winner] == pytest.approx(max(values) - min(values))
        assert record.equilibrium and record.regret == [0, 0]
    assert len({tuple(m.rounds[0].info["values"]) for m in result.matches}) == 5  # values differ across trials


def test_second_price_overbidding_is_regret_and_the_value_is_private():
    seen = []

    def bid(view):
        seen.append(view)
        return str(min(view.private_value + 30, 100))

    record = play_match("second_price_auction", [HumanPlayer(bid), "equilibrium"], seed=3).rounds[0]
    view = seen[0]
    assert view.legal_actions == [] and view.action_range == (0, 100)
    assert view.private_value == record.info["values"][0]
    value = view.private_value
    assert record.distance[0] == pytest.approx(min(30, 100 - value)) and record.distance[1] == 0
    assert not record.moves[0].forfeit and record.regret[0] >= 0


def test_first_price_auction_equilibrium_shades_bids_by_n_minus_1_over_n(tmp_path):
    record = play_match("first_price_auction", ["equilibrium", "equilibrium"], seed=1).rounds[0]
    values = record.info["values"]
    assert [m.amount for m in record.moves] == pytest.approx([v / 2 for v in values])
    assert record.equilibrium
    path = write_games(tmp_path, {"fp3": {"kind": "auction", "pricing": "first", "value_range": [20, 80],
                                          "players": ["a", "b", "c"]}})  # fmt: skip
    three = play_match(get_game("fp3", path), ["equilibrium"] * 3, seed=2).rounds[0]
    assert [m.amount for m in three.moves] == pytest.approx([20 + 2 / 3 * (v - 20) for v in three.info["values"]])


def test_two_thirds_guessing_equilibrium_is_zero():
    record = play_match("guess_two_thirds", ["equilibrium"] * 3).rounds[0]
    assert [m.amount for m in record.moves] == [0, 0, 0]
    assert record.payoffs == pytest.approx([1 / 3] * 3) and record.equilibrium and record.distance == [0, 0, 0]
    played = play_match("guess_two_thirds", ["always:50", "always:20", "always:30"]).rounds[0]
    assert played.info["target"] == pytest.approx(2 / 3 * 100 / 3)
    assert played.info["winners"] == [1] and played.payoffs == [0, 1, 0]
    assert played.distance == [50, 20, 30] and not played.equilibrium


def test_ultimatum_equilibrium_offers_nothing_and_the_responder_accepts():
    game = get_game("ultimatum")
    assert sorted(tree_solution(game).paths) == [("0", "accept"), ("1", "accept")]  # backward-induction tool
    record = play_match("ultimatum", ["equilibrium", "equilibrium"]).rounds[0]
    assert record.actions == ["0", "accept"] and record.payoffs == [10, 0] and record.equilibrium
    fair = play_match("ultimatum", ["always:5", "always:reject"]).rounds[0]
    assert fair.payoffs == [0, 0] and not fair.equilibrium
    assert fair.regret == [5, 5]  # the proposer could keep 10 (responders accept), the responder lost the 5 offered


def test_ultimatum_prompt_shows_the_rules_not_the_tree():
    llm = RespondingLLM(lambda prompt: json.dumps({"reasoning": "r", "action": "3"}) if "Proposer" in prompt
                        and "Moves so far this round: none" in prompt else json.dumps({"reasoning": "r",
                                                                                      "action": "accept"}))
    record = play_match("ultimatum", ["llm", "llm"], llm=llm).rounds[0]
    assert record.actions == ["3", "accept"] and record.payoffs == [7, 3]
    assert "offers Responder a whole number of coins from 0 to 10" in llm.prompts[0]
    assert "payoffs (" not in llm.prompts[0]  # no printed tree
    assert "Moves so far this round: 3" in llm.prompts[1]


def test_llm_numeric_move_is_validated_against_the_range():
    llm = RespondingLLM(lambda prompt: json.dumps({"reasoning": "split the market", "action": 25}))
    match = play_match("cournot_duopoly", ["llm", "equilibrium"], llm=llm)
    move = match.rounds[0].moves[0]
    assert move.amount == 25 and move.action == "25" and not move.forfeit
    schema = llm.schemas[0]["properties"]["action"]
    assert schema["type"] == "number" and schema["minimum"] == 0 and schema["maximum"] == 100
    assert "Your cost is 10 per unit" in llm.prompts[0] and "a number from 0 to 100" in llm.prompts[0]


def test_auction_prompt_shows_the_own_value_and_the_earlier_bids():
    llm = RespondingLLM(lambda prompt: json.dumps({"reasoning": "shade", "action": 25}))
    match = play_match("first_price_auction", ["llm", "equilibrium"], rounds=2, llm=llm, seed=1)
    first, second = match.rounds
    assert f"Your value for the item: {first.info['values'][0]:g}." in llm.prompts[0]
    assert f"Your value for the item: {second.info['values'][0]:g}." in llm.prompts[1]
    assert "The highest bid wins (a tie splits the gain) and pays its own bid" in llm.prompts[0]
    assert f"- round 1: Bidder 1 25, Bidder 2 {first.actions[1]}; payoffs (" in llm.prompts[1]
    assert first.distance[0] == pytest.approx(abs(25 - first.info["values"][0] / 2))


def test_out_of_range_llm_move_is_retried_then_forfeited():
    llm = RespondingLLM(lambda prompt: json.dumps({"reasoning": "corner the market", "action": 150}),
                        structured_retries=2)  # fmt: skip
    match = play_match("cournot_duopoly", ["llm", "equilibrium"], llm=llm)
    (record,) = match.rounds
    bad = record.moves[0]
    assert len(llm.prompts) == 3  # first attempt + two retries
    assert bad.forfeit and bad.amount is None and bad.attempts == 3 and "no valid move" in bad.error
    assert record.payoffs is None and not record.equilibrium and record.distance == [None, 0]
    assert match.forfeits == [1, 0]


def test_out_of_range_llm_move_then_a_valid_one_is_kept():
    answers = iter([json.dumps({"reasoning": "r", "action": -5}), json.dumps({"reasoning": "r", "action": 30})])
    llm = RespondingLLM(lambda prompt: next(answers), structured_retries=2)
    move = play_match("cournot_duopoly", ["llm", "equilibrium"], llm=llm).rounds[0].moves[0]
    assert move.amount == 30 and move.attempts == 2 and not move.forfeit


def test_human_moves_outside_the_range_or_not_numbers_are_illegal_forfeits():
    over = play_match("guess_two_thirds", [HumanPlayer(lambda v: "101"), "equilibrium", "equilibrium"]).rounds[0]
    assert over.moves[0].illegal and over.moves[0].forfeit and "outside the legal range [0, 100]" in over.moves[0].error
    word = play_match("guess_two_thirds", [HumanPlayer(lambda v: "ten"), "random", "random"]).rounds[0]
    assert word.moves[0].illegal and "'ten' is not a number" in word.moves[0].error
    assert word.payoffs is None and not word.equilibrium


def test_scripted_players_that_need_labels_are_refused_in_continuous_games():
    with pytest.raises(GameError, match="tit-for-tat needs a matrix game"):
        play_match("cournot_duopoly", ["tit-for-tat", "equilibrium"])
    with pytest.raises(GameError, match="names a quantity from 0 to 100 in cournot_duopoly; '150' is not one"):
        play_match("cournot_duopoly", ["always:150", "equilibrium"])


def test_random_continuous_play_is_seeded_and_in_range():
    a = run_tournament("guess_two_thirds", ["random"] * 3, trials=4, seed=7)
    b = run_tournament("guess_two_thirds", ["random"] * 3, trials=4, seed=7)
    amounts = [m.amount for match in a.matches for m in match.rounds[0].moves]
    assert amounts == [m.amount for match in b.matches for m in match.rounds[0].moves]
    assert all(0 <= x <= 100 for x in amounts) and len(set(amounts)) == len(amounts)


@pytest.mark.parametrize(("body", "message"), [
    ({"kind": "cournot", "demand_intercept": 100, "demand_slope": 1, "marginal_costs": [10, 10],
      "players": ["a", "b", "c"]}, "games.g.marginal_costs: 2 costs for 3 players"),
    ({"kind": "cournot", "demand_intercept": 100, "demand_slope": -1, "marginal_costs": [10, 10]},
     "games.g.demand_slope: Input should be greater than 0"),
    ({"kind": "bertrand", "demand_intercept": 5, "demand_slope": 1, "marginal_costs": [10, 10]},
     "games.g.demand_intercept: must exceed the lowest marginal cost"),
    ({"kind": "auction", "pricing": "third"}, "games.g.pricing: Input should be 'first' or 'second'"),
    ({"kind": "auction", "pricing": "first", "value_range": [50, 10]}, "games.g.value_range: expected 0 <= low < high"),
    ({"kind": "guessing", "fraction": 1.5}, "games.g.fraction: Input should be less than 1"),
    ({"kind": "guessing", "fraction": "two thirds"}, "games.g.fraction: expected a number or a ratio"),
    ({"kind": "ultimatum", "pie": 2.5}, "games.g.pie: expected a whole number of units"),
    ({"kind": "ultimatum", "pie": 10, "rounds": 3}, "games.g.rounds: unknown field"),
])  # fmt: skip
def test_bad_continuous_game_files_name_the_field(tmp_path, body, message):
    path = write_games(tmp_path, {"g": body})
    with pytest.raises(GameError) as err:
        load_games(path)
    assert message in str(err.value) and "games.json" in str(err.value)


def test_shipped_continuous_games_load():
    games = load_games()
    assert {games[n].kind for n in ("cournot_duopoly", "bertrand_duopoly", "guess_two_thirds")} == {
        "cournot", "bertrand", "guessing"}
    assert games["first_price_auction"].pricing == "first" and games["second_price_auction"].pricing == "second"
    assert games["guess_two_thirds"].fraction == pytest.approx(2 / 3) and len(games["guess_two_thirds"].players) == 3
    assert games["ultimatum"].kind == "sequential" and "bargaining" in games["ultimatum"].tags
