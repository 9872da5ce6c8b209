"""Game-theory tools: nash_equilibria, best_response and backward_induction against textbook results and nashpy."""

from __future__ import annotations

import itertools
import warnings
from fractions import Fraction

import nashpy
import numpy as np
import pygambit
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reasonsuite.tools.games.best_response import BestResponseInput, best_response
from reasonsuite.tools.games.extensive import BackwardInductionInput, backward_induction
from reasonsuite.tools.games.normal_form import NashInput, nash_equilibria
from reasonsuite.tools.registry import ToolInputError, get_tool

NASH = get_tool("nash_equilibria")
BEST = get_tool("best_response")
SPE = get_tool("backward_induction")

# Payoff tables copied from the Hua et al. arena games (github.com/Wenyueh/game_theory, commit b05314e,
# src/configuration.py, Apache-2.0), as converted in shared/seed-data/games/hua_games.json. Actions are 1-based there.
HUA_SIMULTANEOUS = {
    "prisoner_dilemma": ([[3, 0], [5, 1]], [[3, 5], [0, 1]]),
    "stag_hunt": ([[3, 0], [1, 1]], [[3, 1], [0, 1]]),
    "battle_of_sexes": ([[2, 0], [0, 1]], [[1, 0], [0, 2]]),
    "wait_go_game": ([[0, 0], [2, -4]], [[0, 2], [0, -4]]),
    "game_of_chicken": ([[-10, 1], [-1, 0]], [[-10, -1], [1, 0]]),
    "odd_even_game": ([[-2, 3], [3, -4]], [[2, -3], [-3, 4]]),
    "rock_paper_scissors": ([[0, -1, 1], [1, 0, -1], [-1, 1, 0]], [[0, 1, -1], [-1, 0, 1], [1, -1, 0]]),
    "IESDS": ([[13, 1, 7], [4, 3, 6], [-1, 2, 8]], [[3, 4, 3], [1, 3, 2], [9, 8, -1]]),
    "radio_station": ([[25, 50, 50], [30, 15, 30], [20, 20, 10]], [[25, 30, 20], [50, 15, 20], [50, 30, 10]]),
    "weakly_dominated": ([[5, 4], [6, 3], [6, 4]], [[1, 0], [0, 1], [4, 4]]),
    "duopolistic_competition": (
        [
            [0, 0, 0, 0, 0, 0],
            [9, 7, 5, 3, 1, -1],
            [14, 10, 6, 2, -2, -2],
            [15, 9, 3, -3, -3, -3],
            [12, 4, -4, -4, -4, -4],
            [5, -5, -5, -5, -5, -5],
        ],
        [
            [0, 9, 14, 15, 12, 5],
            [0, 7, 10, 9, 4, -5],
            [0, 5, 6, 3, -4, -5],
            [0, 3, 2, -3, -4, -5],
            [0, 1, -2, -3, -4, -5],
            [0, -1, -2, -3, -4, -5],
        ],
    ),
}

# Equilibria worked by hand (indifference conditions): (row mix, col mix, row payoff, col payoff), mixes over the
# 1-based action labels with zero entries left out.
HUA_EQUILIBRIA = {
    "prisoner_dilemma": [({"2": "1"}, {"2": "1"}, "1", "1")],
    "stag_hunt": [({"1": "1"}, {"1": "1"}, "3", "3"), ({"1": "1/3", "2": "2/3"}, {"1": "1/3", "2": "2/3"}, "1", "1"),
                  ({"2": "1"}, {"2": "1"}, "1", "1")],
    "battle_of_sexes": [({"1": "1"}, {"1": "1"}, "2", "1"), ({"1": "2/3", "2": "1/3"}, {"1": "1/3", "2": "2/3"},
                                                             "2/3", "2/3"), ({"2": "1"}, {"2": "1"}, "1", "2")],
    "wait_go_game": [({"1": "1"}, {"2": "1"}, "0", "2"), ({"1": "2/3", "2": "1/3"}, {"1": "2/3", "2": "1/3"}, "0", "0"),
                     ({"2": "1"}, {"1": "1"}, "2", "0")],
    "game_of_chicken": [({"1": "1"}, {"2": "1"}, "1", "-1"),
                        ({"1": "1/10", "2": "9/10"}, {"1": "1/10", "2": "9/10"}, "-1/10", "-1/10"),
                        ({"2": "1"}, {"1": "1"}, "-1", "1")],
    "odd_even_game": [({"1": "7/12", "2": "5/12"}, {"1": "7/12", "2": "5/12"}, "1/12", "-1/12")],
    "rock_paper_scissors": [({"1": "1/3", "2": "1/3", "3": "1/3"}, {"1": "1/3", "2": "1/3", "3": "1/3"}, "0", "0")],
    "IESDS": [({"2": "1"}, {"2": "1"}, "3", "3")],
    # IESDS removes action 3 of each; on the rest row mixes so that col is indifferent: 25x + 50(1-x) = 30x + 15(1-x).
    "radio_station": [({"1": "1"}, {"2": "1"}, "50", "30"), ({"1": "7/8", "2": "1/8"}, {"1": "7/8", "2": "1/8"},
                                                             "225/8", "225/8"), ({"2": "1"}, {"1": "1"}, "30", "50")],
    # Row 3 weakly dominates rows 1 and 2; column is then indifferent: a continuum of equilibria (3, any mix).
    "weakly_dominated": [({"3": "1"}, {"1": "1"}, "6", "4"), ({"3": "1"}, {"2": "1"}, "4", "4")],
    "duopolistic_competition": [({"3": "1"}, {"3": "1"}, "6", "6")],
}


