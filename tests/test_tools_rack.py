"""rack_check and the rack-problem schema: the MASSE sample from location to verdict by tools alone."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from reasonsuite.cli import app
from reasonsuite.data import load_rack_problems, problem_description
from reasonsuite.tools import ToolInputError, get_tool
from reasonsuite.tools.structural.rack_problem import RackProblem

LB_TO_KN = 4.4482216152605e-3


@pytest.fixture(scope="module")
def sample() -> RackProblem:
    return load_rack_problems()["1"]


@pytest.fixture(scope="module")
def result(sample):
    return get_tool("rack_check").run({"problem": sample.model_dump()})


def test_the_masse_record_parses_into_the_schema(sample) -> None:
    assert sample.location == "Nanaimo" and sample.bays == 2 and sample.pallets_per_beam == 3
    assert sample.level_elevations_ft == [4.0, 8.5, 13.0] and sample.pallet_weights_lb == [1250.0, 750.0, 500.0]
    assert len(sample.braces) == 8 and sample.braces[1].end.y_ft == 3.0
    assert sample.column.depth_in == 2.795 and sample.brace_section.thickness_in == 0.054
    assert "Nanaimo" in problem_description("1")


def test_loads_follow_the_pallets_and_the_hazard(result) -> None:
    # An interior frame of a 2-bay rack carries one bay's pallets per level: 3 x 1250 lb at 4 ft.
    assert result.level_loads[0].pallet_load_kN == pytest.approx(3 * 1250 * LB_TO_KN)
    assert result.hazard.Sa_0_2 == 1.02
    shear = result.base_shear
    W = 3 * (1250 + 750 + 500) * LB_TO_KN
    assert shear.W_kN == pytest.approx(W)
    # Ta = 0.025 hn (braced frame) with hn = 13 ft; V is capped by max(2/3 S(0.2), S(0.5)) W / (Rd Ro).
    assert shear.Ta_s == pytest.approx(0.025 * 13 * 0.3048)
    assert shear.V_kN == pytest.approx(0.942 * W / (1.5 * 1.3)) and shear.governing == "upper bound"
    assert sum(level.seismic_force_kN for level in result.level_loads) == pytest.approx(shear.V_kN)


def test_frame_model_and_equilibrium(result) -> None:
    frame = result.frame
    assert sum(m.kind == "truss" for m in frame.members) == 8
    assert {s.node for s in frame.supports} == {"L@0ft", "R@0ft"} and all(s.rz for s in frame.supports)
    names = [c.name for c in frame.combinations]
    assert "1.25D + 1.5L" in names and "1.0D + 1.0E + 1.0L" in names and "1.0D - 1.0E + 1.0L" in names
    for combination in result.analysis.results:
        assert combination.equilibrium.relative_residual < 1e-9
    quake = next(r for r in result.analysis.results if r.name == "1.0D + 1.0E")
    assert sum(r.rx_kN for r in quake.reactions) == pytest.approx(-result.base_shear.V_kN)
    dead = next(r for r in result.analysis.results if r.name == "1.4D")
    assert dead.summary.max_abs_ux_mm < 0.01  # symmetric-enough gravity: no sway to speak of


def test_brace_forces_reverse_with_the_earthquake(result) -> None:
    forces = {r.name: {m.member: m for m in r.members} for r in result.analysis.results}
    plus, minus = forces["1.0D + 1.0E"]["brace_2"], forces["1.0D - 1.0E"]["brace_2"]
    assert plus.axial_start_kN == pytest.approx(-minus.axial_start_kN, rel=0.02)
    # The first diagonal carries most of the storey shear: its horizontal component is close to V.
    horizontal = abs(plus.axial_start_kN) * 3.5 / math.hypot(3.5, 2.5)
    assert 0.8 * result.base_shear.V_kN < horizontal < 1.05 * result.base_shear.V_kN


def test_the_sample_rack_is_inadequate_because_of_its_braces(result) -> None:
    assert result.verdict == "INADEQUATE"
    assert result.governing_member.startswith("brace_")
    governing = max(result.members, key=lambda m: m.utilisation)
    assert governing.governing_check == "compression, flexural buckling" and governing.utilisation > 1.0
    assert result.max_utilisation == governing.utilisation
    assert any("CSA S136" in line for line in result.assumptions)


def test_heavier_sections_make_it_adequate(sample) -> None:
    stronger = sample.model_dump()
    stronger["brace_section"] = {"width_in": 1.5, "depth_in": 1.5, "thickness_in": 0.105}
    stronger["column"]["thickness_in"] = 0.105
    result = get_tool("rack_check").run({"problem": stronger})
    assert result.verdict == "ADEQUATE" and result.max_utilisation < 1.0


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"braces": [[[1.0, 0.5], [3.5, 0.5]]]}, ["braces.0.start", "not on a post"]),
        ({"level_elevations_ft": [4.0, 4.0, 13.0]}, ["level_elevations_ft", "bottom up"]),
        ({"pallet_weights_lb": [1250.0, 750.0]}, ["pallet_weights_lb has 2 entries"]),
        ({"level_elevations_ft": [4.0, 8.5, 17.0]}, ["above the posts"]),
        ({"location": "Atlantis"}, ["location", "not a location"]),
        ({"column": {"width_in": 3.0, "depth_in": 0.1, "thickness_in": 0.08}}, ["thickness_in", "too large"]),
        ({"braces": ["(0, 0.5)->(3.5, 0.5)"]}, ["braces.0"]),
    ],
)
def test_bad_problems_name_the_field(sample, change: dict, words: list[str]) -> None:
    with pytest.raises(ToolInputError) as caught:
        get_tool("rack_check").run({"problem": {**sample.model_dump(), **change}})
    for word in words:
        assert word in str(caught.value)


def test_the_rack_command_prints_each_step_and_the_verdict() -> None:
    result = CliRunner().invoke(app, ["rack", "check", "--problem", "1"])
    assert result.exit_code == 0, result.output
    for step in ("1. seismic_hazard", "3. seismic_base_shear", "5. frame_analysis", "6. member_checks"):
        assert step in result.stdout
    assert "Verdict: INADEQUATE" in result.stdout
    missing = CliRunner().invoke(app, ["rack", "check", "--problem", "7"])
    assert missing.exit_code == 2 and "no shipped problem" in missing.stderr


def test_a_masse_record_with_a_number_for_a_section_is_an_error_naming_it(tmp_path) -> None:
    record = tmp_path / "rack.json"
    record.write_text(json.dumps({"floor_elevations": ["4"], "brace_dimensions": 5}))  # an object in MASSE's layout
    result = CliRunner().invoke(app, ["rack", "check", "--problem-file", str(record)])
    assert result.exit_code == 2  # an expected error, not a crash (which exits 1 with the exception)
    assert "--problem-file: brace_dimensions: expected an object with width, depth and thickness" in result.stderr
