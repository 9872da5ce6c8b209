"""`seismic_base_shear`: NBC 2015 Article 4.1.8.11, checked against hand calculations."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reasonsuite.tools.registry import ToolInputError, get_tool
from reasonsuite.tools.structural.base_shear import (
    SeismicBaseShearInput,
    SeismicBaseShearOutput,
    compute_base_shear,
)

LB_KN = 4.4482216e-3  # 1 lbf in kN
FT_M = 0.3048
# BCBC 2018 Table C-3, Nanaimo (site class C, 2% in 50 years)
NANAIMO = {
    "Sa_0_2": 1.02,
    "Sa_0_5": 0.942,
    "Sa_1_0": 0.542,
    "Sa_2_0": 0.328,
    "Sa_5_0": 0.104,
    "Sa_10_0": 0.037,
    "PGA": 0.446,
}


def run(**fields) -> SeismicBaseShearOutput:
    return get_tool("seismic_base_shear").run({**NANAIMO, **fields})


def storeys(count: int, storey_m: float, weight_kN: float) -> list[dict]:
    return [{"name": f"L{i + 1}", "height_m": storey_m * (i + 1), "weight_kN": weight_kN} for i in range(count)]


RACK_LEVELS = [  # three pallets per beam level: 1250, 750 and 500 lb pallets at 4, 8.5 and 13 ft
    {"name": "beam 1", "height_m": 4 * FT_M, "weight_kN": 3 * 1250 * LB_KN},
    {"name": "beam 2", "height_m": 8.5 * FT_M, "weight_kN": 3 * 750 * LB_KN},
    {"name": "beam 3", "height_m": 13 * FT_M, "weight_kN": 3 * 500 * LB_KN},
]


def test_nanaimo_pallet_rack_by_hand() -> None:
    out = run(levels=RACK_LEVELS, structure_type="braced_frame", Rd=1.5, Ro=1.3)
    # W = 3 x (1250 + 750 + 500) lb = 7500 lb x 4.4482216 N/lb = 33.361662 kN
    assert out.W_kN == pytest.approx(33.361662, rel=1e-9)
    # hn = 13 ft = 3.9624 m; Ta = 0.025 hn = 0.09906 s <= 0.2 s, so S(Ta) = max(1.02, 0.942) = 1.02
    assert out.hn_m == pytest.approx(3.9624)
    assert out.Ta_s == pytest.approx(0.09906) and out.period_source == "empirical"
    assert out.S_Ta_g == pytest.approx(1.02)
    assert out.Mv == 1.0 and out.IE == 1.0
    # Sa(0.2)/PGA = 2.287 >= 2.0: PGAref = PGA
    assert out.PGA_ref_g == pytest.approx(0.446)
    assert out.Sa_0_2_over_Sa_5_0 == pytest.approx(1.02 / 0.104)
    # V = 1.02 x 33.361662 / (1.5 x 1.3) = 34.028895 / 1.95 = 17.450716 kN
    assert out.V_formula_kN == pytest.approx(17.450716, rel=1e-6)
    # lower bound (braced frame): S(2.0) W / 1.95 = 0.328 x 33.361662 / 1.95 = 5.611603 kN
    assert out.V_min_kN == pytest.approx(5.611603, rel=1e-6)
    # Rd = 1.5: cap max(2/3 x 1.02, 0.942) = max(0.68, 0.942) = 0.942 -> 0.942 x 33.361662 / 1.95 = 16.116249 kN
    assert out.V_max_kN == pytest.approx(16.116249, rel=1e-6)
    assert out.V_kN == pytest.approx(16.116249, rel=1e-6) and out.governing == "upper bound"
    # Ta <= 0.7 s: Ft = 0; sum Wh = 3750 x 4 + 2250 x 8.5 + 1500 x 13 = 53625 lb ft
    assert out.Ft_kN == 0.0
    fx = [level.Fx_kN for level in out.levels]
    v = 0.942 * 33.361662 / 1.95
    assert fx == pytest.approx([v * 15000 / 53625, v * 19125 / 53625, v * 19500 / 53625], rel=1e-9)
    assert fx == pytest.approx([4.508042, 5.747753, 5.860454], rel=1e-6)
    assert [level.storey_shear_kN for level in out.levels] == pytest.approx([v, v - fx[0], fx[2]])
    # top-level moment 0; base moment = V x sum(W h^2)/sum(W h) = V x 476062.5/53625 ft = V x 2.705899 m
    assert out.levels[2].overturning_moment_kNm == 0.0
    assert out.levels[0].overturning_moment_kNm == pytest.approx(fx[1] * 4.5 * FT_M + fx[2] * 9 * FT_M)
    assert out.base_overturning_moment_kNm == pytest.approx(v * 476062.5 / 53625 * FT_M, rel=1e-9)
    assert out.base_overturning_moment_kNm == pytest.approx(43.6089, rel=1e-5)
    assert [p.S_g for p in out.spectrum] == pytest.approx([1.02, 0.942, 0.542, 0.328, 0.104, 0.037])
    clauses = {s.clause for s in out.steps}
    assert {"4.1.8.4.(9)", "4.1.8.11.(3)(b)", "4.1.8.11.(2)", "4.1.8.11.(2)(b)", "4.1.8.11.(2)(c)"} <= clauses
    assert out.warnings == []
    # the Python function gives the same result as the registered tool
    assert (
        compute_base_shear(
            SeismicBaseShearInput(**NANAIMO, levels=RACK_LEVELS, structure_type="braced_frame", Rd=1.5, Ro=1.3)
        )
        == out
    )


def test_rd_below_1_5_has_no_cap() -> None:
    out = run(levels=RACK_LEVELS, structure_type="braced_frame", Rd=1.3, Ro=1.0)
    assert out.V_max_kN is None and out.governing == "formula"
    assert out.V_kN == pytest.approx(1.02 * 33.361662 / 1.3, rel=1e-9)


def test_long_period_moment_frame_lower_bound_and_ft() -> None:
    # 25 storeys x 4 m = 100 m, 1000 kN each: Ta = 0.085 x 100^0.75 = 0.085 x 31.6228 = 2.68794 s
    out = run(
        levels=storeys(25, 4.0, 1000.0), structure_type="steel_moment_frame", higher_mode_factor=1.2, Rd=5, Ro=1.5
    )
    assert out.Ta_s == pytest.approx(2.687936, rel=1e-6)
    # S(2.688) = 0.328 - (0.328 - 0.104) x 0.68794 / 3 = 0.276634 g
    assert out.S_Ta_g == pytest.approx(0.276634, rel=1e-5)
    assert out.V_formula_kN == pytest.approx(0.276634 * 1.2 * 25000 / 7.5, rel=1e-5)
    # lower bound S(2.0) Mv IE W / (Rd Ro) = 0.328 x 1.2 x 25000 / 7.5 = 1312 kN governs
    assert out.V_min_kN == pytest.approx(1312.0) and out.V_kN == pytest.approx(1312.0)
    assert out.governing == "lower bound"
    # Ft = 0.07 x 2.68794 x 1312 = 246.86 kN < 0.25 V = 328 kN
    assert out.Ft_kN == pytest.approx(0.07 * 2.687936 * 1312.0, rel=1e-6)
    # top level: Wx hx / sum Wi hi = 1000 x 100 / (1000 x 4 x (1 + 2 + ... + 25)) = 25 / 325
    assert out.levels[-1].Fx_kN == pytest.approx((1312.0 - out.Ft_kN) * 25 / sum(range(1, 26)) + out.Ft_kN)
    assert sum(level.Fx_kN for level in out.levels) == pytest.approx(1312.0)


def test_ft_capped_at_a_quarter_of_v() -> None:
    # given T = 4.0 s <= 1.5 x 2.68794 = 4.03 s: 0.07 x 4.0 = 0.28 > 0.25, so Ft = 0.25 V
    out = run(
        levels=storeys(25, 4.0, 1000.0),
        structure_type="steel_moment_frame",
        period_s=4.0,
        higher_mode_factor=1.2,
        Rd=5,
        Ro=1.5,
    )
    assert out.Ta_s == 4.0 and out.period_source == "given"
    assert out.S_Ta_g == pytest.approx(0.328 - 0.224 * 2 / 3)
    assert out.V_kN == pytest.approx(1312.0) and out.Ft_kN == pytest.approx(328.0)


def test_moment_frame_needs_mv_above_one_second() -> None:
    with pytest.raises(ToolInputError) as err:
        run(levels=storeys(25, 4.0, 1000.0), structure_type="steel_moment_frame", Rd=5, Ro=1.5)
    assert err.value.field == "higher_mode_factor" and "Table 4.1.8.11" in err.value.problem


def test_given_period_capped_at_twice_empirical_for_braced_frame() -> None:
    # hn = 20 m: Ta = 0.025 x 20 = 0.5 s; given 1.5 s > 2 x 0.5 s, so Ta = 1.0 s and S = F(1.0)Sa(1.0) = 0.542
    out = run(levels=storeys(4, 5.0, 100.0), structure_type="braced_frame", period_s=1.5, Rd=4, Ro=1.3)
    assert out.Ta_empirical_s == pytest.approx(0.5) and out.Ta_s == pytest.approx(1.0)
    assert out.period_source == "given, capped at 2.0 x empirical" and out.warnings
    assert out.S_Ta_g == pytest.approx(0.542) and out.Mv == 1.0
    # V = 0.542 x 400 / 5.2 = 41.6923 kN (formula governs: V_min = 25.2308, V_max = 72.4615)
    assert out.V_kN == pytest.approx(41.692308, rel=1e-6) and out.governing == "formula"
    assert out.V_min_kN == pytest.approx(0.328 * 400 / 5.2) and out.V_max_kN == pytest.approx(0.942 * 400 / 5.2)
    # Ta = 1.0 s > 0.7 s: Ft = 0.07 x 1.0 x V; top: (V - Ft) x 100 x 20 / 5000 + Ft
    ft = 0.07 * 41.692308
    assert out.Ft_kN == pytest.approx(ft, rel=1e-6)
    assert out.levels[-1].Fx_kN == pytest.approx((41.692308 - ft) * 0.4 + ft, rel=1e-6)


def test_given_period_capped_at_1_5_times_for_moment_frame() -> None:
    # concrete moment frame hn = 10 m: Ta = 0.075 x 10^0.75 = 0.421756 s; cap 1.5 x = 0.632634 s
    out = run(levels=storeys(2, 5.0, 100.0), structure_type="concrete_moment_frame", period_s=0.9, Rd=4, Ro=1.7)
    assert out.Ta_empirical_s == pytest.approx(0.075 * 10**0.75)
    assert out.Ta_s == pytest.approx(1.5 * 0.075 * 10**0.75)


@pytest.mark.parametrize(("period_s", "expected_s_g"), [(0.35, (1.02 + 0.942) / 2), (1.5, (0.542 + 0.328) / 2)])
def test_spectrum_interpolation(period_s: float, expected_s_g: float) -> None:
    # braced frame, hn = 40 m: empirical Ta = 1.0 s, so both given periods are used as given
    out = run(
        levels=storeys(4, 10.0, 100.0),
        structure_type="braced_frame",
        period_s=period_s,
        higher_mode_factor=1.0,
        Rd=4,
        Ro=1.3,
    )
    assert out.Ta_s == period_s and out.period_source == "given"
    assert out.S_Ta_g == pytest.approx(expected_s_g)


def test_shear_wall_lower_bound_uses_s_at_4_seconds() -> None:
    # hn = 100 m: Ta = 0.05 x 100^0.75 = 1.58114 s; S(4.0) = 0.328 - 0.224 x 2/3 = 0.178667
    out = run(levels=storeys(25, 4.0, 1000.0), structure_type="shear_wall", higher_mode_factor=1.5, Rd=3.5, Ro=1.6)
    assert out.Ta_s == pytest.approx(0.05 * 100**0.75)
    assert out.V_min_kN == pytest.approx((0.328 - 0.224 * 2 / 3) * 1.5 * 25000 / 5.6)
    assert any(s.clause == "4.1.8.11.(2)(a)" for s in out.steps)
    assert out.governing == "formula"


def test_other_moment_frame_uses_storey_count() -> None:
    out = run(levels=storeys(3, 3.0, 50.0), structure_type="other_moment_frame", storeys_above_grade=3, Rd=1.5, Ro=1.3)
    assert out.Ta_s == pytest.approx(0.3)
    with pytest.raises(ToolInputError) as err:
        run(levels=storeys(3, 3.0, 50.0), structure_type="other_moment_frame", Rd=1.5, Ro=1.3)
    assert err.value.field == "storeys_above_grade"


def test_importance_category_and_factor() -> None:
    base = run(levels=RACK_LEVELS, structure_type="braced_frame", Rd=1.5, Ro=1.3)
    post = run(levels=RACK_LEVELS, structure_type="braced_frame", Rd=1.5, Ro=1.3, importance_category="post-disaster")
    assert post.IE == 1.5 and post.V_kN == pytest.approx(1.5 * base.V_kN)
    assert (
        run(
            levels=RACK_LEVELS,
            structure_type="braced_frame",
            Rd=1.5,
            Ro=1.3,
            importance_factor=1.3,
            importance_category="high",
        ).IE
        == 1.3
    )
    with pytest.raises(ToolInputError) as err:
        run(
            levels=RACK_LEVELS,
            structure_type="braced_frame",
            Rd=1.5,
            Ro=1.3,
            importance_factor=1.0,
            importance_category="high",
        )
    assert err.value.field == "importance_factor"


def test_site_class_d_with_given_coefficients() -> None:
    # made-up coefficients (not table values) chosen so that F(0.5)Sa(0.5) governs S(0.2)
    coeffs = {"F_0_2": 0.9, "F_0_5": 1.14, "F_1_0": 1.25, "F_2_0": 1.3, "F_5_0": 1.35, "F_10_0": 1.4}
    out = run(
        levels=RACK_LEVELS, structure_type="braced_frame", Rd=1.5, Ro=1.3, site_class="D", site_coefficients=coeffs
    )
    assert out.spectrum[0].S_g == pytest.approx(max(0.9 * 1.02, 1.14 * 0.942))  # 1.07388
    assert out.S_Ta_g == pytest.approx(1.07388)
    assert [p.S_g for p in out.spectrum[1:]] == pytest.approx(
        [1.14 * 0.942, 1.25 * 0.542, 1.3 * 0.328, 1.35 * 0.104, 1.4 * 0.037]
    )
    assert out.site_coefficients == coeffs


def test_pga_ref_is_reduced_when_sa_over_pga_is_low() -> None:
    out = run(levels=RACK_LEVELS, structure_type="braced_frame", Rd=1.5, Ro=1.3, PGA=0.6)  # 1.02/0.6 = 1.7 < 2
    assert out.PGA_ref_g == pytest.approx(0.48)


def test_rising_spectrum_is_flagged() -> None:
    out = run(levels=RACK_LEVELS, structure_type="braced_frame", Rd=1.5, Ro=1.3, Sa_1_0=1.0)
    assert any("Sa(1.0)" in w for w in out.warnings)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"site_class": "D"}, "site_coefficients"),
        (
            {"site_coefficients": {"F_0_2": 1.2, "F_0_5": 1, "F_1_0": 1, "F_2_0": 1, "F_5_0": 1, "F_10_0": 1}},
            "site_coefficients",
        ),
        ({"site_class": "F"}, "site_class"),
        ({"structure_type": "timber_frame"}, "structure_type"),
        ({"Rd": 0}, "Rd"),
        ({"Ro": -1.3}, "Ro"),
        ({"Sa_0_2": -0.1}, "Sa_0_2"),
        ({"Sa_0_5": math.nan}, "Sa_0_5"),
        ({"period_s": 0}, "period_s"),
        ({"levels": []}, "levels"),
        ({"levels": [{"name": "a", "height_m": 0, "weight_kN": 1}]}, "levels.0.height_m"),
        ({"levels": [{"name": "a", "height_m": 1, "weight_kN": -1}]}, "levels.0.weight_kN"),
        ({"levels": [{"name": "a", "height_m": 1, "weight_kN": 0}]}, "levels"),
        (
            {"levels": [{"name": "a", "height_m": 2, "weight_kN": 1}, {"name": "b", "height_m": 2, "weight_kN": 1}]},
            "levels.1.height_m",
        ),
        ({"Cs": 0.1}, "Cs"),
    ],
)
def test_bad_input(fields: dict, field: str) -> None:
    payload = {"levels": RACK_LEVELS, "structure_type": "braced_frame", "Rd": 1.5, "Ro": 1.3, **fields}
    with pytest.raises(ToolInputError) as err:
        run(**payload)
    assert err.value.field == field


def test_missing_rd_is_named() -> None:
    with pytest.raises(ToolInputError) as err:
        get_tool("seismic_base_shear").run(
            {**NANAIMO, "levels": RACK_LEVELS, "structure_type": "braced_frame", "Ro": 1.3}
        )
    assert err.value.field == "Rd"


@st.composite
def level_sets(draw) -> list[dict]:
    heights = draw(st.lists(st.floats(0.5, 60.0), min_size=1, max_size=8, unique=True))
    weights = draw(st.lists(st.floats(0.0, 1000.0), min_size=len(heights), max_size=len(heights)))
    if sum(weights) <= 0:
        weights[0] = 1.0
    return [
        {"name": f"L{i}", "height_m": h, "weight_kN": w} for i, (h, w) in enumerate(zip(heights, weights, strict=True))
    ]


@settings(max_examples=60, deadline=None)
@given(
    levels=level_sets(),
    structure_type=st.sampled_from(["steel_moment_frame", "concrete_moment_frame", "braced_frame", "shear_wall"]),
    rd=st.sampled_from([1.0, 1.5, 2.0, 4.0]),
    scale=st.floats(0.05, 2.0),
)
def test_level_forces_sum_to_v(levels: list[dict], structure_type: str, rd: float, scale: float) -> None:
    fields = {key: value * scale for key, value in NANAIMO.items()}
    out = get_tool("seismic_base_shear").run(
        {**fields, "levels": levels, "structure_type": structure_type, "higher_mode_factor": 1.0, "Rd": rd, "Ro": 1.3}
    )
    assert sum(level.Fx_kN for level in out.levels) == pytest.approx(out.V_kN, rel=1e-9)
    assert out.levels[0].storey_shear_kN == pytest.approx(out.V_kN, rel=1e-9)
    assert all(level.Fx_kN >= 0 for level in out.levels)
    assert 0 <= out.Ft_kN <= 0.25 * out.V_kN * (1 + 1e-12)
    if out.V_max_kN is None:
        assert out.V_kN == max(out.V_formula_kN, out.V_min_kN)
    else:
        assert out.V_kN <= out.V_max_kN