def bimatrix(row, col, **extra):
    return {"row_payoffs": row, "col_payoffs": col, **extra}


def summary(out):
    """Each equilibrium as (row mix, col mix, row payoff, col payoff) with zero probabilities left out."""
    return [
        tuple(
            [{label: p.exact for label, p in mix.probabilities.items() if p.exact != "0"} for mix in eq.strategies]
            + [mix.expected_payoff.exact for mix in eq.strategies]
        )
        for eq in out.equilibria
    ]


def same_equilibria(first, second, tolerance=1e-9):
    """Both lists hold the same equilibria, each probability within ``tolerance``."""

    def close(a, b):
        return max(abs(x - y) for x, y in zip(a, b, strict=True)) <= tolerance

    return (
        len(first) == len(second)
        and all(any(close(a, b) for b in second) for a in first)
        and all(any(close(a, b) for a in first) for b in second)
    )


# --- nash_equilibria: textbook games ------------------------------------------------------------------------------


def test_prisoners_dilemma_unique_defection_with_dominance_and_pareto():
    out = NASH.run(
        bimatrix(*HUA_SIMULTANEOUS["prisoner_dilemma"], players=["Alice", "Bob"],
                 row_strategies=["C", "D"], col_strategies=["C", "D"])
    )
    assert out.equilibrium_count == 1
    (eq,) = out.equilibria
    assert eq.pure and [mix.support for mix in eq.strategies] == [["D"], ["D"]]
    assert [mix.expected_payoff.value for mix in eq.strategies] == [1.0, 1.0]
    assert [(s.round, s.player, s.strategy, s.dominated_by) for s in out.iesds_eliminations] == [
        (1, "Alice", "C", "D"),
        (1, "Bob", "C", "D"),
    ]
    assert out.iesds_surviving == {"Alice": ["D"], "Bob": ["D"]}
    assert [o.strategies for o in out.pure_equilibria] == [{"Alice": "D", "Bob": "D"}]
    # (D, D) is the only outcome that is not Pareto efficient: (C, C) gives both more.
    assert sorted(tuple(o.strategies.values()) for o in out.pareto_efficient_outcomes) == [
        ("C", "C"), ("C", "D"), ("D", "C")
    ]


def test_battle_of_sexes_exact_mixed_equilibrium():
    out = NASH.run(
        bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]], row_strategies=["Opera", "Football"],
                 col_strategies=["Opera", "Football"])
    )
    assert out.equilibrium_count == 3
    assert [eq.pure for eq in out.equilibria] == [True, False, True]
    mixed = out.equilibria[1].strategies
    assert {k: v.exact for k, v in mixed[0].probabilities.items()} == {"Opera": "2/3", "Football": "1/3"}
    assert {k: v.exact for k, v in mixed[1].probabilities.items()} == {"Opera": "1/3", "Football": "2/3"}
    assert mixed[0].probabilities["Opera"].value == pytest.approx(2 / 3, abs=1e-15)
    assert [m.expected_payoff.exact for m in mixed] == ["2/3", "2/3"]
    assert mixed[0].support == ["Opera", "Football"]
    assert out.maximal_equilibrium_sets == [[1], [2], [3]]


