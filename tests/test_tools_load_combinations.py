"""`load_combinations`: NBC 2015 Table 4.1.3.2.-A combinations checked by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reasonsuite.tools.registry import ToolInputError, get_tool
from reasonsuite.tools.structural.load_combinations import (
    LoadCombinationsInput,
    LoadCombinationsOutput,
    compute_load_combinations,
)

SIMPLE = {"D": 10, "L": 20, "S": 5, "W": 8, "E": 12}


def run(payload: dict) -> LoadCombinationsOutput:
    return get_tool("load_combinations").run(payload)


def by_name(combinations) -> dict[str, float]:
    return {c.name: c.values[0] for c in combinations}


def test_uls_combinations_by_hand() -> None:
    out = run(SIMPLE)
    values = by_name(out.uls_combinations)
    expected = {
        "1.4D": 14.0,  # case 1
        "1.25D + 1.5L": 42.5,  # case 2: 12.5 + 30
        "1.25D + 1.5L + 1.0S": 47.5,
        "1.25D + 1.5L + 0.4W": 45.7,
        "1.25D + 1.5L - 0.4W": 39.3,
        "0.9D + 1.5L": 39.0,
        "0.9D + 1.5L + 1.0S": 44.0,
        "0.9D + 1.5L + 0.4W": 42.2,
        "0.9D + 1.5L - 0.4W": 35.8,
        "1.25D + 1.5S": 20.0,  # case 3: 12.5 + 7.5
        "1.25D + 1.5S + 1.0L": 40.0,
        "1.25D + 1.5S + 0.4W": 23.2,
        "1.25D + 1.5S - 0.4W": 16.8,
        "0.9D + 1.5S": 16.5,
        "0.9D + 1.5S + 1.0L": 36.5,
        "0.9D + 1.5S + 0.4W": 19.7,
        "0.9D + 1.5S - 0.4W": 13.3,
        "1.25D + 1.4W": 23.7,  # case 4: 12.5 + 11.2
        "1.25D - 1.4W": 1.3,
        "1.25D + 1.4W + 0.5L": 33.7,
        "1.25D - 1.4W + 0.5L": 11.3,
        "1.25D + 1.4W + 0.5S": 26.2,
        "1.25D - 1.4W + 0.5S": 3.8,
        "0.9D + 1.4W": 20.2,
        "0.9D - 1.4W": -2.2,
        "0.9D + 1.4W + 0.5L": 30.2,
        "0.9D - 1.4W + 0.5L": 7.8,
        "0.9D + 1.4W + 0.5S": 22.7,
        "0.9D - 1.4W + 0.5S": 0.3,
        "1.0D + 1.0E": 22.0,  # case 5
        "1.0D - 1.0E": -2.0,
        "1.0D + 1.0E + 0.5L": 32.0,
        "1.0D - 1.0E + 0.5L": 8.0,
        "1.0D + 1.0E + 0.25S": 23.25,
        "1.0D - 1.0E + 0.25S": -0.75,
        "1.0D + 1.0E + 0.5L + 0.25S": 33.25,
        "1.0D - 1.0E + 0.5L + 0.25S": 9.25,
    }
    assert values.keys() == expected.keys()
    for name, value in expected.items():
        assert values[name] == pytest.approx(value), name
    assert {c.case for c in out.uls_combinations} == {1, 2, 3, 4, 5}
    case5 = next(c for c in out.uls_combinations if c.name == "1.0D - 1.0E + 0.5L + 0.25S")
    assert case5.case == 5 and case5.principal_load == "E"
    assert case5.factors == {"D": 1.0, "E": -1.0, "L": 0.5, "S": 0.25}
    [gov] = out.uls_governing
    assert (gov.max_value, gov.max_combination) == (pytest.approx(47.5), "1.25D + 1.5L + 1.0S")
    assert (gov.min_value, gov.min_combination) == (pytest.approx(-2.2), "0.9D - 1.4W")
    assert (gov.governing_value, gov.governing_combination) == (pytest.approx(47.5), "1.25D + 1.5L + 1.0S")
    assert out.companion_live_load_factor == 0.5
    assert compute_load_combinations(LoadCombinationsInput(**SIMPLE)) == out


def test_sls_combinations_by_hand() -> None:
    out = run(SIMPLE)
    values = by_name(out.sls_combinations)
    assert values == pytest.approx(
        {
            "1.0D": 10.0,
            "1.0D + 1.0L": 30.0,
            "1.0D + 1.0L + 1.0S": 35.0,
            "1.0D + 1.0L + 0.4W": 33.2,
            "1.0D + 1.0L - 0.4W": 26.8,
            "1.0D + 1.0S": 15.0,
            "1.0D + 1.0S + 1.0L": 35.0,
            "1.0D + 1.0S + 0.4W": 18.2,
            "1.0D + 1.0S - 0.4W": 11.8,
            "1.0D + 1.0W": 18.0,
            "1.0D - 1.0W": 2.0,
            "1.0D + 1.0W + 0.5L": 28.0,
            "1.0D - 1.0W + 0.5L": 12.0,
            "1.0D + 1.0W + 0.5S": 20.5,
            "1.0D - 1.0W + 0.5S": 4.5,
        }
    )
    assert all("E" not in c.factors for c in out.sls_combinations)
    [gov] = out.sls_governing
    assert gov.max_combination == "1.0D + 1.0L + 1.0S" and gov.max_value == pytest.approx(35.0)  # first of a tie
    assert gov.min_combination == "1.0D - 1.0W" and gov.min_value == pytest.approx(2.0)


def test_storage_occupancy_raises_companion_live_load_factor() -> None:
    payload = {"D": 10, "L": 20, "E": 40}
    normal, storage = run(payload), run({**payload, "storage_occupancy": True})
    assert storage.companion_live_load_factor == 1.0
    # case 5: 10 + 40 + 0.5 x 20 = 60, storage 10 + 40 + 1.0 x 20 = 70; case 2: 12.5 + 30 = 42.5 in both
    assert by_name(normal.uls_combinations)["1.0D + 1.0E + 0.5L"] == pytest.approx(60.0)
    assert by_name(storage.uls_combinations)["1.0D + 1.0E + 1.0L"] == pytest.approx(70.0)
    assert storage.uls_governing[0].governing_combination == "1.0D + 1.0E + 1.0L"
    assert storage.uls_governing[0].governing_value == pytest.approx(70.0)
    # the companion factors of cases 2 and 3 (1.0) do not change
    assert by_name(storage.uls_combinations)["1.25D + 1.5L"] == pytest.approx(42.5)


def test_storage_changes_case_4_companion_live_load() -> None:
    out = run({"D": 10, "L": 20, "W": 8, "storage_occupancy": True})
    assert by_name(out.uls_combinations)["1.25D + 1.4W + 1.0L"] == pytest.approx(43.7)  # 12.5 + 11.2 + 20
    assert by_name(out.sls_combinations)["1.0D + 1.0W + 1.0L"] == pytest.approx(38.0)


def test_vectors_per_component() -> None:
    out = run(
        {
            "D": [1.0, 2.0, -3.0],
            "L": [4.0, 0.0, 2.0],
            "E": [5.0, -6.0, 1.0],
            "component_names": ["level 1", "level 2", "level 3"],
        }
    )
    combos = {c.name: c.values for c in out.uls_combinations}
    assert combos["1.4D"] == pytest.approx([1.4, 2.8, -4.2])
    assert combos["1.25D + 1.5L"] == pytest.approx([7.25, 2.5, -0.75])
    assert combos["0.9D + 1.5L"] == pytest.approx([6.9, 1.8, 0.3])
    assert combos["1.0D + 1.0E + 0.5L"] == pytest.approx([8.0, -4.0, -1.0])
    assert combos["1.0D - 1.0E + 0.5L"] == pytest.approx([-2.0, 8.0, -3.0])
    assert set(combos) == {
        "1.4D",
        "1.25D + 1.5L",
        "0.9D + 1.5L",
        "1.0D + 1.0E",
        "1.0D - 1.0E",
        "1.0D + 1.0E + 0.5L",
        "1.0D - 1.0E + 0.5L",
    }
    level1, level2, level3 = out.uls_governing
    assert level1.component == "level 1" and level1.governing_value == pytest.approx(8.0)
    assert level2.governing_value == pytest.approx(8.0) and level2.governing_combination == "1.0D - 1.0E"
    assert level2.min_value == pytest.approx(-4.0) and level2.min_combination == "1.0D + 1.0E"
    assert level3.governing_value == pytest.approx(-4.2) and level3.max_value == pytest.approx(0.3)
    assert level3.max_combination == "0.9D + 1.5L"


def test_without_reversal_and_without_dead_load() -> None:
    out = run({"W": 8, "reverse_lateral_loads": False})
    assert by_name(out.uls_combinations) == pytest.approx({"1.4W": 11.2})
    assert by_name(out.sls_combinations) == pytest.approx({"1.0W": 8.0})
    only_e = run({"E": 3})
    assert by_name(only_e.uls_combinations) == pytest.approx({"1.0E": 3.0, "-1.0E": -3.0})
    assert only_e.sls_combinations == [] and only_e.sls_governing == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"D": 1, "X": 2}, "X"),
        ({"D": [1, 2], "L": [1, 2, 3]}, "L"),
        ({"D": [1, 2], "L": 3}, "L"),
        ({"D": math.nan}, "D.0"),
        ({"D": [1.0, math.inf]}, "D.1"),
        ({"D": []}, "D"),
        ({"D": "ten"}, "D"),
        ({}, ""),
        ({"storage_occupancy": True}, ""),
        ({"D": [1, 2], "component_names": ["a"]}, "component_names"),
    ],
)
def test_bad_input(payload: dict, field: str) -> None:
    with pytest.raises(ToolInputError) as err:
        run(payload)
    assert err.value.field == field
    assert str(err.value)


def test_mismatch_message_says_what_is_expected() -> None:
    with pytest.raises(ToolInputError, match="same number of values"):
        run({"D": [1, 2], "L": [1, 2, 3]})
    with pytest.raises(ToolInputError, match="a number or a list of numbers"):
        run({"D": "ten"})


@settings(max_examples=40, deadline=None)
@given(
    loads=st.fixed_dictionaries(
        {},
        optional={k: st.floats(-100, 100) for k in "DLSWE"},
    ).filter(bool),
    storage=st.booleans(),
)
def test_governing_matches_brute_force(loads: dict[str, float], storage: bool) -> None:
    out = run({**loads, "storage_occupancy": storage})
    values = [c.values[0] for c in out.uls_combinations]
    gov = out.uls_governing[0]
    assert gov.max_value == max(values) and gov.min_value == min(values)
    assert abs(gov.governing_value) == max(abs(v) for v in values)
    for c in out.uls_combinations:  # each value is the factored sum of the given loads
        assert c.values[0] == pytest.approx(sum(f * loads[k] for k, f in c.factors.items()))
