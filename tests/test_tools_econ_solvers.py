"""Solvers for Recon-Eval categories: PTE, repeated games, folk theorem, time preference, Condorcet, Bayesian states.

Each tool is checked on hand-worked numbers and on a few Recon-Eval questions whose numbers were transcribed by hand
from data/recon/eval_dataset.csv (row index = the `recon-eval-N` id); the gold answer of that row is asserted.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from reasonsuite.tools.economics.time_preference import IntertemporalInput, intertemporal_choice
from reasonsuite.tools.economics.voting import CondorcetInput, condorcet_winner
from reasonsuite.tools.games.bayesian import BayesianInput, bayesian_game_equilibria
from reasonsuite.tools.games.folk_theorem import FolkInput, folk_theorem_payoffs, in_convex_hull
from reasonsuite.tools.games.repeated import (
    GrimTriggerInput,
    OutcomesInput,
    grim_trigger_discount_factor,
    repeated_game_outcomes,
)
from reasonsuite.tools.games.transparent import PteInput, perfectly_transparent_equilibrium
from reasonsuite.tools.registry import ToolInputError, get_tool

PD = {"mutual_cooperation": 3, "mutual_defection": 1, "temptation": 5, "sucker": 0}  # Axelrod's payoffs


# --- perfectly_transparent_equilibrium -------------------------------------------------------------------------------


def test_pte_hand_worked_prisoners_dilemma_is_mutual_cooperation() -> None:
    # Maximin of each player is P = 1 (defect guarantees 1); (C,D) and (D,C) give someone 0 < 1 and go; among
    # (C,C) and (D,D) the maximin rises to 3 (cooperating now guarantees 3), so (D,D) goes: the PTE is (C,C).
    out = perfectly_transparent_equilibrium(PteInput(row_payoffs=[[3, 0], [5, 1]], col_payoffs=[[3, 5], [0, 1]]))
    assert out.answer_indices == [[0, 0]]
    assert [m.value.exact for m in out.maximin] == ["1", "1"]
    assert [r.maximin[0].value.exact for r in out.rounds] == ["1", "3", "3"]
    assert out.rounds[0].eliminated == [[0, 1], [1, 0]]


@pytest.mark.parametrize(
    ("row", "a", "b", "gold"),
    [
        (280, [[6, 1, 3], [2, 4, 0], [8, 7, 5]], [[1, 4, 2], [5, 8, 0], [3, 6, 7]], [[2, 2]]),
        (286, [[1, 4, 8], [6, 5, 7], [2, 3, 0]], [[3, 5, 6], [1, 4, 7], [2, 0, 8]], [[0, 2]]),
        (288, [[6, 7, 2], [0, 5, 4], [1, 3, 8]], [[4, 2, 5], [3, 8, 7], [1, 0, 6]], []),
        (297, [[4, 5, 0], [2, 7, 1], [8, 3, 6]], [[8, 5, 4], [7, 3, 1], [0, 6, 2]], []),
    ],
)
def test_pte_matches_recon_eval_gold(row: int, a: list, b: list, gold: list) -> None:
    out = get_tool("perfectly_transparent_equilibrium").run({"row_payoffs": a, "col_payoffs": b})
    assert out.answer_indices == gold
    assert out.exists == bool(gold)


def test_pte_rejects_ragged_matrix() -> None:
    with pytest.raises(ToolInputError, match="row_payoffs.1"):
        get_tool("perfectly_transparent_equilibrium").run({"row_payoffs": [[1, 2], [3]], "col_payoffs": [[1, 2], [3]]})


# --- grim_trigger_discount_factor ------------------------------------------------------------------------------------


def test_grim_trigger_textbook_prisoners_dilemma() -> None:
    out = grim_trigger_discount_factor(GrimTriggerInput(**PD, discount_factor="1/3"))
    assert out.min_discount_factor.exact == "1/2"  # (5 - 3) / (5 - 1)
    assert out.textbook_ratio.exact == "1/2"
    assert out.prisoners_dilemma and out.punishment_is_stage_equilibrium
    assert out.sustainable_at_discount_factor is False
    assert grim_trigger_discount_factor(GrimTriggerInput(**PD, discount_factor=0.5)).sustainable_at_discount_factor


def test_grim_trigger_other_orderings() -> None:
    no_temptation = grim_trigger_discount_factor(
        GrimTriggerInput(mutual_cooperation=4, mutual_defection=1, temptation=3, sucker=0)
    )
    assert no_temptation.min_discount_factor.exact == "0"
    hopeless = grim_trigger_discount_factor(
        GrimTriggerInput(mutual_cooperation=2, mutual_defection=3, temptation=5, sucker=0)
    )
    assert hopeless.min_discount_factor is None and hopeless.sustaining_discount_factors is None


@pytest.mark.parametrize(
    ("row", "r", "t", "p", "s", "gold"),
    [
        (40, 280.0, 566.0, 140.0, 486.5, "0.67"),
        (43, 410.0, 797.5, 89.0, 731.0, "0.55"),
        (45, 633.0, 803.5, 127.0, 538.0, "0.25"),
    ],
)
def test_grim_trigger_matches_recon_eval_gold(row: int, r: float, t: float, p: float, s: float, gold: str) -> None:
    out = get_tool("grim_trigger_discount_factor").run(
        {"mutual_cooperation": r, "temptation": t, "mutual_defection": p, "sucker": s}
    )
    assert f"{out.min_discount_factor.value:.2f}" == gold


def test_grim_trigger_rejects_discount_factor_of_one() -> None:
    with pytest.raises(ToolInputError, match="discount_factor"):
        get_tool("grim_trigger_discount_factor").run({**PD, "discount_factor": 1})


# --- repeated_game_outcomes -------------------------------------------------------------------------------------------


def test_outcomes_prisoners_dilemma_by_hand() -> None:
    # Taking turns: the one cooperating now gets 5d/(1+d) from the cycle and 1 by defecting into punishment, so the
    # cycle needs d >= 1/4; the one defecting now never gains (5/(1+d) >= 3 - 2d for all d).
    def verdicts(d: str) -> dict[str, bool]:
        out = repeated_game_outcomes(OutcomesInput(**PD, discount_factor=d))
        return {v.name.split(":")[0]: v.subgame_perfect for v in out.outcomes}

    low, edge = verdicts("1/5"), verdicts("1/4")
    assert low == {
        "both cooperate every period": False,
        "both defect every period": True,
        "take turns": False,
        "first player cooperates, second defects every period": False,
    }
    assert edge["take turns"] is True and edge["both cooperate every period"] is False
    assert verdicts("1/2")["both cooperate every period"] is True
    out = repeated_game_outcomes(OutcomesInput(**PD, discount_factor="1/2"))
    assert out.outcomes[0].min_discount_factor.exact == "1/2"
    assert [v.exact for v in out.outcomes[2].average_payoffs] == ["10/3", "5/3"]  # 5/(1+d), 5d/(1+d)


def test_outcomes_custom_labels_and_bad_action() -> None:
    tool = get_tool("repeated_game_outcomes")
    payload = {**PD, "cooperate_label": "collude", "defect_label": "price war", "discount_factor": 0.9}
    out = tool.run({**payload, "outcomes": [{"name": "cartel", "profiles": [["collude", "collude"]]}]})
    assert out.sustainable_subgame_perfect == ["cartel"]
    with pytest.raises(ToolInputError, match="outcomes.0.profiles.0"):
        tool.run({**payload, "outcomes": [{"name": "x", "profiles": [["collude", "cooperate"]]}]})


@pytest.mark.parametrize(
    ("row", "r", "p", "t", "s", "d", "gold"),
    [
        (7, 68380.43, 69421.52, 60698.57, 67753.86, 0.54, "both defect every period"),
        (10, 95533.19, 65341.69, 38920.27, -55598.55, 0.59, "both cooperate every period"),
    ],
)
def test_outcomes_recon_eval_gold_is_sustainable(
    row: int, r: float, p: float, t: float, s: float, d: float, gold: str
) -> None:
    out = repeated_game_outcomes(
        OutcomesInput(mutual_cooperation=r, mutual_defection=p, temptation=t, sucker=s, discount_factor=d)
    )
    assert gold in out.sustainable_subgame_perfect


# --- folk_theorem_payoffs ---------------------------------------------------------------------------------------------


def test_folk_theorem_prisoners_dilemma_by_hand() -> None:
    out = folk_theorem_payoffs(FolkInput(**PD, candidates=[[3, 3], [4, 4], [2, 2], [1, 4], [0.5, 0.5], 4, 4.5]))
    assert out.minmax_value.exact == "1"
    assert [c.sustainable for c in out.candidates] == [True, False, True, True, False, True, False]
    # 4.5 is a feasible payoff for one player (up to T = 5), but only while the other gets less than her minmax 1.
    assert out.candidates[6].feasible and out.candidates[6].individually_rational
    assert out.sustainable == [0, 2, 3, 5]


def test_convex_hull_degenerate_segment() -> None:
    pts = [(Fraction(0), Fraction(0)), (Fraction(2), Fraction(2)), (Fraction(1), Fraction(1))]
    assert in_convex_hull((Fraction(1, 2), Fraction(1, 2)), pts)
    assert not in_convex_hull((Fraction(1), Fraction(0)), pts)


def test_folk_theorem_recon_eval_rows() -> None:
    # Row 60: R 46604.86, deviator 46277.97, other 48460.64, both compete 78548.99; gold Option 1 (61057, 61057).
    row60 = folk_theorem_payoffs(
        FolkInput(
            mutual_cooperation=46604.86,
            temptation=46277.97,
            sucker=48460.64,
            mutual_defection=78548.99,
            candidates=[
                [61057.0, 61057.0],
                [188895.02, 188895.02],
                [515673.06, 515322.3015314529],
                [44685.95, 44685.95],
            ],
        )
    )
    assert row60.sustainable == [0]
    # Row 63 ("which cannot be supported"): honor 10992.08, breach 20321.92, honorer 77380.97, breacher 46993.43;
    # one number per option; gold Option 1 ($7997.79).
    row63 = folk_theorem_payoffs(
        FolkInput(
            mutual_cooperation=10992.08,
            mutual_defection=20321.92,
            sucker=77380.97,
            temptation=46993.43,
            candidates=[7997.79, 59977.08, 68255.82, 62631.06],
        )
    )
    assert row63.not_sustainable == [0]


# --- intertemporal_choice ---------------------------------------------------------------------------------------------


def test_exponential_and_hyperbolic_present_values() -> None:
    options = [{"label": "now", "amount": 100, "delay": 0}, {"label": "later", "amount": 108, "delay": 1}]
    out = intertemporal_choice(IntertemporalInput(options=options, model="exponential", interest_rate=0.1))
    assert out.best == ["now"] and out.options[1].present_value.exact == "1080/11"  # 108 / 1.1
    hyper = intertemporal_choice(
        IntertemporalInput(
            options=[options[0], {"label": "later", "amount": 150, "delay": 1}], model="hyperbolic", hyperbolic_k=1
        )
    )
    assert [o.present_value.exact for o in hyper.options] == ["100", "75"]


def test_quasi_hyperbolic_reverses_a_shifted_choice() -> None:
    def best(delay: int) -> list[str]:
        options = [
            {"label": "sooner", "amount": 100, "delay": delay},
            {"label": "larger", "amount": 110, "delay": delay + 1},
        ]
        return intertemporal_choice(
            IntertemporalInput(options=options, model="quasi_hyperbolic", beta=0.5, discount_factor=1)
        ).best

    assert best(0) == ["sooner"] and best(30) == ["larger"]  # present bias: 100 > 55, but 50 < 55


@pytest.mark.parametrize(
    ("row", "chose_later", "today", "tomorrow", "first", "second", "gold"),
    [
        (140, True, 371, 373, (371, 195), (373, 196), "Option 2"),
        (143, False, 74, 88, (74, 83), (88, 84), "Option 1"),
        (154, False, 262, 281, (262, 15), (281, 16), "Option 1"),
    ],
)
def test_revealed_exponential_matches_recon_eval_gold(
    row: int, chose_later: bool, today: int, tomorrow: int, first: tuple, second: tuple, gold: str
) -> None:
    now = {"label": "today", "amount": today, "delay": 0}
    later = {"label": "tomorrow", "amount": tomorrow, "delay": 1}
    out = get_tool("intertemporal_choice").run(
        {
            "model": "revealed_exponential",
            "revealed_choice": {"chosen": later, "rejected": now}
            if chose_later
            else {"chosen": now, "rejected": later},
            "options": [
                {"label": "Option 1", "amount": first[0], "delay": first[1]},
                {"label": "Option 2", "amount": second[0], "delay": second[1]},
            ],
        }
    )
    assert out.best == [gold]
    bound = Fraction(today, tomorrow)
    assert out.discount_factor_bounds[0 if chose_later else 1].exact == str(bound)


def test_revealed_exponential_undecided_when_gaps_differ() -> None:
    # Chose 110 tomorrow over 100 today: delta >= 10/11. 100 today vs 130 in 5 days needs delta^5 >= 10/13, which
    # (10/11)^5 = 0.62 does not settle.
    out = intertemporal_choice(
        IntertemporalInput(
            model="revealed_exponential",
            revealed_choice={
                "chosen": {"label": "b", "amount": 110, "delay": 1},
                "rejected": {"label": "a", "amount": 100, "delay": 0},
            },
            options=[{"label": "x", "amount": 100, "delay": 0}, {"label": "y", "amount": 130, "delay": 5}],
        )
    )
    assert out.best == []


def test_intertemporal_missing_parameter_names_field() -> None:
    with pytest.raises(ToolInputError, match="hyperbolic_k"):
        get_tool("intertemporal_choice").run(
            {
                "model": "hyperbolic",
                "options": [{"label": "a", "amount": 1, "delay": 0}, {"label": "b", "amount": 2, "delay": 1}],
            }
        )


# --- condorcet_winner -------------------------------------------------------------------------------------------------


def test_condorcet_cycle_has_no_winner() -> None:
    ballots = [{"count": 1, "ranking": r} for r in (["A", "B", "C"], ["B", "C", "A"], ["C", "A", "B"])]
    out = condorcet_winner(CondorcetInput(ballots=ballots))
    assert out.condorcet_winner is None and out.majority_cycle
    assert all(score == 1 for score in out.copeland_scores.values())


@pytest.mark.parametrize(
    ("row", "ballots", "gold"),
    [
        (180, [(30, "XON"), (9, "ONX"), (29, "XNO"), (14, "OXN"), (16, "NOX")], "X"),
        (181, [(16, "UDM"), (29, "UMR"), (54, "DRM")], "D"),  # truncated ballots: listed beats unlisted
        (182, [(64, "ITD"), (4, "DTI"), (24, "TID"), (8, "DIT")], "I"),
    ],
)
def test_condorcet_matches_recon_eval_gold(row: int, ballots: list, gold: str) -> None:
    out = get_tool("condorcet_winner").run({"ballots": [{"count": n, "ranking": list(r)} for n, r in ballots]})
    assert out.condorcet_winner == gold


def test_condorcet_truncated_ballot_readings_differ() -> None:
    ballots = [
        {"count": 16, "ranking": ["U", "D", "M"]},
        {"count": 29, "ranking": ["U", "M", "R"]},
        {"count": 54, "ranking": ["D", "R", "M"]},
    ]
    ignored = condorcet_winner(CondorcetInput(ballots=ballots, unlisted="ignored"))
    contest = next(c for c in ignored.contests if {c.a, c.b} == {"D", "U"})
    assert (contest.votes_a, contest.votes_b) == ((16, 0) if contest.a == "U" else (0, 16))


def test_condorcet_rejects_repeated_candidate() -> None:
    with pytest.raises(ToolInputError, match="ballots.0.ranking"):
        get_tool("condorcet_winner").run({"ballots": [{"count": 1, "ranking": ["A", "A"]}]})


# --- bayesian_game_equilibria -----------------------------------------------------------------------------------------


def test_bayesian_recon_eval_row_200() -> None:
    states = [
        (0.39, [[0.09, 3.42], [0.99, 0.71]], [[0.18, 2.26], [0.98, 5.12]]),
        (0.36, [[0.08, 3.15], [0.92, 0.65]], [[0.16, 2.09], [0.9, 4.72]]),
        (0.23, [[0.05, 2.01], [0.59, 0.42]], [[0.1, 1.33], [0.58, 3.02]]),
        (0.02, [[0.0, 0.18], [0.05, 0.04]], [[0.01, 0.12], [0.05, 0.26]]),
    ]
    out = bayesian_game_equilibria(
        BayesianInput(
            states=[{"probability": p, "row_payoffs": a, "col_payoffs": b} for p, a, b in states],
            row_strategies=["Action R", "Action S"],
            col_strategies=["Action K", "Action L"],
        )
    )
    assert [e.strategies for e in out.equilibria] == [["Action R", "Action L"]]  # gold Option 2
    # 0.39*3.42 + 0.36*3.15 + 0.23*2.01 + 0.02*0.18, exactly
    assert out.expected_row_payoffs[0][1].exact == "29337/10000"


def test_bayesian_probabilities_must_sum_to_one() -> None:
    state = {"probability": 0.5, "row_payoffs": [[1]], "col_payoffs": [[1]]}
    with pytest.raises(ToolInputError, match="sum to 1"):
        get_tool("bayesian_game_equilibria").run({"states": [state, {**state, "probability": 0.4}]})


def test_all_econ_tools_registered_with_schemas() -> None:
    for name in (
        "perfectly_transparent_equilibrium",
        "grim_trigger_discount_factor",
        "repeated_game_outcomes",
        "folk_theorem_payoffs",
        "intertemporal_choice",
        "condorcet_winner",
        "bayesian_game_equilibria",
    ):
        schema = get_tool(name).input_schema()
        assert schema["type"] == "object" and schema["properties"]