def test_matching_pennies_and_rock_paper_scissors_uniform():
    pennies = NASH.run(bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]))
    assert summary(pennies) == [({"1": "1/2", "2": "1/2"}, {"1": "1/2", "2": "1/2"}, "0", "0")]
    assert pennies.pure_equilibrium_count == 0
    rps = NASH.run(bimatrix(*HUA_SIMULTANEOUS["rock_paper_scissors"]))
    assert summary(rps) == HUA_EQUILIBRIA["rock_paper_scissors"]


def test_stag_hunt_two_pure_and_one_mixed():
    out = NASH.run(bimatrix(*HUA_SIMULTANEOUS["stag_hunt"]))
    assert summary(out) == HUA_EQUILIBRIA["stag_hunt"]
    assert [o.strategies for o in out.pure_equilibria] == [{"row": "1", "col": "1"}, {"row": "2", "col": "2"}]
    assert [tuple(o.strategies.values()) for o in out.pareto_efficient_outcomes] == [("1", "1")]


@pytest.mark.parametrize("name", sorted(HUA_EQUILIBRIA))
def test_hua_arena_games(name):
    row, col = HUA_SIMULTANEOUS[name]
    out = NASH.run(bimatrix(row, col, players=["Alice", "Bob"]))
    assert summary(out) == HUA_EQUILIBRIA[name]
    # Pure equilibria found by enumeration agree with the pure members of the full list, and with Gambit's enumpure.
    listed = [tuple(mix.support[0] for mix in eq.strategies) for eq in out.equilibria if eq.pure]
    enumerated = [tuple(o.strategies.values()) for o in out.pure_equilibria]
    assert sorted(listed) == sorted(enumerated)
    game = pygambit.StrategicGame.from_arrays(np.array(row), np.array(col))
    gambit_pure = {
        tuple(next(label for label, p in eq[player] if p == 1) for player in ("1", "2"))
        for eq in pygambit.nash.enumpure_solve(game).equilibria
    }
    assert set(enumerated) == gambit_pure


def test_iesds_textbook_order():
    # Hua's IESDS game: column 3 < column 2, then row 3 < row 2, then column 1 < column 2, then row 1 < row 2.
    out = NASH.run(bimatrix(*HUA_SIMULTANEOUS["IESDS"], row_strategies=["U", "M", "D"],
                            col_strategies=["L", "C", "R"]))
    assert [(s.round, s.player, s.strategy, s.dominated_by) for s in out.iesds_eliminations] == [
        (1, "col", "R", "C"),
        (2, "row", "D", "M"),
        (3, "col", "L", "C"),
        (4, "row", "U", "M"),
    ]
    assert out.iesds_surviving == {"row": ["M"], "col": ["C"]}
    assert any("left by iterated strict dominance" in note for note in out.notes)


def test_dominance_by_a_mix_is_not_pure_dominance():
    # Row 3 (1, 1) is beaten by the 50/50 mix of rows 1 and 2 (1.5, 1.5) but by neither pure row: it survives, and no
    # equilibrium plays it.
    out = NASH.run(bimatrix([[3, 0], [0, 3], [1, 1]], [[0, 3], [3, 0], [1, 1]]))
    assert out.iesds_eliminations == []
    assert all(eq.strategies[0].probabilities["3"].exact == "0" for eq in out.equilibria)
    assert summary(out) == [({"1": "1/2", "2": "1/2"}, {"1": "1/2", "2": "1/2"}, "3/2", "3/2")]


def test_degenerate_game_reports_equilibrium_sets():
    out = NASH.run(bimatrix(*HUA_SIMULTANEOUS["weakly_dominated"]))
    assert out.maximal_equilibrium_sets == [[1, 2]]
    assert out.equilibrium_components == [[1, 2]]
    assert any("degenerate" in note for note in out.notes)


def test_rational_and_float_payoffs_are_exact():
    # 0.1 is read as 1/10, so the game is the BoS game scaled by 1/10 on the row side: same probabilities.
    out = NASH.run(bimatrix([["1/5", 0], [0, 0.1]], [[1, 0], [0, "2"]]))
    assert summary(out)[1] == ({"1": "2/3", "2": "1/3"}, {"1": "1/3", "2": "2/3"}, "1/15", "2/3")


