"""`seismic_base_shear`: the NBC 2015 (BCBC 2018) equivalent static force procedure, Article 4.1.8.11.

From the site's 5%-damped spectral accelerations (NBC Table C-3 values for reference site class C, e.g. from the
`seismic_hazard` tool) and the seismic weight at each level, the tool builds the design spectrum S(T)
(4.1.8.4.(9)), the fundamental period Ta (4.1.8.11.(3)), the lateral earthquake force V at the base with its lower
and upper bounds (4.1.8.11.(2)) and its distribution over the height, Ft at the top plus Fx at each level
(4.1.8.11.(7)). Whether the equivalent static procedure is permitted for the structure (4.1.8.7) is the caller's
call; the tool does not check it.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..registry import ToolInput, ToolInputError, ToolOutput, register_tool

__all__ = [
    "CalculationStep",
    "LevelForce",
    "SeismicBaseShearInput",
    "SeismicBaseShearOutput",
    "SeismicLevel",
    "SiteCoefficients",
    "SpectrumPoint",
    "compute_base_shear",
    "design_spectrum",
]

SPECTRUM_PERIODS_S = (0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
StructureType = Literal[
    "steel_moment_frame", "concrete_moment_frame", "other_moment_frame", "braced_frame", "shear_wall"
]
MOMENT_FRAMES = ("steel_moment_frame", "concrete_moment_frame", "other_moment_frame")
# Importance factor IE for the ultimate limit state, NBC 2015 Table 4.1.8.5.
IMPORTANCE_FACTORS_ULS = {"low": 0.8, "normal": 1.0, "high": 1.3, "post-disaster": 1.5}


class SiteCoefficients(ToolInput):
    """Site coefficients F(T) of NBC 2015 Tables 4.1.8.4.-B to -G for the site class and PGAref (4.1.8.4.(4))."""

    F_0_2: float = Field(gt=0, allow_inf_nan=False, description="F(0.2), Table 4.1.8.4.-B")
    F_0_5: float = Field(gt=0, allow_inf_nan=False, description="F(0.5), Table 4.1.8.4.-C")
    F_1_0: float = Field(gt=0, allow_inf_nan=False, description="F(1.0), Table 4.1.8.4.-D")
    F_2_0: float = Field(gt=0, allow_inf_nan=False, description="F(2.0), Table 4.1.8.4.-E")
    F_5_0: float = Field(gt=0, allow_inf_nan=False, description="F(5.0), Table 4.1.8.4.-F")
    F_10_0: float = Field(gt=0, allow_inf_nan=False, description="F(10.0), Table 4.1.8.4.-G")


class SeismicLevel(ToolInput):
    """One level of the structure: where its seismic weight sits and how much it is."""

    name: str = Field(min_length=1, max_length=60, description="level name, e.g. 'roof' or 'beam level 2'")
    height_m: float = Field(gt=0, allow_inf_nan=False, description="height hx of the level above the base, m")
    weight_kN: float = Field(ge=0, allow_inf_nan=False, description="seismic weight Wx lumped at the level, kN")


class SeismicBaseShearInput(ToolInput):
    """A structure for the NBC 2015 / BCBC 2018 equivalent static force procedure (Article 4.1.8.11), SI units.

    Spectral values are the 2%-in-50-years values of Table C-3 (site class C), in g. Importance: give either
    importance_factor or importance_category (neither means IE = 1.0, normal importance).
    """

    Sa_0_2: float = Field(ge=0, allow_inf_nan=False, description="spectral acceleration Sa(0.2), g")
    Sa_0_5: float = Field(ge=0, allow_inf_nan=False, description="spectral acceleration Sa(0.5), g")
    Sa_1_0: float = Field(ge=0, allow_inf_nan=False, description="spectral acceleration Sa(1.0), g")
    Sa_2_0: float = Field(ge=0, allow_inf_nan=False, description="spectral acceleration Sa(2.0), g")
    Sa_5_0: float = Field(ge=0, allow_inf_nan=False, description="spectral acceleration Sa(5.0), g")
    Sa_10_0: float = Field(ge=0, allow_inf_nan=False, description="spectral acceleration Sa(10.0), g")
    PGA: float = Field(ge=0, allow_inf_nan=False, description="peak ground acceleration, g (gives PGAref)")
    site_class: Literal["A", "B", "C", "D", "E"] = Field(
        default="C",
        description="site class of Table 4.1.8.4.-A; class F needs a site-specific evaluation and is not handled",
    )
    site_coefficients: SiteCoefficients | None = Field(
        default=None,
        description="F(T) from Tables 4.1.8.4.-B to -G at the reported PGAref; required for site classes A, B, D, E "
        "(class C, the reference class, has F(T) = 1.0)",
    )
    levels: list[SeismicLevel] = Field(
        min_length=1, max_length=200, description="the levels with their seismic weight; the highest one gives hn"
    )
    structure_type: StructureType = Field(
        description="seismic force resisting system, for the empirical period of 4.1.8.11.(3): steel_moment_frame "
        "0.085 hn^0.75, concrete_moment_frame 0.075 hn^0.75, other_moment_frame 0.1 N, braced_frame 0.025 hn, "
        "shear_wall 0.05 hn^0.75 (walls, coupled walls, wall-frame systems and other structures)"
    )
    storeys_above_grade: int | None = Field(
        default=None, ge=1, le=200, description="N, storeys above exterior grade; required for other_moment_frame"
    )
    period_s: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="fundamental period from a dynamic analysis, s; capped at 1.5x the empirical period for "
        "moment frames and 2.0x for braced frames and shear walls (4.1.8.11.(3)(d)); omit to use the empirical one",
    )
    higher_mode_factor: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="Mv of Table 4.1.8.11; taken as 1.0 when Ta <= 1.0 s, required when Ta > 1.0 s",
    )
    importance_factor: float | None = Field(
        default=None, gt=0, allow_inf_nan=False, description="earthquake importance factor IE (ULS), default 1.0"
    )
    importance_category: Literal["low", "normal", "high", "post-disaster"] | None = Field(
        default=None, description="importance category; gives IE = 0.8 / 1.0 / 1.3 / 1.5 (Table 4.1.8.5, ULS)"
    )
    Rd: float = Field(gt=0, allow_inf_nan=False, description="ductility-related force modification factor Rd")
    Ro: float = Field(gt=0, allow_inf_nan=False, description="overstrength-related force modification factor Ro")


class SpectrumPoint(ToolOutput):
    period_s: float = Field(description="period T, s")
    S_g: float = Field(description="design spectral acceleration S(T), g")


class CalculationStep(ToolOutput):
    step: str = Field(description="what is computed")
    clause: str = Field(description="NBC 2015 Division B clause or table")
    formula: str = Field(description="the formula with the numbers put in")
    value: float = Field(description="the result")
    unit: str = Field(description="unit of the result")


class LevelForce(ToolOutput):
    name: str
    height_m: float = Field(description="height hx above the base, m")
    weight_kN: float = Field(description="seismic weight Wx, kN")
    Fx_kN: float = Field(description="lateral force at the level, Ft included at the top level, kN")
    storey_shear_kN: float = Field(description="shear in the storey just below the level: sum of Fi above it, kN")
    overturning_moment_kNm: float = Field(
        description="overturning moment at the level, sum of Fi (hi - hx) over the levels above, J = 1.0, kN m"
    )


class SeismicBaseShearOutput(ToolOutput):
    site_class: str
    site_coefficients: dict[str, float] = Field(description="F(T) used, keyed F_0_2 … F_10_0")
    PGA_ref_g: float = Field(description="PGAref of 4.1.8.4.(4), for looking up the site coefficients, g")
    Sa_0_2_over_Sa_5_0: float | None = Field(description="the ratio that indexes Table 4.1.8.11 (None if Sa(5.0) = 0)")
    spectrum: list[SpectrumPoint] = Field(description="S(T) at 0.2, 0.5, 1.0, 2.0, 5.0 and 10.0 s, 4.1.8.4.(9)")
    hn_m: float = Field(description="height of the highest level above the base, m")
    Ta_empirical_s: float = Field(description="empirical period of 4.1.8.11.(3)(a)-(c), s")
    Ta_s: float = Field(description="fundamental period used, s")
    period_source: str = Field(description="'empirical', 'given' or 'given, capped at k x empirical'")
    S_Ta_g: float = Field(description="S(Ta), g")
    Mv: float = Field(description="higher mode factor used")
    IE: float = Field(description="importance factor used")
    W_kN: float = Field(description="seismic weight W = sum of Wx, kN")
    Rd: float
    Ro: float
    V_formula_kN: float = Field(description="S(Ta) Mv IE W / (Rd Ro), kN")
    V_min_kN: float = Field(description="lower bound of 4.1.8.11.(2)(a) or (b), kN")
    V_max_kN: float | None = Field(description="cap of 4.1.8.11.(2)(c), kN; None when Rd < 1.5 (no cap)")
    V_kN: float = Field(description="design base shear V, kN")
    governing: Literal["formula", "lower bound", "upper bound"] = Field(description="which value set V")
    Ft_kN: float = Field(description="concentrated force at the top, 4.1.8.11.(7), kN")
    levels: list[LevelForce] = Field(description="forces per level, lowest level first")
    base_overturning_moment_kNm: float = Field(description="sum of Fx hx, with J = 1.0, kN m")
    steps: list[CalculationStep]
    warnings: list[str]


def design_spectrum(sa: tuple[float, ...], f: tuple[float, ...]) -> list[tuple[float, float]]:
    """The points (T, S(T)) of NBC 2015 4.1.8.4.(9) for Sa and F at 0.2, 0.5, 1.0, 2.0, 5.0 and 10.0 s.

    S(T) at T <= 0.2 s is the larger of F(0.2)Sa(0.2) and F(0.5)Sa(0.5); between the points S is interpolated
    linearly, and it is constant beyond 10 s.
    """
    products = [fi * si for fi, si in zip(f, sa, strict=True)]
    products[0] = max(products[0], products[1])
    return list(zip(SPECTRUM_PERIODS_S, products, strict=True))


def _spectrum_at(points: list[tuple[float, float]], period_s: float) -> float:
    periods, values = zip(*points, strict=True)
    return float(np.interp(period_s, periods, values))


def _site_coefficients(inp: SeismicBaseShearInput) -> tuple[float, ...]:
    if inp.site_class == "C":
        if inp.site_coefficients is not None and any(v != 1.0 for v in inp.site_coefficients.model_dump().values()):
            raise ToolInputError(
                "site_coefficients",
                "site class C is the reference class, for which every F(T) is 1.0 (Tables 4.1.8.4.-B to -G); "
                "omit site_coefficients or give the site class they belong to",
            )
        return (1.0,) * 6
    if inp.site_coefficients is None:
        raise ToolInputError(
            "site_coefficients",
            f"site class {inp.site_class} needs the site coefficients F_0_2 … F_10_0 of NBC 2015 Tables 4.1.8.4.-B "
            "to -G at the site's PGAref (see PGA_ref_g: 0.8 PGA when Sa(0.2)/PGA < 2.0, else PGA); this tool does "
            "not ship those tables",
        )
    c = inp.site_coefficients
    return (c.F_0_2, c.F_0_5, c.F_1_0, c.F_2_0, c.F_5_0, c.F_10_0)


def _empirical_period(inp: SeismicBaseShearInput, hn_m: float) -> tuple[float, str, str]:
    """Ta of 4.1.8.11.(3)(a)-(c): (period, clause, formula)."""
    kind = inp.structure_type
    if kind == "steel_moment_frame":
        return 0.085 * hn_m**0.75, "4.1.8.11.(3)(a)(i)", f"0.085 x {hn_m:.6g}^0.75"
    if kind == "concrete_moment_frame":
        return 0.075 * hn_m**0.75, "4.1.8.11.(3)(a)(ii)", f"0.075 x {hn_m:.6g}^0.75"
    if kind == "other_moment_frame":
        if inp.storeys_above_grade is None:
            raise ToolInputError(
                "storeys_above_grade", "other_moment_frame needs N, the number of storeys above exterior grade"
            )
        n = inp.storeys_above_grade
        return 0.1 * n, "4.1.8.11.(3)(a)(iii)", f"0.1 x {n}"
    if kind == "braced_frame":
        return 0.025 * hn_m, "4.1.8.11.(3)(b)", f"0.025 x {hn_m:.6g}"
    return 0.05 * hn_m**0.75, "4.1.8.11.(3)(c)", f"0.05 x {hn_m:.6g}^0.75"


def _importance_factor(inp: SeismicBaseShearInput) -> float:
    from_category = IMPORTANCE_FACTORS_ULS[inp.importance_category] if inp.importance_category else None
    if inp.importance_factor is not None and from_category is not None and inp.importance_factor != from_category:
        raise ToolInputError(
            "importance_factor",
            f"IE = {inp.importance_factor} contradicts importance_category {inp.importance_category!r} "
            f"(IE = {from_category}, Table 4.1.8.5); give one of the two",
        )
    if inp.importance_factor is not None:
        return inp.importance_factor
    return from_category if from_category is not None else 1.0


def _check_levels(levels: list[SeismicLevel]) -> None:
    seen: dict[float, int] = {}
    for i, level in enumerate(levels):
        if level.height_m in seen:
            raise ToolInputError(
                f"levels.{i}.height_m",
                f"height {level.height_m} m repeats level {seen[level.height_m]}; each level needs its own height "
                "(lump the weights of one level together)",
            )
        seen[level.height_m] = i
    if sum(level.weight_kN for level in levels) <= 0:
        raise ToolInputError("levels", "the seismic weight W = sum of weight_kN must be > 0")


@register_tool("seismic_base_shear")
def compute_base_shear(inp: SeismicBaseShearInput) -> SeismicBaseShearOutput:
    """Seismic base shear V and its distribution over height, NBC 2015 / BCBC 2018 equivalent static procedure.

    Steps, each reported with its clause (NBC 2015 Division B; BCBC 2018 has the same numbering):
    design spectrum S(T) from F(T) Sa(T) (4.1.8.4.(9), linear interpolation, S = max(F(0.2)Sa(0.2), F(0.5)Sa(0.5))
    for T <= 0.2 s, constant beyond 10 s); empirical period Ta (4.1.8.11.(3)(a)-(c), hn = highest level) or a given
    period capped at 1.5x (moment frames) or 2.0x (braced frames, shear walls) the empirical one (4.1.8.11.(3)(d));
    V = S(Ta) Mv IE W / (Rd Ro) (4.1.8.11.(2)), not less than S(4.0) Mv IE W / (Rd Ro) for shear walls or
    S(2.0) Mv IE W / (Rd Ro) for frames and other systems ((2)(a),(b)), and, when Rd >= 1.5, not more than
    max(2/3 S(0.2), S(0.5)) IE W / (Rd Ro) ((2)(c)); the same Mv is used in V and in its lower bound. Ft = 0 for
    Ta <= 0.7 s, else 0.07 Ta V <= 0.25 V, at the top level; Fx = (V - Ft) Wx hx / sum(Wi hi) (4.1.8.11.(7)).
    Overturning moments are the static sums of Fi (hi - hx) with J = 1.0 (the overturning reduction J of Table
    4.1.8.11 is not taken).

    Site coefficients: class C has F(T) = 1.0; for classes A, B, D and E the caller gives F(T) from Tables
    4.1.8.4.-B to -G at PGAref (reported), which this tool does not carry. Mv: taken as 1.0 when Ta <= 1.0 s unless
    given; above 1.0 s the caller gives Mv from Table 4.1.8.11 (indexed by the reported Sa(0.2)/Sa(5.0)), which
    this tool does not carry either. A spectrum whose Sa values rise with period is allowed but flagged in
    `warnings` (Table C-3 values fall with period), as is a capped period or an Mv other than 1.0 at Ta <= 1.0 s.
    """
    sa = (inp.Sa_0_2, inp.Sa_0_5, inp.Sa_1_0, inp.Sa_2_0, inp.Sa_5_0, inp.Sa_10_0)
    f = _site_coefficients(inp)
    _check_levels(inp.levels)
    warnings: list[str] = []
    steps: list[CalculationStep] = []

    def step(name: str, clause: str, formula: str, value: float, unit: str) -> float:
        steps.append(CalculationStep(step=name, clause=clause, formula=formula, value=value, unit=unit))
        return value

    for t_lo, t_hi, s_lo, s_hi in zip(SPECTRUM_PERIODS_S, SPECTRUM_PERIODS_S[1:], sa, sa[1:], strict=False):
        if s_hi > s_lo:
            warnings.append(
                f"Sa({t_hi}) = {s_hi} exceeds Sa({t_lo}) = {s_lo}: spectral values normally fall with period; "
                "check the input"
            )

    if inp.PGA > 0 and inp.Sa_0_2 / inp.PGA < 2.0:
        pga_ref, pga_formula = 0.8 * inp.PGA, f"Sa(0.2)/PGA = {inp.Sa_0_2 / inp.PGA:.4g} < 2.0: 0.8 x {inp.PGA:g}"
    else:
        ratio = f"{inp.Sa_0_2 / inp.PGA:.4g}" if inp.PGA > 0 else "undefined (PGA = 0)"
        pga_ref, pga_formula = inp.PGA, f"Sa(0.2)/PGA = {ratio}, not < 2.0: PGA"
    step("PGAref (for the site coefficient tables)", "4.1.8.4.(4)", pga_formula, pga_ref, "g")
    points = design_spectrum(sa, f)
    step(
        "S(0.2)",
        "4.1.8.4.(9)",
        f"max(F(0.2) Sa(0.2), F(0.5) Sa(0.5)) = max({f[0]:g} x {sa[0]:g}, {f[1]:g} x {sa[1]:g})",
        points[0][1],
        "g",
    )

    hn = max(level.height_m for level in inp.levels)
    ta_emp, ta_clause, ta_formula = _empirical_period(inp, hn)
    step("empirical fundamental period Ta", ta_clause, ta_formula, ta_emp, "s")
    period_source = "empirical"
    ta = ta_emp
    if inp.period_s is not None:
        cap_factor = 1.5 if inp.structure_type in MOMENT_FRAMES else 2.0
        cap_clause = {"braced_frame": "4.1.8.11.(3)(d)(ii)", "shear_wall": "4.1.8.11.(3)(d)(iii)"}.get(
            inp.structure_type, "4.1.8.11.(3)(d)(i)"
        )
        ta = min(inp.period_s, cap_factor * ta_emp)
        period_source = "given" if ta == inp.period_s else f"given, capped at {cap_factor} x empirical"
        if ta != inp.period_s:
            warnings.append(
                f"period_s = {inp.period_s} s exceeds {cap_factor} x the empirical {ta_emp:.4g} s; "
                f"Ta = {ta:.4g} s is used for the forces (the uncapped period may be used for deflections)"
            )
        step(
            "fundamental period Ta from analysis, capped",
            cap_clause,
            f"min({inp.period_s:g}, {cap_factor} x {ta_emp:.4g})",
            ta,
            "s",
        )

    s_ta = step("S(Ta)", "4.1.8.4.(9)", f"S({ta:.4g}) by linear interpolation", _spectrum_at(points, ta), "g")

    if inp.higher_mode_factor is not None:
        mv = inp.higher_mode_factor
        if ta <= 1.0 and mv != 1.0:
            warnings.append(f"Mv = {mv} was given although Table 4.1.8.11 gives 1.0 for Ta <= 1.0 s; it is used")
        mv_formula = "given"
    elif ta <= 1.0:
        mv, mv_formula = 1.0, "Ta <= 1.0 s"
    else:
        ratio = f"Sa(0.2)/Sa(5.0) = {inp.Sa_0_2 / inp.Sa_5_0:.4g}" if inp.Sa_5_0 > 0 else "Sa(5.0) = 0"
        raise ToolInputError(
            "higher_mode_factor",
            f"Ta = {ta:.4g} s > 1.0 s: give Mv from NBC 2015 Table 4.1.8.11 for this system and {ratio}",
        )
    step("higher mode factor Mv", "Table 4.1.8.11", mv_formula, mv, "-")

    ie = _importance_factor(inp)
    step("importance factor IE", "Table 4.1.8.5", inp.importance_category or "given or default", ie, "-")
    w = sum(level.weight_kN for level in inp.levels)
    step("seismic weight W", "4.1.8.2 (definition of W)", "sum of Wx", w, "kN")
    rdro = inp.Rd * inp.Ro

    v_formula = step(
        "V = S(Ta) Mv IE W / (Rd Ro)",
        "4.1.8.11.(2)",
        f"{s_ta:.4g} x {mv:g} x {ie:g} x {w:.4g} / ({inp.Rd:g} x {inp.Ro:g})",
        s_ta * mv * ie * w / rdro,
        "kN",
    )
    t_min = 4.0 if inp.structure_type == "shear_wall" else 2.0
    s_tmin = _spectrum_at(points, t_min)
    v_min = step(
        f"lower bound S({t_min:.1f}) Mv IE W / (Rd Ro)",
        "4.1.8.11.(2)(a)" if t_min == 4.0 else "4.1.8.11.(2)(b)",
        f"{s_tmin:.4g} x {mv:g} x {ie:g} x {w:.4g} / {rdro:.4g}",
        s_tmin * mv * ie * w / rdro,
        "kN",
    )
    v_max: float | None = None
    if inp.Rd >= 1.5:
        s_cap = max(2.0 / 3.0 * points[0][1], points[1][1])
        v_max = step(
            "upper bound max(2/3 S(0.2), S(0.5)) IE W / (Rd Ro)",
            "4.1.8.11.(2)(c)",
            f"max(2/3 x {points[0][1]:.4g}, {points[1][1]:.4g}) x {ie:g} x {w:.4g} / {rdro:.4g}",
            s_cap * ie * w / rdro,
            "kN",
        )

    v, governing = v_formula, "formula"
    if v_min > v:
        v, governing = v_min, "lower bound"
    if v_max is not None and v_max < v:
        v, governing = v_max, "upper bound"
    step(f"design base shear V ({governing} governs)", "4.1.8.11.(2)", "V_formula within [V_min, V_max]", v, "kN")

    ft = 0.0 if ta <= 0.7 else min(0.07 * ta * v, 0.25 * v)
    step(
        "Ft at the top",
        "4.1.8.11.(7)",
        "0 for Ta <= 0.7 s" if ta <= 0.7 else f"min(0.07 x {ta:.4g} x {v:.4g}, 0.25 x {v:.4g})",
        ft,
        "kN",
    )

    ordered = sorted(inp.levels, key=lambda level: level.height_m)
    sum_wh = sum(level.weight_kN * level.height_m for level in ordered)
    fx = [(v - ft) * level.weight_kN * level.height_m / sum_wh for level in ordered]
    fx[-1] += ft
    level_forces = []
    for i, level in enumerate(ordered):
        above = range(i, len(ordered))
        level_forces.append(
            LevelForce(
                name=level.name,
                height_m=level.height_m,
                weight_kN=level.weight_kN,
                Fx_kN=fx[i],
                storey_shear_kN=sum(fx[j] for j in above),
                overturning_moment_kNm=sum(fx[j] * (ordered[j].height_m - level.height_m) for j in above),
            )
        )
    base_moment = sum(fx[j] * ordered[j].height_m for j in range(len(ordered)))

    return SeismicBaseShearOutput(
        site_class=inp.site_class,
        site_coefficients=dict(zip(("F_0_2", "F_0_5", "F_1_0", "F_2_0", "F_5_0", "F_10_0"), f, strict=True)),
        PGA_ref_g=pga_ref,
        Sa_0_2_over_Sa_5_0=inp.Sa_0_2 / inp.Sa_5_0 if inp.Sa_5_0 > 0 else None,
        spectrum=[SpectrumPoint(period_s=t, S_g=s) for t, s in points],
        hn_m=hn,
        Ta_empirical_s=ta_emp,
        Ta_s=ta,
        period_source=period_source,
        S_Ta_g=s_ta,
        Mv=mv,
        IE=ie,
        W_kN=w,
        Rd=inp.Rd,
        Ro=inp.Ro,
        V_formula_kN=v_formula,
        V_min_kN=v_min,
        V_max_kN=v_max,
        V_kN=v,
        governing=governing,
        Ft_kN=ft,
        levels=level_forces,
        base_overturning_moment_kNm=base_moment,
        steps=steps,
        warnings=warnings,
    )
