"""`member_checks`: factored resistances and utilisations of steel members per CSA S16-14 (limit states design).

Each member carries its section numbers (A, least r, and S / Z / I about the axis of bending), material, effective
length and factored forces. The checks: tension (13.2), compression by flexural buckling (13.3.1), laterally supported
bending (13.5), axial compression + bending (13.8), axial tension + bending (13.9), slenderness limits (10.4.2).
Cold-formed members are computed the same way but flagged: CSA S136 governs them.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from ..registry import ToolInput, ToolInputError, ToolOutput, register_tool

__all__ = ["CheckResult", "Member", "MemberChecksInput", "MemberChecksOutput", "MemberResult", "member_checks"]

PHI = 0.90  # S16-14 13.1: structural steel
PHI_U = 0.75  # S16-14 13.1: ultimate (fracture) resistance
KL_R_COMPRESSION_LIMIT = 200.0  # S16-14 10.4.2.1
L_R_TENSION_LIMIT = 300.0  # S16-14 10.4.2 (may be waived where sag and vibration are otherwise controlled)
I_SHAPE_FACTOR = 0.85  # S16-14 13.8: class 1 and 2 I-shaped members


def _positive(description: str) -> float:
    return Field(gt=0, allow_inf_nan=False, description=description)


def _optional_positive(description: str) -> float | None:
    return Field(default=None, gt=0, allow_inf_nan=False, description=description)


def _force(description: str) -> float:
    return Field(default=0.0, ge=0, allow_inf_nan=False, description=description)


class Member(ToolInput):
    """One steel member: section numbers, material, effective length and factored (ULS) forces.

    Axial forces are magnitudes: give Cf_kN for compression or Tf_kN for tension, not both (check each load case as
    its own member entry, e.g. a brace in tension and in compression)."""

    name: str = Field(min_length=1, max_length=100, description="unique member name, e.g. 'C1' or 'brace, bay 2'")
    role: str = Field(default="member", min_length=1, max_length=50, description="column, brace, beam, ... (label)")
    A_mm2: float = _positive("gross cross-sectional area A, mm^2")
    r_mm: float = _positive("radius of gyration governing flexural buckling (the least one, usually r_y or r_min), mm")
    I_mm4: float | None = _optional_positive(
        "second moment of area about the axis of bending, mm^4; needed when Cf_kN and Mf_kNm are both > 0 (Ce)"
    )
    S_mm3: float | None = _optional_positive(
        "elastic section modulus about the axis of bending, mm^3; needed for bending of class 3 sections"
    )
    Z_mm3: float | None = _optional_positive(
        "plastic section modulus about the axis of bending, mm^3; needed for bending of class 1 or 2 sections"
    )
    section_class: Literal[1, 2, 3] | None = Field(
        default=None,
        description="S16 section class (Table 1/2) for the loading; omitted: class 3 is assumed (Mr = φ S Fy). "
        "Class 4 (slender) sections are outside this tool",
    )
    i_shaped: bool = Field(
        default=False,
        description="doubly symmetric hot-rolled or welded I-shape (W, WWF): with class 1 or 2 it earns the 0.85 "
        "factor on the bending term of 13.8",
    )
    Fy_MPa: float = _positive("specified minimum yield stress Fy, MPa (e.g. 345 for G40.21 350W, 350 for HSS)")
    Fu_MPa: float | None = _optional_positive(
        "tensile strength Fu, MPa; with net_area_mm2 enables net-section fracture"
    )
    net_area_mm2: float | None = _optional_positive(
        "effective net area Ane at the connection (holes and shear lag, S16 12.3), mm^2; with Fu_MPa"
    )
    E_MPa: float = Field(default=200_000.0, gt=0, allow_inf_nan=False, description="elastic modulus E, MPa")
    K: float = Field(default=1.0, gt=0, allow_inf_nan=False, description="effective length factor (1.0 pinned-pinned)")
    L_mm: float = _positive("unbraced length L, mm")
    compression_n: Literal[1.34, 2.24] = Field(
        default=1.34,
        description="S16 13.3.1 exponent n: 1.34 for hot-rolled, fabricated and class C HSS; 2.24 for class H HSS "
        "(stress-relieved) and welded three-plate members with flame-cut flange edges",
    )
    omega1: float = Field(
        default=1.0,
        ge=0.4,
        le=1.0,
        allow_inf_nan=False,
        description="ω1 of S16 13.8 for the moment gradient (0.6 − 0.4κ ≥ 0.4 without transverse load; 1.0 is "
        "always conservative)",
    )
    cold_formed: bool = Field(
        default=False, description="cold-formed section (e.g. rack uprights): flagged, S136 governs"
    )
    Cf_kN: float = _force("factored axial compression, kN (magnitude, ≥ 0)")
    Tf_kN: float = _force("factored axial tension, kN (magnitude, ≥ 0)")
    Mf_kNm: float = _force("largest factored bending moment about the axis of bending, kN·m (magnitude, ≥ 0)")


class MemberChecksInput(ToolInput):
    """Steel members to check against CSA S16-14 with their factored forces."""

    members: list[Member] = Field(min_length=1, max_length=500, description="the members, each with unique name")


class CheckResult(ToolOutput):
    check: str = Field(description="what is checked")
    clause: str = Field(description="CSA S16-14 clause")
    expression: str = Field(description="the ratio with its numbers")
    utilisation: float = Field(description="demand / resistance (≤ 1.0 passes)")


class MemberResult(ToolOutput):
    name: str
    role: str
    Tr_kN: float = Field(description="factored tensile resistance (least of gross yield and net fracture), kN")
    Cr_kN: float = Field(description="factored compressive resistance (flexural buckling, 13.3.1), kN")
    Mr_kNm: float | None = Field(description="factored moment resistance, laterally supported (13.5), kN·m")
    Ce_kN: float | None = Field(description="Euler load π²EI/(KL)² in the plane of bending, kN (with Cf and Mf)")
    U1: float | None = Field(description="moment amplification factor of 13.8 (with Cf and Mf)")
    slenderness: float = Field(description="KL/r with the r used for Cr")
    lambda_nondimensional: float = Field(description="λ = (KL/r)·sqrt(Fy/(π²E)) of 13.3.1")
    checks: list[CheckResult] = Field(description="every applicable check")
    governing_check: str | None = Field(description="the check with the largest utilisation; null without forces")
    governing_clause: str | None
    utilisation: float = Field(description="largest utilisation of the member's checks (0 without forces)")
    status: Literal["ADEQUATE", "INADEQUATE"]
    notes: list[str] = Field(description="warnings specific to this member")


class MemberChecksOutput(ToolOutput):
    verdict: Literal["ADEQUATE", "INADEQUATE"] = Field(description="ADEQUATE only if every member is")
    governing_member: str = Field(description="the member with the largest utilisation")
    max_utilisation: float
    members: list[MemberResult]
    assumptions: list[str] = Field(description="scope and conservative choices of the calculation")
    caveats: list[str] = Field(description="limits of validity for these particular members (e.g. cold-formed)")


ASSUMPTIONS = [
    "CSA S16-14 limit states: φ = 0.90, φu = 0.75; forces are factored (ULS) and axial forces are magnitudes, "
    "compression Cf or tension Tf.",
    "Mr = φ Z Fy (class 1, 2) or φ S Fy (class 3) assumes the member is laterally supported (13.5); "
    "lateral-torsional buckling (13.6) is not checked.",
    "Cr is flexural buckling (13.3.1) with the given least r and the same KL about both axes; torsional and "
    "flexural-torsional buckling (13.3.2), which can govern singly symmetric or asymmetric sections (channels, "
    "angles, tees, Z), are not checked.",
    "Class 4 (slender) sections are outside this calculation: section_class is taken as given and local buckling "
    "(13.3.5 effective area) is not checked.",
    "Compression + bending (13.8), uniaxial: Cf/Cr + κ U1 Mf/Mr ≤ 1.0 with κ = 0.85 only for class 1 and 2 "
    "I-shaped members, else 1.0; U1 = ω1/(1 − Cf/Ce) taken not less than 1.0 (conservative: S16 lets U1 fall below "
    "1.0 in the cross-sectional check of braced members), so the cross-sectional check cannot exceed the overall "
    "member check and only the latter is reported.",
    "Tension + bending (13.9): Tf/Tr + Mf/Mr ≤ 1.0; the other 13.9 expression concerns lateral-torsional buckling "
    "and cannot govern a laterally supported member.",
    "Slenderness: KL/r > 200 in compression (10.4.2.1) fails the member; L/r > 300 in tension (10.4.2) is only a "
    "warning because S16 allows waiving it where sag and vibration are otherwise controlled.",
]


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _validate(i: int, m: Member) -> None:
    """Cross-field requirements that the schema alone cannot express."""
    where = f"members.{i}"
    if m.Cf_kN > 0 and m.Tf_kN > 0:
        raise ToolInputError(
            f"{where}.Tf_kN",
            f"give either Cf_kN ({m.Cf_kN:g}) or Tf_kN ({m.Tf_kN:g}), not both: check each load case as its own entry",
        )
    if (m.Fu_MPa is None) != (m.net_area_mm2 is None):
        missing = "Fu_MPa" if m.Fu_MPa is None else "net_area_mm2"
        raise ToolInputError(f"{where}.{missing}", "net-section fracture needs both Fu_MPa and net_area_mm2")
    if m.Fu_MPa is not None and m.Fu_MPa < m.Fy_MPa:
        raise ToolInputError(f"{where}.Fu_MPa", f"Fu ({m.Fu_MPa:g} MPa) must not be less than Fy ({m.Fy_MPa:g} MPa)")
    if m.net_area_mm2 is not None and m.net_area_mm2 > m.A_mm2:
        raise ToolInputError(
            f"{where}.net_area_mm2", f"net area ({m.net_area_mm2:g} mm^2) exceeds the gross area ({m.A_mm2:g} mm^2)"
        )
    if m.S_mm3 is not None and m.Z_mm3 is not None and m.Z_mm3 < m.S_mm3 * (1 - 1e-9):
        raise ToolInputError(
            f"{where}.Z_mm3", f"Z ({m.Z_mm3:g} mm^3) cannot be less than S ({m.S_mm3:g} mm^3): Mp ≥ My for any section"
        )
    if m.Mf_kNm > 0:
        plastic = m.section_class in (1, 2)
        needed = "Z_mm3" if plastic else "S_mm3"
        if (m.Z_mm3 if plastic else m.S_mm3) is None:
            cls = f"class {m.section_class}" if m.section_class else "class 3 (assumed: section_class not given)"
            raise ToolInputError(f"{where}.{needed}", f"Mf_kNm > 0 on a {cls} section needs {needed}")
        if m.Cf_kN > 0 and m.I_mm4 is None:
            raise ToolInputError(f"{where}.I_mm4", "compression with bending needs I_mm4 for Ce = π²EI/(KL)² (13.8)")


def _check_member(m: Member) -> MemberResult:
    notes: list[str] = []
    r = m.r_mm
    if m.I_mm4 is not None and math.sqrt(m.I_mm4 / m.A_mm2) < r:
        r = math.sqrt(m.I_mm4 / m.A_mm2)
        notes.append(
            f"sqrt(I/A) = {_fmt(r)} mm is below the given r_mm = {_fmt(m.r_mm)} mm: buckling in the plane of "
            "bending governs Cr and is used"
        )
    kl = m.K * m.L_mm
    slenderness = kl / r
    lam = slenderness * math.sqrt(m.Fy_MPa / (math.pi**2 * m.E_MPa))
    n = m.compression_n
    cr = PHI * m.A_mm2 * m.Fy_MPa * (1 + lam ** (2 * n)) ** (-1 / n) / 1e3
    tr_gross = PHI * m.A_mm2 * m.Fy_MPa / 1e3
    tr_net = None if m.net_area_mm2 is None or m.Fu_MPa is None else PHI_U * m.net_area_mm2 * m.Fu_MPa / 1e3
    tr = tr_gross if tr_net is None else min(tr_gross, tr_net)

    plastic = m.section_class in (1, 2)
    modulus = m.Z_mm3 if plastic else m.S_mm3
    mr = None if modulus is None else PHI * modulus * m.Fy_MPa / 1e6
    ce = None if m.I_mm4 is None else math.pi**2 * m.E_MPa * m.I_mm4 / kl**2 / 1e3
    cf, tf, mf = m.Cf_kN, m.Tf_kN, m.Mf_kNm

    checks: list[CheckResult] = []

    def add(check: str, clause: str, expression: str, utilisation: float) -> None:
        checks.append(CheckResult(check=check, clause=clause, expression=expression, utilisation=utilisation))

    if tf > 0:
        add("tension, gross-section yield", "13.2", f"Tf/(φ A Fy) = {_fmt(tf)}/{_fmt(tr_gross)}", tf / tr_gross)
        if tr_net is not None:
            add("tension, net-section fracture", "13.2", f"Tf/(φu Ane Fu) = {_fmt(tf)}/{_fmt(tr_net)}", tf / tr_net)
        if m.L_mm / r > L_R_TENSION_LIMIT:
            notes.append(
                f"L/r = {_fmt(m.L_mm / r)} exceeds {L_R_TENSION_LIMIT:g} for a tension member (S16 10.4.2): "
                "acceptable only where sag and vibration are otherwise controlled"
            )
    if cf > 0:
        add("compression, flexural buckling", "13.3.1", f"Cf/Cr = {_fmt(cf)}/{_fmt(cr)}", cf / cr)
        add(
            "compression member slenderness KL/r ≤ 200",
            "10.4.2.1",
            f"(KL/r)/200 = {_fmt(slenderness)}/200",
            slenderness / KL_R_COMPRESSION_LIMIT,
        )
    if mf > 0 and mr is not None:
        add("bending, laterally supported", "13.5", f"Mf/Mr = {_fmt(mf)}/{_fmt(mr)}", mf / mr)
    u1 = None
    if cf > 0 and mf > 0 and mr is not None and ce is not None:
        if cf >= ce:
            add("elastic buckling in the plane of bending", "13.8", f"Cf/Ce = {_fmt(cf)}/{_fmt(ce)}", cf / ce)
            notes.append("Cf ≥ Ce: the member is elastically unstable in the plane of bending; U1 is unbounded")
        else:
            u1 = max(1.0, m.omega1 / (1 - cf / ce))
            kappa = I_SHAPE_FACTOR if (m.i_shaped and plastic and not m.cold_formed) else 1.0
            add(
                "axial compression + bending (member strength)",
                "13.8",
                f"Cf/Cr + {kappa:g}·U1·Mf/Mr = {_fmt(cf)}/{_fmt(cr)} + {kappa:g}·{_fmt(u1)}·{_fmt(mf)}/{_fmt(mr)}",
                cf / cr + kappa * u1 * mf / mr,
            )
    if tf > 0 and mf > 0 and mr is not None:
        add(
            "axial tension + bending",
            "13.9",
            f"Tf/Tr + Mf/Mr = {_fmt(tf)}/{_fmt(tr)} + {_fmt(mf)}/{_fmt(mr)}",
            tf / tr + mf / mr,
        )
    if m.section_class is None and mf > 0:
        notes.append("section_class not given: class 3 assumed (Mr = φ S Fy), conservative for classes 1 to 3")

    governing = max(checks, key=lambda c: c.utilisation, default=None)
    utilisation = 0.0 if governing is None else governing.utilisation
    return MemberResult.model_validate(
        {
            "name": m.name,
            "role": m.role,
            "Tr_kN": tr,
            "Cr_kN": cr,
            "Mr_kNm": mr,
            "Ce_kN": ce if cf > 0 and mf > 0 else None,
            "U1": u1,
            "slenderness": slenderness,
            "lambda_nondimensional": lam,
            "checks": checks,
            "governing_check": None if governing is None else governing.check,
            "governing_clause": None if governing is None else governing.clause,
            "utilisation": utilisation,
            "status": "ADEQUATE" if utilisation <= 1.0 else "INADEQUATE",
            "notes": notes,
        }
    )


@register_tool("member_checks")
def member_checks(inp: MemberChecksInput) -> MemberChecksOutput:
    """Steel member resistances and utilisations per CSA S16-14: tension, compression, bending, interaction.

    For each member: Tr = φ A Fy and, with Ane and Fu, φu Ane Fu (13.2); Cr = φ A Fy (1 + λ^2n)^(-1/n) with
    λ = (KL/r)·sqrt(Fy/(π²E)) and n = 1.34 or 2.24 (13.3.1); Mr = φ Z Fy (class 1, 2) or φ S Fy (class 3), laterally
    supported (13.5); Cf/Cr + κ U1 Mf/Mr ≤ 1 with U1 = ω1/(1 − Cf/Ce) ≥ 1 and κ = 0.85 for class 1/2 I-shapes (13.8);
    Tf/Tr + Mf/Mr ≤ 1 (13.9); KL/r ≤ 200 in compression (10.4.2.1, fails) and L/r ≤ 300 in tension (warning).
    φ = 0.90, φu = 0.75. Each member is ADEQUATE when its largest utilisation is ≤ 1.0; the verdict is ADEQUATE only
    if every member is. Lateral-torsional, torsional, flexural-torsional and local buckling are not checked (see
    `assumptions`); cold-formed members are flagged because CSA S136 governs them.
    """
    seen: dict[str, int] = {}
    for i, m in enumerate(inp.members):
        if m.name in seen:
            raise ToolInputError(f"members.{i}.name", f"duplicate member name {m.name!r} (also members.{seen[m.name]})")
        seen[m.name] = i
        _validate(i, m)
    results = [_check_member(m) for m in inp.members]
    worst = max(results, key=lambda res: res.utilisation)
    caveats = []
    cold = [m.name for m in inp.members if m.cold_formed]
    if cold:
        caveats.append(
            f"cold-formed members ({', '.join(cold)}): CSA S136 (North American Specification for the Design of "
            "Cold-Formed Steel Structural Members) governs them; local, distortional and flexural-torsional buckling "
            "are not checked by this S16-based calculation and thin cold-formed walls are often class 4, so their "
            "results are indicative only"
        )
    return MemberChecksOutput(
        verdict="ADEQUATE" if all(res.status == "ADEQUATE" for res in results) else "INADEQUATE",
        governing_member=worst.name,
        max_utilisation=worst.utilisation,
        members=results,
        assumptions=ASSUMPTIONS,
        caveats=caveats,
    )