def test_three_player_game_pure_equilibria():
    # Three-player coordination: each picks A or B and gets 1 if all three match, 0 otherwise.
    payoffs = [[[[int(a == b == c)] * 3 for c in range(2)] for b in range(2)] for a in range(2)]
    out = NASH.run({"payoffs": payoffs, "strategies": [["A", "B"]] * 3, "players": ["x", "y", "z"]})
    assert [o.strategies for o in out.pure_equilibria] == [
        {"x": "A", "y": "A", "z": "A"},
        {"x": "B", "y": "B", "z": "B"},
    ]
    assert out.scope.startswith("pure") and out.equilibrium_count == 2
    assert out.pareto_efficient_count == 2

    # An asymmetric 2x3x2 game, checked against Gambit's enumpure_solve.
    rng = np.random.default_rng(7)
    arrays = [rng.integers(-3, 4, (2, 3, 2)) for _ in range(3)]
    table = [[[[int(arrays[k][i, j, m]) for k in range(3)] for m in range(2)] for j in range(3)] for i in range(2)]
    out = nash_equilibria(NashInput(payoffs=table))
    ours = {tuple(o.strategies.values()) for o in out.pure_equilibria}
    gambit = pygambit.nash.enumpure_solve(pygambit.StrategicGame.from_arrays(*arrays)).equilibria
    theirs = {
        tuple(next(label for label, p in eq[player] if p == 1) for player in ("1", "2", "3")) for eq in gambit
    }
    assert ours == theirs and out.players == ["P1", "P2", "P3"]


def test_two_player_game_in_n_player_form_gets_mixed_equilibria():
    table = [[[2, 1], [0, 0]], [[0, 0], [1, 2]]]
    out = NASH.run({"payoffs": table})
    assert summary(out) == HUA_EQUILIBRIA["battle_of_sexes"]


# --- cross-checks against nashpy and the equilibrium property ------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_matches_nashpy_on_nondegenerate_games(seed):
    rng = np.random.default_rng(seed)
    shape = [(3, 3), (4, 3), (3, 4), (4, 4), (2, 5), (5, 2)][seed]
    row, col = rng.integers(-1000, 1001, shape), rng.integers(-1000, 1001, shape)
    out = NASH.run(bimatrix(row.tolist(), col.tolist(), mixed=True))
    ours = [[p.value for mix in eq.strategies for p in mix.probabilities.values()] for eq in out.equilibria]
    game = nashpy.Game(row, col)
    vertex = [np.concatenate(eq).tolist() for eq in game.vertex_enumeration()]
    assert same_equilibria(ours, vertex)
    # nashpy's support enumeration drops an equilibrium when a solved probability comes out as -3e-17 (its
    # solve_indifference tests prob >= 0 without tolerance; seed 1 hits this): what it finds must be ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        support = [np.concatenate(eq).tolist() for eq in game.support_enumeration(tol=1e-9)]
    assert all(any(same_equilibria([o], [eq]) for o in ours) for eq in support)
    missed = sum(not any(same_equilibria([o], [eq]) for eq in support) for o in ours)
    assert missed == (1 if seed == 1 else 0)
    assert len(ours) % 2 == 1  # non-degenerate games have an odd number of equilibria


def _regret_free(row, col, out) -> None:
    """No pure deviation improves either player's expected payoff (exact arithmetic)."""
    a = [[Fraction(v) for v in r] for r in row]
    b = [[Fraction(v) for v in r] for r in col]
    for eq in out.equilibria:
        x = [Fraction(p.exact) for p in eq.strategies[0].probabilities.values()]
        y = [Fraction(p.exact) for p in eq.strategies[1].probabilities.values()]
        assert sum(x) == 1 and sum(y) == 1 and min(x + y) >= 0
        row_values = [sum(a[i][j] * y[j] for j in range(len(y))) for i in range(len(x))]
        col_values = [sum(b[i][j] * x[i] for i in range(len(x))) for j in range(len(y))]
        row_value = sum(x[i] * row_values[i] for i in range(len(x)))
        col_value = sum(y[j] * col_values[j] for j in range(len(y)))
        assert max(row_values) == row_value == Fraction(eq.strategies[0].expected_payoff.exact)
        assert max(col_values) == col_value == Fraction(eq.strategies[1].expected_payoff.exact)


@st.composite
def small_games(draw):
    m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    entry = st.integers(-5, 5)
    matrix = st.lists(st.lists(entry, min_size=n, max_size=n), min_size=m, max_size=m)
    return draw(matrix), draw(matrix)


@settings(max_examples=40, deadline=None)
@given(small_games())
def test_every_equilibrium_is_a_mutual_best_response(game):
    row, col = game
    out = NASH.run(bimatrix(row, col))
    assert out.equilibrium_count >= 1  # Nash (1951): every finite game has one
    _regret_free(row, col, out)
    listed = sorted(tuple(mix.support[0] for mix in eq.strategies) for eq in out.equilibria if eq.pure)
    assert listed == sorted(tuple(o.strategies.values()) for o in out.pure_equilibria)


