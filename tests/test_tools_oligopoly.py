"""The oligopoly tool against hand-derived linear-demand results (P = a - b*Q, constant marginal costs)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reasonsuite.tools.games.oligopoly import OligopolyInput, oligopoly
from reasonsuite.tools.registry import ToolInputError, get_tool

TOOL = get_tool("oligopoly")


def market(model, costs, a=100, b=1, **extra):
    return TOOL.run({"model": model, "demand_intercept": a, "demand_slope": b, "marginal_costs": costs, **extra})


def quantities(out):
    return [Fraction(f.quantity.exact) for f in out.firms]


def test_cournot_duopoly():
    # q_i = (a - c)/(3b) = 30, P = a - 2bq = 40, profit (P - c) q = 900; CS = Q^2/2 = 1800; efficient W = 90^2/2.
    out = market("cournot", [10, 10])
    assert quantities(out) == [30, 30]
    assert out.price.exact == "40" and [f.profit.value for f in out.firms] == [900.0, 900.0]
    assert out.consumer_surplus.exact == "1800" and out.producer_surplus.exact == "1800"
    assert out.deadweight_loss.exact == "450" and out.competitive_quantity.exact == "90"


def test_cournot_triopoly():
    # q_i = (a - c)/(4b) = 45/2, Q = 135/2, P = 65/2, profit (45/2)^2 = 2025/4.
    out = market("cournot", [10, 10, 10])
    assert quantities(out) == [Fraction(45, 2)] * 3
    assert out.price.exact == "65/2" and out.firms[0].profit.exact == "2025/4"
    assert out.total_quantity.value == 67.5


def test_cournot_unequal_costs_interior():
    # q_i = (a - (n+1)c_i + sum c)/((n+1)b): costs 10 and 20 give q1 = (100 - 30 + 30)/3 = 100/3, q2 = 70/3,
    # P = 100 - 170/3 = 130/3, profits (P - c_i) q_i = 10000/9 and 4900/9.
    out = market("cournot", [10, 20])
    assert quantities(out) == [Fraction(100, 3), Fraction(70, 3)]
    assert out.price.exact == "130/3" and [f.profit.exact for f in out.firms] == ["10000/9", "4900/9"]


def test_cournot_corner_solution_drops_high_cost_firms():
    # The 4-firm interior formula gives q4 = (100 - 5*90 + 200)/5 = -30 and q3 = (100 - 5*60 + 200)/5 = 0, so firms
    # 3 and 4 drop out. The duopoly re-solves: q1 = (100 - 3*10 + 50)/3 = 40, q2 = (100 - 3*40 + 50)/3 = 10, P = 50,
    # at or below the idle firms' costs 60 and 90, so neither wants to produce.
    out = market("cournot", [10, 40, 60, 90])
    assert quantities(out) == [40, 10, 0, 0]
    assert out.price.exact == "50"
    assert [f.active for f in out.firms] == [True, True, False, False]
    assert all(Fraction(f.marginal_cost.exact) >= Fraction(out.price.exact) for f in out.firms[2:])
    assert any("produce nothing" in note for note in out.notes)


def test_stackelberg_duopoly():
    # Follower q_F = (a - c - b q_L)/(2b); leader maximises (a - c - b q_L)/2 * q_L: q_L = 45, q_F = 22.5, P = 32.5.
    out = market("stackelberg", [10, 10], firm_names=["Leader Co", "Follower Co"])
    assert quantities(out) == [45, Fraction(45, 2)]
    assert out.price.exact == "65/2"
    assert [(f.firm, f.role) for f in out.firms] == [("Leader Co", "leader"), ("Follower Co", "follower")]
    assert [f.profit.exact for f in out.firms] == ["2025/2", "2025/4"]


def test_stackelberg_two_followers():
    # Two followers react as a Cournot pair: each (a - c - b q_L)/(3b); leader's FOC gives q_L = (a - c)/(2b) = 45.
    out = market("stackelberg", [10, 10, 10])
    assert quantities(out) == [45, 15, 15] and out.price.exact == "25"


def test_stackelberg_entry_deterrence():
    # Follower cost 50: the interior leader output (a + c_F - 2 c_L)/(2b) = 65 exceeds a - c_F = 50, where the follower
    # drops out, and the monopoly output 45 is below it: the leader produces exactly the limit output 50.
    out = market("stackelberg", [10, 50])
    assert quantities(out) == [50, 0] and out.price.exact == "50" and out.firms[0].profit.exact == "2000"
    # Follower cost 80: the monopoly output 45 already keeps it out (price 55 < 80).
    out = market("stackelberg", [10, 80])
    assert quantities(out) == [45, 0] and out.price.exact == "55"
    # A leader whose cost is above the demand intercept stays out; the followers play Cournot (costs 10 and 20).
    out = market("stackelberg", [120, 10, 20])
    assert quantities(out) == [0, Fraction(100, 3), Fraction(70, 3)] and not out.firms[0].active


def test_bertrand_equal_and_unequal_costs():
    out = market("bertrand", [10, 10])
    assert out.price.exact == "10" and quantities(out) == [45, 45]
    assert [f.profit.exact for f in out.firms] == ["0", "0"] and out.deadweight_loss.exact == "0"
    # Limit price at the rival's cost 20 (below the monopoly price 55): Q = 80, profit 10 * 80 = 800; DWL = 10*10/2.
    out = market("bertrand", [20, 10])
    assert out.price.exact == "20" and quantities(out) == [0, 80]
    assert out.firms[1].profit.exact == "800" and out.deadweight_loss.exact == "50"
    assert any("limit price" in note for note in out.notes)
    # Rival cost 80 is above the monopoly price 55: the low-cost firm charges 55.
    out = market("bertrand", [10, 80])
    assert out.price.exact == "55" and quantities(out) == [45, 0]


def test_monopoly_deadweight_loss():
    # q = (a - c)/(2b) = 45, P = 55, profit 2025, CS = 45^2/2, DWL = (55 - 10) * (90 - 45)/2 = 2025/2.
    out = market("monopoly", [10])
    assert quantities(out) == [45] and out.price.exact == "55" and out.firms[0].profit.exact == "2025"
    assert out.consumer_surplus.exact == "2025/2" and out.deadweight_loss.exact == "2025/2"
    assert out.total_surplus.value + out.deadweight_loss.value == 4050


def test_perfect_competition_reference():
    out = market("perfect_competition", [10, 10, 30])
    assert out.price.exact == "10" and quantities(out) == [45, 45, 0]
    assert out.deadweight_loss.exact == "0" and out.producer_surplus.exact == "0"


def test_exact_rational_inputs():
    # a = 1/2, b = 0.1 (read as 1/10), c = 1/10: Cournot duopoly q = (a - c)/(3b) = 4/3, P = a - 2bq = 7/30.
    out = oligopoly(OligopolyInput(model="cournot", demand_intercept="1/2", demand_slope=0.1,
                                   marginal_costs=["1/10", 0.1]))
    assert quantities(out) == [Fraction(4, 3)] * 2 and out.price.exact == "7/30"


@settings(max_examples=25, deadline=None)
@given(
    a=st.integers(20, 200),
    b=st.fractions(Fraction(1, 4), Fraction(4), max_denominator=8),
    costs=st.lists(st.integers(0, 150), min_size=1, max_size=5),
)
def test_cournot_is_a_nash_equilibrium(a, b, costs):
    # Independent check of the equilibrium conditions: active firms satisfy their FOC a - bQ - b q_i - c_i = 0 with
    # q_i > 0; idle firms have c_j >= P, so no output increase pays.
    if a <= min(costs):
        return
    out = market("cournot", costs, a=a, b=str(b))
    q = quantities(out)
    total = sum(q)
    price = a - b * total
    assert Fraction(out.price.exact) == price and Fraction(out.total_quantity.exact) == total
    for qi, ci in zip(q, costs, strict=True):
        if qi > 0:
            assert price - b * qi - ci == 0
        else:
            assert qi == 0 and ci >= price


@settings(max_examples=25, deadline=None)
@given(c_leader=st.integers(0, 90), c_follower=st.integers(0, 120))
def test_stackelberg_leader_output_is_optimal(c_leader, c_follower):
    # Brute force over leader outputs on a grid, with the follower's best response max(0, (a - c_F - b x)/(2b)).
    a, b = 100, Fraction(1)

    def leader_profit(x):
        follower = max(Fraction(0), (a - c_follower - b * x) / (2 * b))
        return (a - b * (x + follower) - c_leader) * x

    out = market("stackelberg", [c_leader, c_follower])
    x = Fraction(out.firms[0].quantity.exact)
    assert Fraction(out.firms[1].quantity.exact) == max(Fraction(0), (a - c_follower - b * x) / (2 * b))
    assert leader_profit(x) == Fraction(out.firms[0].profit.exact)
    assert all(leader_profit(Fraction(k, 4)) <= leader_profit(x) for k in range(0, 4 * 101))


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"demand_slope": 0}, "demand_slope", "must be positive"),
        ({"demand_slope": -1}, "demand_slope", "must be positive"),
        ({"marginal_costs": [10, -5]}, "marginal_costs.1", "negative"),
        ({"marginal_costs": [100, 120]}, "demand_intercept", "does not exceed the lowest marginal cost 100"),
        ({"marginal_costs": []}, "marginal_costs", "at least 1 item"),
        ({"marginal_costs": [10, "x"]}, "marginal_costs.1", "rational string"),
        ({"model": "monopoly"}, "marginal_costs", "one firm"),
        ({"model": "stackelberg", "marginal_costs": [10]}, "marginal_costs", "at least one follower"),
        ({"firm_names": ["A"]}, "firm_names", "1 names for 2 firms"),
        ({"firm_names": ["A", "A"]}, "firm_names", "duplicate"),
        ({"model": "hotelling"}, "model", "Input should be"),
    ],
)
def test_rejects_bad_markets(payload, field, message):
    base = {"model": "cournot", "demand_intercept": 100, "demand_slope": 1, "marginal_costs": [10, 10]}
    with pytest.raises(ToolInputError) as err:
        TOOL.run({**base, **payload})
    assert err.value.field == field
    assert message in str(err.value)
