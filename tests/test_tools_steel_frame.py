"""steel_frame_check, its steps and its schema: a single-storey steel bent checked against hand statics."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from reasonsuite.tools import ToolInputError, get_tool
from reasonsuite.tools.structural.frame import analyse_frame
from reasonsuite.tools.structural.hazard import SeismicHazardInput, seismic_hazard
from reasonsuite.tools.structural.member_checks import Member, MemberChecksInput, member_checks
from reasonsuite.tools.structural.sections import section_properties
from reasonsuite.tools.structural.steel_frame import (
    SteelFrameDesignBasis,
    build_steel_frame,
    check_steel_frame_members,
    steel_frame_base_shear,
    steel_frame_combinations,
    steel_frame_loads,
    steel_frame_sections,
)
from reasonsuite.tools.structural.steel_frame_problem import SteelFrameProblem
from reasonsuite.tools.structural.steel_shapes import (
    HSS_BRACES,
    W_SHAPES,
    canonical_designation,
    mass_kg_per_m,
    section_input,
)

G = 9.80665
STEEL_KG_M3 = 7850.0
SPAN, HEIGHT, SPACING, DEAD, SNOW = 8.0, 5.0, 6.0, 1.0, 1.5

BRACED = {
    "location": "Nanaimo",
    "span_m": SPAN,
    "eave_height_m": HEIGHT,
    "frame_spacing_m": SPACING,
    "lateral_system": "braced",
    "roof_dead_kPa": DEAD,
    "roof_snow_kPa": SNOW,
    "column": "W200x46",
    "beam": "W360x45",
    "brace": "HSS152x152x9.5",
}
MOMENT = {**BRACED, "lateral_system": "moment", "brace": None}


def _model(fields: dict, basis: SteelFrameDesignBasis | None = None):
    """Problem, basis, sections, loads, base shear and frame, the frame analysed per load case (D, S, E)."""
    problem = SteelFrameProblem.model_validate(fields)
    basis = basis or SteelFrameDesignBasis()
    loads = steel_frame_loads(problem, basis)
    shear = steel_frame_base_shear(seismic_hazard(SeismicHazardInput(location=problem.location)), loads, problem, basis)
    sections = steel_frame_sections(problem)
    frame = build_steel_frame(problem, basis, sections, loads, shear, steel_frame_combinations())
    per_case = analyse_frame(frame.model_copy(update={"combinations": None}))
    results = {r.name: r for r in per_case.results}
    return problem, basis, sections, loads, shear, frame, results


def _member(result, name: str):
    return next(m for m in result.members if m.member == name)


@pytest.fixture(scope="module")
def braced():
    return _model(BRACED)


# ----------------------------------------------------------------------------------------------- shapes table


def test_designations_are_canonicalised_whatever_the_spelling() -> None:
    assert canonical_designation("W 250 x 49") == "W250x49"
    assert canonical_designation("w250X49") == "W250x49"
    assert canonical_designation("hss 102x102x6.4") == "HSS102x102x6.4"
    shape = section_input("W250x49").section
    assert (shape.depth_mm, shape.flange_width_mm, shape.flange_thickness_mm, shape.web_thickness_mm) == (
        247.0,
        202.0,
        11.0,
        7.4,
    )
    assert mass_kg_per_m("W250x49") == pytest.approx(49.1, abs=0.05)  # W10x33: 33 lb/ft


def test_an_unknown_designation_names_the_field_and_close_names() -> None:
    with pytest.raises(ToolInputError) as err:
        canonical_designation("W250x50", field="problem.column")
    assert err.value.field == "problem.column" and "W250x49" in str(err.value)


def test_shapes_are_ordered_by_mass_and_their_masses_match_their_dimensions() -> None:
    assert len(W_SHAPES) >= 12 and len(HSS_BRACES) >= 8
    for names in (W_SHAPES, HSS_BRACES):
        masses = [mass_kg_per_m(name) for name in names]
        assert masses == sorted(masses)  # W310x79 and W360x79 weigh the same
    for name in HSS_BRACES:  # the tabulated mass is 7850 kg/m³ × A with the nominal wall and corner radius 2t
        area = section_properties(section_input(name)).area_mm2
        assert STEEL_KG_M3 * area * 1e-6 == pytest.approx(mass_kg_per_m(name), rel=0.01), name
    for name in W_SHAPES:  # fillets are not modelled: the computed area is 0-3 % below the handbook's
        area = section_properties(section_input(name)).area_mm2
        assert 0.97 < STEEL_KG_M3 * area * 1e-6 / mass_kg_per_m(name) < 1.0, name


# ----------------------------------------------------------------------------------------------- schema


def test_problem_canonicalises_and_round_trips() -> None:
    problem = SteelFrameProblem.model_validate({**BRACED, "column": "w 200 x 46", "brace": "hss152x152x9.5"})
    assert problem.column == "W200x46" and problem.brace == "HSS152x152x9.5" and problem.structure == "steel_frame"
    assert problem.E_MPa == 200_000
    assert SteelFrameProblem.model_validate(problem.model_dump()) == problem
    assert SteelFrameProblem.model_validate_json(problem.model_dump_json()) == problem


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"column": "W250x50"}, "problem.column", "W250x49"),
        ({"beam": "HSS102x102x6.4"}, "problem.beam", "not a W shape"),
        ({"brace": "W200x46"}, "problem.brace", "not a square HSS"),
        ({"brace": None}, "problem.brace", "needs its brace"),
        ({"lateral_system": "moment"}, "problem.brace", "has no brace"),
        ({"base_fixity": "fixed"}, "problem.base_fixity", "pinned bases"),
        ({"span_m": 40}, "problem.span_m", "less than or equal to 30"),
        ({"eave_height_m": 2}, "problem.eave_height_m", "greater than or equal to 3"),
        ({"roof_snow_kPa": -1}, "problem.roof_snow_kPa", "greater than or equal to 0"),
        ({"E_MPa": 29000}, "problem.E_MPa", "greater than or equal to 150000"),
    ],
)
def test_bad_problems_name_the_field(change: dict, field: str, words: str) -> None:
    with pytest.raises(ToolInputError) as err:
        get_tool("steel_frame_check").run({"problem": {**BRACED, **change}})
    assert err.value.field == field and words in str(err.value)


def test_the_schema_alone_rejects_a_braced_frame_without_brace() -> None:
    with pytest.raises(ValidationError) as err:
        SteelFrameProblem.model_validate({**BRACED, "brace": None})
    assert err.value.errors()[0]["loc"] == ("brace",)


# ----------------------------------------------------------------------------------------------- loads, base shear


def test_loads_and_seismic_weight(braced) -> None:
    _, _, _, loads, shear, _, _ = braced
    assert loads.dead_line_load_kN_per_m == pytest.approx(DEAD * SPACING)
    assert loads.snow_line_load_kN_per_m == pytest.approx(SNOW * SPACING)
    assert loads.tributary_area_m2 == pytest.approx(SPAN * SPACING)
    assert loads.seismic_weight_kN == pytest.approx((DEAD + 0.25 * SNOW) * SPAN * SPACING)
    assert shear.W_kN == pytest.approx(loads.seismic_weight_kN)


def test_period_follows_the_lateral_system(braced) -> None:
    assert braced[4].Ta_s == pytest.approx(0.025 * HEIGHT)
    moment_shear = _model(MOMENT)[4]
    assert moment_shear.Ta_s == pytest.approx(0.085 * HEIGHT**0.75)
    # Nanaimo: both periods sit on the plateau, where V is capped at S(0.5) W / (Rd Ro) (4.1.8.11.(2)(c)).
    W = (DEAD + 0.25 * SNOW) * SPAN * SPACING
    assert braced[4].V_kN == pytest.approx(0.942 * W / (1.5 * 1.3))


def test_combinations_are_the_nbc_ones_for_d_s_and_e() -> None:
    names = {c.name for c in steel_frame_combinations()}
    assert names == {
        "1.4D",
        "1.25D + 1.5S",
        "0.9D + 1.5S",
        "1.0D + 1.0E",
        "1.0D - 1.0E",
        "1.0D + 1.0E + 0.25S",
        "1.0D - 1.0E + 0.25S",
    }


# ----------------------------------------------------------------------------------------------- braced frame statics


def test_braced_frame_under_snow_is_a_simple_beam_on_two_struts(braced) -> None:
    _, _, sections, loads, _, frame, results = braced
    assert set(sections) == {"column", "beam", "brace"}
    assert {m.name: m.kind for m in frame.members} == {
        "left_column": "beam_column",
        "right_column": "beam_column",
        "beam": "beam_column",
        "brace": "truss",
    }
    snow = results["S"]
    w = loads.snow_line_load_kN_per_m
    assert _member(snow, "beam").max_abs_moment_kNm == pytest.approx(w * SPAN**2 / 8, rel=1e-6)
    for column in ("left_column", "right_column"):
        assert _member(snow, column).axial_start_kN == pytest.approx(-w * SPAN / 2, rel=1e-6)
        assert _member(snow, column).max_abs_moment_kNm == pytest.approx(0, abs=1e-6)
    assert _member(snow, "brace").axial_start_kN == pytest.approx(0, abs=1e-6)


def test_dead_load_adds_the_self_weight_and_still_misses_the_brace(braced) -> None:
    problem, _, _, loads, _, _, results = braced
    dead = results["D"]
    w_beam = loads.dead_line_load_kN_per_m + mass_kg_per_m(problem.beam) * G / 1000
    w_column = mass_kg_per_m(problem.column) * G / 1000
    assert _member(dead, "beam").max_abs_moment_kNm == pytest.approx(w_beam * SPAN**2 / 8, rel=1e-6)
    assert _member(dead, "left_column").max_compression_kN == pytest.approx(w_beam * SPAN / 2 + w_column * HEIGHT)
    assert _member(dead, "brace").axial_start_kN == pytest.approx(0, abs=1e-6)


def test_braced_frame_under_earthquake_by_statics(braced) -> None:
    _, _, _, _, shear, _, results = braced
    quake, V = results["E"], shear.V_kN
    cos_theta = SPAN / math.hypot(SPAN, HEIGHT)
    assert _member(quake, "brace").axial_start_kN == pytest.approx(V / cos_theta, rel=1e-6)  # tension
    assert _member(quake, "right_column").axial_start_kN == pytest.approx(-V * HEIGHT / SPAN, rel=1e-6)
    assert _member(quake, "left_column").axial_start_kN == pytest.approx(0, abs=1e-6)
    assert _member(quake, "beam").axial_start_kN == pytest.approx(-V, rel=1e-6)
    assert sum(r.rx_kN for r in quake.reactions) == pytest.approx(-V)
    uplift = next(r for r in quake.reactions if r.node == "left_base")
    assert uplift.ry_kN == pytest.approx(-V * HEIGHT / SPAN, rel=1e-6)  # the brace pulls the left base up


# ----------------------------------------------------------------------------------------------- moment frame


def test_pinned_base_portal_sways_as_the_textbook_says() -> None:
    problem, _, sections, _, shear, frame, results = _model(MOMENT)
    assert [m.name for m in frame.members] == ["left_column", "right_column", "beam"]
    quake, V, E = results["E"], shear.V_kN, problem.E_MPa * 1e3  # kN/m²
    Ic, Ib = sections["column"].Ix_mm4 * 1e-12, sections["beam"].Ix_mm4 * 1e-12
    # Δ = V h² / (12 E) (2h/Ic + L/Ib): two cantilevers V/2 hanging from joints that the beam lets rotate.
    sway_m = V * HEIGHT**2 / (12 * E) * (2 * HEIGHT / Ic + SPAN / Ib)
    eave = next(d for d in quake.displacements if d.node == "left_eave")
    assert eave.ux_mm == pytest.approx(sway_m * 1000, rel=0.01)
    beam = _member(quake, "beam")
    assert abs(beam.moment_start_kNm) == pytest.approx(V * HEIGHT / 2, rel=0.01)
    assert abs(beam.moment_end_kNm) == pytest.approx(V * HEIGHT / 2, rel=0.01)
    assert all(r.mz_kNm == 0 for r in quake.reactions)


def test_fixed_bases_stiffen_the_portal_and_take_moment() -> None:
    pinned = _model(MOMENT)[6]["E"]
    fixed = _model({**MOMENT, "base_fixity": "fixed"})[6]["E"]
    sway = {
        name: next(d for d in r.displacements if d.node == "left_eave").ux_mm
        for name, r in (("p", pinned), ("f", fixed))
    }
    assert 0 < sway["f"] < sway["p"] / 2
    assert all(abs(r.mz_kNm) > 1 for r in fixed.reactions)
    assert _member(fixed, "beam").max_abs_moment_kNm < _member(pinned, "beam").max_abs_moment_kNm


# ----------------------------------------------------------------------------------------------- member checks


def test_member_checks_cover_every_member_and_combination(braced) -> None:
    problem, basis, sections, _, _, frame, _ = braced
    analysis = analyse_frame(frame)
    checks, verdicts = check_steel_frame_members(problem, basis, frame, analysis, sections)
    assert len(checks.members) == 4 * 7
    assert {v.member: v.role for v in verdicts} == {
        "left_column": "column",
        "right_column": "column",
        "beam": "beam",
        "brace": "brace",
    }
    by_name = {m.name: m for m in checks.members}
    # Gravity leaves the brace unloaded; the earthquake loads it both ways.
    assert by_name["brace | 1.4D"].utilisation == 0
    assert any(c.check.startswith("compression") for c in by_name["brace | 1.0D - 1.0E"].checks)
    assert any(c.check.startswith("tension") for c in by_name["brace | 1.0D + 1.0E"].checks)
    beam = next(v for v in verdicts if v.member == "beam")
    assert beam.combination == "1.25D + 1.5S" and beam.governing_check == "bending, laterally supported"


def test_a_slender_web_in_pure_compression_uses_the_effective_area() -> None:
    # W250x33: h/w = (258 - 2 x 9.1) / 6.1 = 39.3 > 670/sqrt(350) = 35.8, so Ae = A - (h - 670 w/sqrt(Fy)) w.
    problem, basis, sections, _, _, frame, _ = _model({**BRACED, "column": "W250x33"})
    checks, _ = check_steel_frame_members(problem, basis, frame, analyse_frame(frame), sections)
    column = next(m for m in checks.members if m.name == "left_column | 1.4D")
    section = sections["column"]
    h, w = 258.0 - 2 * 9.1, 6.1
    effective = section.area_mm2 - (h - 670 * w / math.sqrt(350)) * w
    reference = member_checks(
        MemberChecksInput(
            members=[Member(name="c", A_mm2=effective, r_mm=section.ry_mm, Fy_MPa=350, L_mm=HEIGHT * 1000, Cf_kN=1)]
        )
    )
    assert column.Cr_kN == pytest.approx(reference.members[0].Cr_kN)


def test_a_class_4_beam_is_refused() -> None:
    # W360x45: flange b/t = 85.5 / 9.8 = 8.7 > 200/sqrt(600) = 8.2.
    with pytest.raises(ToolInputError) as err:
        get_tool("steel_frame_check").run({"problem": BRACED, "basis": {"Fy_MPa": 600}})
    assert err.value.field == "problem.beam" and "class 4" in str(err.value)


# ----------------------------------------------------------------------------------------------- the tool


def test_a_light_brace_fails_and_a_heavy_one_passes() -> None:
    tool = get_tool("steel_frame_check")
    light = tool.run({"problem": {**BRACED, "brace": "HSS76x76x4.8", "problem_id": "light"}})
    heavy = tool.run({"problem": BRACED})
    assert light.problem_id == "light"
    assert light.verdict == "INADEQUATE" and light.governing_member.startswith("brace (")
    brace = next(m for m in light.members if m.member == "brace")
    assert brace.governing_check == "compression, flexural buckling" and brace.utilisation > 1
    assert brace.axial_kN == pytest.approx(-light.base_shear.V_kN * math.hypot(SPAN, HEIGHT) / SPAN, rel=0.05)
    assert heavy.verdict == "ADEQUATE" and heavy.max_utilisation <= 1
    assert heavy.max_utilisation == max(m.utilisation for m in heavy.members)
    for result in (light, heavy):
        assert all(r.equilibrium.relative_residual < 1e-9 for r in result.analysis.results)
        text = " ".join(result.assumptions)
        assert "roof deck" in text and "4.1.8.2" in text and "Table 4.1.3.2.-A" in text


def test_the_moment_frame_runs_through_the_registry() -> None:
    result = get_tool("steel_frame_check").run({"problem": MOMENT})
    assert set(result.sections) == {"column", "beam"}
    assert result.base_shear.Ta_s == pytest.approx(0.085 * HEIGHT**0.75)
    column = next(m for m in result.members if m.member == "left_column")
    assert column.moment_kNm > 0 and column.governing_check == "axial compression + bending (member strength)"
    assert result.verdict in ("ADEQUATE", "INADEQUATE") and result.max_utilisation > 0