# --- best_response -----------------------------------------------------------------------------------------------


def test_best_response_exact_indifference_and_strict_choice():
    bos = bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]], players=["Alice", "Bob"],
                   row_strategies=["Opera", "Football"], col_strategies=["Opera", "Football"])
    out = BEST.run({**bos, "player": "Alice", "opponent_strategy": {"Opera": "1/3", "Football": "2/3"}})
    assert out.best_responses == ["Opera", "Football"] and out.exact and out.tolerance == 0
    assert [v.expected_payoff.exact for v in out.expected_payoffs] == ["2/3", "2/3"]
    out = BEST.run({**bos, "player": "col", "opponent_strategy": [0.5, 0.5]})
    assert out.player == "Bob" and out.best_responses == ["Football"]
    assert [v.expected_payoff.exact for v in out.expected_payoffs] == ["1/2", "1"]
    # Omitted labels get probability 0.
    out = BEST.run({**bos, "player": "row", "opponent_strategy": {"Football": 1}})
    assert out.best_responses == ["Football"] and out.best_payoff.exact == "1"


def test_best_response_python_call_on_n_player_form():
    # Stag hunt as a 2-player `payoffs` table: against a 1/3 chance of stag, hunting stag pays 3 * 1/3 = 1 = hare.
    table = [[[3, 3], [0, 1]], [[1, 0], [1, 1]]]
    out = best_response(BestResponseInput(payoffs=table, strategies=[["stag", "hare"]] * 2, player="P2",
                                          opponent_strategy={"stag": "1/3", "hare": "2/3"}))
    assert out.opponent == "P1" and out.best_responses == ["stag", "hare"] and out.best_payoff.exact == "1"


def test_best_response_float_probabilities_use_tolerance():
    rps = bimatrix(*HUA_SIMULTANEOUS["rock_paper_scissors"])
    out = BEST.run({**rps, "player": "row", "opponent_strategy": [0.3333333333, 0.3333333333, 0.3333333334]})
    assert out.best_responses == ["1", "2", "3"] and not out.exact and out.tolerance == pytest.approx(1e-9)
    out = BEST.run({**rps, "player": "row", "opponent_strategy": ["1/3", "1/3", "1/3"]})
    assert out.best_responses == ["1", "2", "3"] and out.exact
    out = BEST.run({**rps, "player": "row", "opponent_strategy": ["1/2", "1/2", 0]})
    assert out.best_responses == ["2"]  # paper (2) beats rock and ties paper: 1/2


@pytest.mark.parametrize(
    ("strategy", "field", "message"),
    [
        ({"1": "1/2"}, "opponent_strategy", "sum to 1/2"),
        (["1/3", "1/3", "1/4"], "opponent_strategy", "expected exactly 1"),
        ([0.3, 0.3, 0.3], "opponent_strategy", "within 1e-9"),
        ({"1": "3/2", "2": "-1/2"}, "opponent_strategy.2", "negative"),
        ({"paper": 1}, "opponent_strategy.paper", "unknown strategy"),
        ([1, 0], "opponent_strategy", "expected 3"),
        (["abc", 0, 1], "opponent_strategy", "rational string"),
    ],
)
def test_best_response_rejects_bad_mixes(strategy, field, message):
    rps = bimatrix(*HUA_SIMULTANEOUS["rock_paper_scissors"])
    with pytest.raises(ToolInputError) as err:
        BEST.run({**rps, "player": "row", "opponent_strategy": strategy})
    assert err.value.field.startswith(field) and message in str(err.value)


def test_best_response_rejects_unknown_player_and_three_players():
    with pytest.raises(ToolInputError, match="unknown player 'Carol'") as err:
        BEST.run({**bimatrix([[1]], [[1]]), "player": "Carol", "opponent_strategy": [1]})
    assert err.value.field == "player"
    three = [[[[0, 0, 0]]]]
    with pytest.raises(ToolInputError, match="2-player"):
        BEST.run({"payoffs": three, "player": "P1", "opponent_strategy": [1]})


# --- nash_equilibria input validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (bimatrix([[1, 2, 3], [4, 5]], [[1, 2, 3], [4, 5, 6]]), "row_payoffs.1", "row 1 has 2 entries, expected 3"),
        (bimatrix([[1, 2], [3, 4]], [[1, 2, 3], [4, 5, 6]]), "col_payoffs", "differs from row_payoffs 2x2"),
        (bimatrix([[1, "abc"]], [[1, 2]]), "row_payoffs.0.1", "rational string"),
        (bimatrix([[1, None]], [[1, 2]]), "row_payoffs.0.1", "got None"),
        (bimatrix([[1, 2]], [[True, 2]]), "col_payoffs.0.0", "got True"),
        (bimatrix([[1, float("nan")]], [[1, 2]]), "row_payoffs.0.1", "finite"),
        (bimatrix([[1, float("inf")]], [[1, 2]]), "row_payoffs.0.1", "finite"),
        (bimatrix([], []), "row_payoffs", "empty matrix"),
        (bimatrix([[]], [[]]), "row_payoffs.0", "empty"),
        (bimatrix([[1, 2]], [[1, 2]], col_strategies=["a"]), "col_strategies", "1 labels given, expected 2"),
        (bimatrix([[1], [2]], [[1], [2]], row_strategies=["a", "a"]), "row_strategies", "duplicate labels ['a']"),
        (bimatrix([[1]], [[1]], players=["A", "B", "C"]), "players", "expected 2"),
        (bimatrix([[1]], None), "col_payoffs", "needs both"),
        ({}, "row_payoffs", "no game given"),
        ({**bimatrix([[1]], [[1]]), "payoffs": [[[1, 1]]]}, "payoffs", "not both"),
        ({"payoffs": [[[1, 2], [3, 4]], [[5, 6], [7]]]}, "payoffs.1.1", "leaf has 1 payoffs, expected 2"),
        ({"payoffs": [[[1, 2], [3, 4]], [[5, 6]]]}, "payoffs.1", "has 1 entries, expected 2"),
        ({"payoffs": [[[1, 2, 3]]]}, "payoffs.0.0", "expected 2"),
        ({"payoffs": [[[1, "x"]]]}, "payoffs.0.0.1", "rational string"),
        ({"payoffs": [[1, 2]]}, "payoffs", "at least 2 players"),
        ({"payoffs": [[[1, 1]]], "strategies": [["a"]]}, "strategies", "expected 2"),
        ({"payoffs": [[[1, 1]]], "row_strategies": ["a"]}, "row_strategies", "bimatrix form"),
        ({**bimatrix([[1]], [[1]]), "bogus": 1}, "bogus", "Extra inputs"),
    ],
)
def test_nash_rejects_bad_games(payload, field, message):
    with pytest.raises(ToolInputError) as err:
        NASH.run(payload)
    assert err.value.field == field
    assert message in str(err.value)


def test_mixed_enumeration_size_limit_and_pure_analysis_of_large_games():
    rng = np.random.default_rng(3)
    row, col = rng.integers(-9, 10, (12, 12)).tolist(), rng.integers(-9, 10, (12, 12)).tolist()
    with pytest.raises(ToolInputError, match="mixed=false") as err:
        NASH.run(bimatrix(row, col))
    assert err.value.field == "mixed"
    out = NASH.run(bimatrix(row, col, mixed=False))
    assert out.scope.startswith("pure")
    expected = {
        (i, j)
        for i, j in itertools.product(range(12), range(12))
        if row[i][j] == max(r[j] for r in row) and col[i][j] == max(col[i])
    }
    assert {(int(o.strategies["row"]) - 1, int(o.strategies["col"]) - 1) for o in out.pure_equilibria} == expected


# --- backward_induction --------------------------------------------------------------------------------------------

# The five sequential games of the Hua et al. arena (same source as above), as trees.
HUA_SEQUENTIAL = {
    "escalation_game": {"player": "Alice", "moves": {
        "1": {"payoffs": [0, 0]},
        "2": {"player": "Bob", "moves": {
            "1": {"payoffs": [1, -2]},
            "2": {"player": "Alice", "moves": {"1": {"payoffs": [-2, 1]}, "2": {"payoffs": [-1, -1]}}}}}}},
    "monopoly_game": {"player": "Alice", "moves": {
        "1": {"payoffs": [0, 2]},
        "2": {"player": "Bob", "moves": {"1": {"payoffs": [2, 1]}, "2": {"payoffs": [-1, -1]}}}}},
    "trigame": {"player": "Alice", "moves": {
        "1": {"player": "Bob", "moves": {
            "1": {"player": "Alice", "moves": {"1": {"payoffs": [20, 3]}, "2": {"payoffs": [0, 4]}}},
            "2": {"player": "Alice", "moves": {"1": {"payoffs": [2, 5]}, "2": {"payoffs": [3, 4]}}}}},
        "2": {"player": "Bob", "moves": {
            "1": {"player": "Alice", "moves": {"1": {"payoffs": [1, 5]}, "2": {"payoffs": [4, 10]}}},
            "2": {"player": "Alice", "moves": {"1": {"payoffs": [2, 1]}, "2": {"payoffs": [3, 2]}}}}}}},
    "hot_cold_game": {"player": "Alice", "moves": {
        "1": {"player": "Bob", "moves": {"1": {"payoffs": [3, 2]}, "2": {"payoffs": [2, 3]}}},
        "2": {"player": "Bob", "moves": {"1": {"payoffs": [1, 4]}, "2": {"payoffs": [4, 1]}}}}},
    "draco": {"player": "Alice", "moves": {
        "1": {"player": "Bob", "moves": {
            "1": {"payoffs": [5, 5]},
            "2": {"player": "Alice", "moves": {"1": {"payoffs": [2, 2]}, "2": {"payoffs": [3, 4]}}}}},
        "2": {"player": "Bob", "moves": {
            "1": {"payoffs": [4, 5]},
            "2": {"player": "Alice", "moves": {"1": {"payoffs": [5, 3]}, "2": {"payoffs": [2, 2]}}}}}}},
}

# The source's documented subgame-perfect paths and the payoffs they reach.
HUA_SPE = {
    "escalation_game": (["1"], ["0", "0"]),
    "monopoly_game": (["2", "1"], ["2", "1"]),
    "trigame": (["2", "1", "2"], ["4", "10"]),
    "hot_cold_game": (["1", "2"], ["2", "3"]),
    "draco": (["1", "1"], ["5", "5"]),
}


@pytest.mark.parametrize("name", sorted(HUA_SPE))
def test_hua_sequential_games(name):
    out = SPE.run({"tree": HUA_SEQUENTIAL[name], "players": ["Alice", "Bob"]})
    path, payoffs = HUA_SPE[name]
    assert out.path == path
    assert [v.exact for v in out.payoffs.values()] == payoffs
    assert out.unique and out.equilibrium_count == 1 and not out.capped


def test_escalation_full_strategy_off_path():
    # At the last node Alice prefers (-1,-1) to (-2,1); Bob, foreseeing it, escalates (-1 beats -2 for him); so at the
    # root Alice stops (0 beats -1). The strategy names a move at every decision node, off the path too.
    out = SPE.run({"tree": HUA_SEQUENTIAL["escalation_game"]})
    assert out.players == ["Alice", "Bob"]  # names in order of first appearance
    assert [(c.node, c.player, c.move) for c in out.strategy] == [
        ([], "Alice", "1"),
        (["2"], "Bob", "2"),
        (["2", "2"], "Alice", "2"),
    ]


def test_centipede_game_takes_at_once():
    # Rosenthal's centipede, four stages: each player gains by taking one stage before the other would.
    tree = {"player": 1, "moves": {"take": {"payoffs": [1, 0]}, "pass": {"player": 2, "moves": {
        "take": {"payoffs": [0, 2]}, "pass": {"player": 1, "moves": {
            "take": {"payoffs": [3, 1]}, "pass": {"player": 2, "moves": {
                "take": {"payoffs": [2, 4]}, "pass": {"payoffs": [3, 3]}}}}}}}}}
    out = SPE.run({"tree": tree})
    assert out.players == ["player 1", "player 2"]
    assert out.path == ["take"] and [v.value for v in out.payoffs.values()] == [1.0, 0.0]
    assert [c.move for c in out.strategy] == ["take"] * 4 and out.unique


def test_ultimatum_game_ties_give_two_equilibria():
    # Proposer splits 2 units, offering the responder 0, 1 or 2; the responder is indifferent when offered 0.
    tree = {"player": "P", "moves": {
        offer: {"player": "R", "moves": {"accept": {"payoffs": [2 - int(offer), int(offer)]},
                                         "reject": {"payoffs": [0, 0]}}}
        for offer in ("0", "1", "2")}}
    out = backward_induction(BackwardInductionInput(tree=tree, players=["P", "R"]))
    assert not out.unique and out.equilibrium_count == 2
    first, second = out.equilibria
    assert first.path == ["0", "accept"] and [v.exact for v in first.payoffs.values()] == ["2", "0"]
    assert second.path == ["1", "accept"] and [v.exact for v in second.payoffs.values()] == ["1", "1"]
    assert [(c.node, c.move) for c in second.strategy] == [
        ([], "1"), (["0"], "reject"), (["1"], "accept"), (["2"], "accept")
    ]
    assert out.path == first.path


def test_entry_deterrence_threat_is_not_credible():
    tree = {"player": "Entrant", "moves": {
        "out": {"payoffs": [0, 2]},
        "in": {"player": "Incumbent", "moves": {"fight": {"payoffs": [-1, -1]}, "accommodate": {"payoffs": [1, 1]}}}}}
    out = SPE.run({"tree": tree, "players": ["Entrant", "Incumbent"]})
    assert out.path == ["in", "accommodate"] and out.unique
    assert [v.exact for v in out.payoffs.values()] == ["1", "1"]


def test_three_players_numbered_and_rational_payoffs():
    tree = {"player": 3, "moves": {
        "l": {"player": 1, "moves": {"a": {"payoffs": ["1/2", 0, 1]}, "b": {"payoffs": ["1/3", 5, 2]}}},
        "r": {"player": 2, "moves": {"a": {"payoffs": [0, 0.1, "3/2"]}, "b": {"payoffs": [9, "1/10", 1]}}}}}
    out = SPE.run({"tree": tree, "players": ["A", "B", "C"]})
    # B is indifferent on the right (0.1 = 1/10 exactly): C gets 3/2 or 1 there, against 1 on the left.
    assert not out.unique and out.equilibrium_count == 3
    assert [e.path for e in out.equilibria] == [["r", "a"], ["l", "a"], ["r", "b"]]
    assert [v.exact for v in out.equilibria[0].payoffs.values()] == ["0", "1/10", "3/2"]


def test_equilibrium_cap():
    # Seven subgames in each of which B is indifferent between moves that matter to A: 2**7 profiles.
    tree = {"player": "A", "moves": {
        str(k): {"player": "B", "moves": {"x": {"payoffs": [1, 0]}, "y": {"payoffs": [2, 0]}}} for k in range(7)}}
    out = SPE.run({"tree": tree})
    assert out.capped and not out.unique and out.equilibrium_count == 64


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"tree": {"player": "A"}}, "tree", "needs `moves`"),
        ({"tree": {"player": "A", "moves": {}}}, "tree", "at least one move"),
        ({"tree": {"moves": {"x": {"payoffs": [1]}}}}, "tree", "needs `player`"),
        ({"tree": {"player": "A", "moves": {"x": {}}}}, "tree.moves.x", "needs `moves`"),
        ({"tree": {"player": "A", "moves": {"x": {"payoffs": [1, 2]}, "y": {"payoffs": [1]}}},
          "players": ["A", "B"]}, "tree.moves.y.payoffs", "1 payoffs, expected 2"),
        ({"tree": {"player": "Z", "moves": {"x": {"payoffs": [1, 2]}}}, "players": ["A", "B"]}, "tree.player",
         "unknown player 'Z'"),
        ({"tree": {"player": 0, "moves": {"x": {"payoffs": [1, 2]}}}}, "tree.player", "1-based"),
        ({"tree": {"player": "A", "moves": {"x": {"payoffs": [1, 2]}}}}, "players", "names 1 movers"),
        ({"tree": {"player": "A", "moves": {"x": {"payoffs": [1, "abc"]}}}}, "tree.moves.x.payoffs.1",
         "rational string"),
        ({"tree": {"payoffs": [1], "player": "A"}}, "tree", "a leaf has only `payoffs`"),
        ({"tree": {"player": "A", "moves": {"x": {"payoffs": [1]}}}, "players": ["A", "A"]}, "players", "duplicate"),
    ],
)
def test_backward_induction_rejects_bad_trees(payload, field, message):
    with pytest.raises(ToolInputError) as err:
        SPE.run(payload)
    assert err.value.field == field
    assert message in str(err.value)


def test_backward_induction_size_limits():
    deep = {"payoffs": [1]}
    for _ in range(65):
        deep = {"player": "A", "moves": {"go": deep}}
    with pytest.raises(ToolInputError, match="deeper than 64") as err:
        SPE.run({"tree": deep})
    assert err.value.field == "tree"
    wide = {"player": "A", "moves": {str(k): {"payoffs": [k]} for k in range(10_000)}}
    with pytest.raises(ToolInputError, match="more than 10000 nodes"):
        SPE.run({"tree": wide})
