"""`member_checks`: CSA S16-14 resistances worked by hand, interaction, verdicts, caveats and bad input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reasonsuite.tools.registry import ToolInputError, get_tool
from reasonsuite.tools.structural.member_checks import MemberChecksInput, MemberChecksOutput, member_checks

# W310x39 (CISC Handbook): A 4930 mm², Ix 85.1e6 mm⁴, Sx 549e3 mm³, Zx 610e3 mm³, ry 38.4 mm; 350W, Fy = 345 MPa
W310 = {"A_mm2": 4930, "r_mm": 38.4, "I_mm4": 85.1e6, "S_mm3": 549e3, "Z_mm3": 610e3, "Fy_MPa": 345}
BRACE = {"A_mm2": 1500, "r_mm": 34, "Fy_MPa": 350, "L_mm": 4500}


def check(*members: dict) -> MemberChecksOutput:
    out = get_tool("member_checks").run({"members": list(members)})
    assert isinstance(out, MemberChecksOutput)
    return out


def by_check(result, name: str):
    return next(c for c in result.checks if c.check.startswith(name))


def test_w_column_cr_at_two_slenderness_values():
    # φ A Fy = 0.9 · 4930 · 345 = 1 530 765 N = 1530.8 kN
    # KL = 3000 mm: KL/r = 78.125, λ = 78.125 · sqrt(345/(π² · 200 000)) = 1.0328, λ^2.68 = 1.0905,
    #   Cr = 1530.8 · 2.0905^(-1/1.34) = 1530.8 · 0.5768 = 882.9 kN
    # KL = 6000 mm: KL/r = 156.25, λ = 2.0657, λ^2.68 = 6.9885, Cr = 1530.8 · 7.9885^(-0.7463) = 1530.8 · 0.2121
    #   = 324.7 kN;  with n = 2.24 (class H HSS curve): λ^4.48 = 25.79, Cr = 1530.8 · 26.79^(-0.4464) = 352.7 kN
    out = check(
        {"name": "short", **W310, "L_mm": 3000, "Cf_kN": 100},
        {"name": "long", **W310, "L_mm": 6000, "Cf_kN": 100},
        {"name": "long H", **W310, "L_mm": 6000, "Cf_kN": 100, "compression_n": 2.24},
    )
    short, long_, long_h = out.members
    assert short.slenderness == pytest.approx(78.125)
    assert short.lambda_nondimensional == pytest.approx(1.0328, abs=1e-4)
    assert short.Cr_kN == pytest.approx(882.9, abs=0.1)
    assert long_.lambda_nondimensional == pytest.approx(2.0657, abs=1e-4)
    assert long_.Cr_kN == pytest.approx(324.7, abs=0.1)
    assert long_h.Cr_kN == pytest.approx(352.7, abs=0.1)
    assert by_check(short, "compression, flexural").utilisation == pytest.approx(100 / 882.92, rel=1e-4)
    assert by_check(short, "compression, flexural").clause == "13.3.1"
    assert short.Tr_kN == pytest.approx(1530.765)


def test_tension_gross_and_net_section():
    # Tr = φ A Fy = 0.9 · 1500 · 350 = 472.5 kN; net fracture φu Ane Fu = 0.75 · 1200 · 450 = 405 kN governs
    out = check(
        {"name": "gross", **BRACE, "Tf_kN": 100},
        {"name": "net", **BRACE, "Tf_kN": 100, "Fu_MPa": 450, "net_area_mm2": 1200},
    )
    gross, net = out.members
    assert gross.Tr_kN == pytest.approx(472.5)
    assert gross.utilisation == pytest.approx(100 / 472.5)
    assert gross.governing_clause == "13.2"
    assert net.Tr_kN == pytest.approx(405.0)
    assert net.governing_check == "tension, net-section fracture"
    assert net.utilisation == pytest.approx(100 / 405)


def test_bending_resistance_by_class():
    # class 1/2: Mr = φ Z Fy = 0.9 · 610e3 · 345 = 189.405 kN·m; class 3: φ S Fy = 0.9 · 549e3 · 345 = 170.46 kN·m
    out = check(
        {"name": "class 2", **W310, "L_mm": 3000, "section_class": 2, "Mf_kNm": 100},
        {"name": "class 3", **W310, "L_mm": 3000, "section_class": 3, "Mf_kNm": 100},
        {"name": "no class", **W310, "L_mm": 3000, "Mf_kNm": 100},
    )
    c2, c3, unknown = out.members
    assert c2.Mr_kNm == pytest.approx(189.405)
    assert c2.governing_clause == "13.5"
    assert c2.utilisation == pytest.approx(100 / 189.405)
    assert c3.Mr_kNm == pytest.approx(170.4645)
    assert unknown.Mr_kNm == pytest.approx(170.4645)
    assert any("class 3 assumed" in note for note in unknown.notes)


@pytest.mark.parametrize(("mf", "expected", "status"), [(91.5, 0.98823, "ADEQUATE"), (96.5, 1.01129, "INADEQUATE")])
def test_compression_bending_interaction_either_side_of_one(mf, expected, status):
    # Cf = 500 kN, KL = 3000 mm: Cr = 882.92 kN; Ce = π² · 200 000 · 85.1e6 / 3000² = 18 664.5 kN;
    # U1 = 1/(1 − 500/18 664.5) = 1.02753; Mr = 189.405 kN·m; class 2 I-shape → κ = 0.85
    # Mf = 91.5: 500/882.92 + 0.85 · 1.02753 · 91.5/189.405 = 0.56630 + 0.42193 = 0.98823
    # Mf = 96.5: 0.56630 + 0.44499 = 1.01129
    out = check({"name": "C1", **W310, "L_mm": 3000, "section_class": 2, "i_shaped": True, "Cf_kN": 500, "Mf_kNm": mf})
    (col,) = out.members
    assert col.Ce_kN == pytest.approx(18_664.5, abs=0.1)
    assert col.U1 == pytest.approx(1.02753, abs=1e-5)
    inter = by_check(col, "axial compression + bending")
    assert inter.clause == "13.8"
    assert inter.utilisation == pytest.approx(expected, abs=1e-5)
    assert col.governing_clause == "13.8"
    assert col.status == status
    assert out.verdict == status


def test_interaction_factor_085_only_for_class_1_2_i_shapes():
    # without the I-shape flag κ = 1.0: 0.56630 + 1.02753 · 91.5/189.405 = 1.06270
    base = {**W310, "L_mm": 3000, "section_class": 2, "Cf_kN": 500, "Mf_kNm": 91.5}
    out = check(
        {"name": "not I", **base},
        {"name": "cold", **base, "i_shaped": True, "cold_formed": True},
    )
    for member in out.members:
        assert member.utilisation == pytest.approx(1.06270, abs=1e-5)
        assert member.status == "INADEQUATE"
    # U1 is never taken below 1.0 even with ω1 = 0.4
    (low,) = check({"name": "w", **base, "i_shaped": True, "omega1": 0.4}).members
    assert low.U1 == 1.0


def test_tension_plus_bending():
    # Tf/Tr + Mf/Mr = 200/1530.765 + 50/189.405 = 0.13065 + 0.26398 = 0.39464
    out = check({"name": "T", **W310, "L_mm": 3000, "section_class": 1, "Tf_kN": 200, "Mf_kNm": 50})
    (member,) = out.members
    combined = by_check(member, "axial tension + bending")
    assert combined.clause == "13.9"
    assert combined.utilisation == pytest.approx(0.39464, abs=1e-5)
    assert member.governing_clause == "13.9"


def test_brace_in_tension_versus_compression():
    # KL/r = 4500/34 = 132.35, λ = 1.7624, Cr = 472.5 · (1 + 1.7624^2.68)^(-1/1.34) = 472.5 · 0.2777 = 131.2 kN
    out = check(
        {"name": "brace T", "role": "brace", **BRACE, "Tf_kN": 100},
        {"name": "brace C", "role": "brace", **BRACE, "Cf_kN": 100},
    )
    tension, compression = out.members
    assert tension.utilisation == pytest.approx(0.21164, abs=1e-5)
    assert compression.Cr_kN == pytest.approx(131.22, abs=0.01)
    assert compression.utilisation == pytest.approx(100 / 131.224, rel=1e-4)
    assert compression.utilisation > 3 * tension.utilisation
    assert out.governing_member == "brace C"


def test_verdict_aggregation_and_zero_force_member():
    out = check(
        {"name": "ok", **BRACE, "Tf_kN": 100},
        {"name": "idle", **BRACE},
        {"name": "overloaded", **BRACE, "Cf_kN": 200},
    )
    ok, idle, over = out.members
    assert ok.status == "ADEQUATE"
    assert idle.status == "ADEQUATE" and idle.utilisation == 0.0 and idle.governing_check is None
    assert over.status == "INADEQUATE"
    assert out.verdict == "INADEQUATE"
    assert out.governing_member == "overloaded"
    assert out.max_utilisation == pytest.approx(200 / 131.224, rel=1e-4)
    assert check({"name": "ok", **BRACE, "Tf_kN": 100}).verdict == "ADEQUATE"


def test_cold_formed_caveat():
    out = check(
        {"name": "upright", "role": "column", **BRACE, "Cf_kN": 10, "cold_formed": True}, {"name": "b", **BRACE}
    )
    assert len(out.caveats) == 1
    caveat = out.caveats[0]
    assert "upright" in caveat and "S136" in caveat
    for phrase in ("local", "distortional", "flexural-torsional", "indicative"):
        assert phrase in caveat
    assert check({"name": "b", **BRACE}).caveats == []


def test_slenderness_limits():
    # compression: KL/r = 2500/10 = 250 > 200 → fails (10.4.2.1) even though Cf is tiny
    # tension: L/r = 3500/10 = 350 > 300 → warning only
    out = check(
        {"name": "slender strut", "A_mm2": 500, "r_mm": 10, "Fy_MPa": 300, "L_mm": 2500, "Cf_kN": 1},
        {"name": "slender tie", "A_mm2": 500, "r_mm": 10, "Fy_MPa": 300, "L_mm": 3500, "Tf_kN": 1},
    )
    strut, tie = out.members
    assert strut.status == "INADEQUATE"
    assert strut.governing_clause == "10.4.2.1"
    assert strut.utilisation == pytest.approx(1.25)
    assert tie.status == "ADEQUATE"
    assert any("300" in note for note in tie.notes)


def test_in_plane_buckling_and_elastic_instability():
    # I/A gives r = sqrt(4e5/1000) = 20 mm < given 30 mm: Cr uses 20 mm and says so.
    # Ce = π² · 200 000 · 4e5 / 5000² = 31.58 kN < Cf = 40 kN: reported as a failed check, never as infinity
    out = check(
        {
            "name": "m",
            "A_mm2": 1000,
            "r_mm": 30,
            "I_mm4": 4e5,
            "S_mm3": 2e4,
            "Fy_MPa": 300,
            "L_mm": 5000,
            "Cf_kN": 40,
            "Mf_kNm": 1,
        }
    )
    (member,) = out.members
    assert member.slenderness == pytest.approx(250.0)
    assert any("sqrt(I/A)" in note for note in member.notes)
    unstable = by_check(member, "elastic buckling")
    assert unstable.utilisation == pytest.approx(40 / (math.pi**2 * 2e5 * 4e5 / 5000**2 / 1e3))
    assert member.U1 is None
    assert member.status == "INADEQUATE"
    assert all(math.isfinite(c.utilisation) for c in member.checks)


@settings(max_examples=60, deadline=None)
@given(
    area=st.floats(100, 50_000),
    r=st.floats(5, 300),
    fy=st.floats(200, 700),
    length=st.floats(100, 20_000),
    k=st.floats(0.5, 2.5),
    n=st.sampled_from([1.34, 2.24]),
)
def test_cr_bounds_and_monotonicity(area, r, fy, length, k, n):
    members = [
        {"name": "a", "A_mm2": area, "r_mm": r, "Fy_MPa": fy, "L_mm": length, "K": k, "compression_n": n},
        {"name": "b", "A_mm2": area, "r_mm": r, "Fy_MPa": fy, "L_mm": length * 1.1, "K": k, "compression_n": n},
    ]
    a, b = member_checks(MemberChecksInput.model_validate({"members": members})).members
    squash = 0.9 * area * fy / 1e3
    euler = 0.9 * math.pi**2 * 200_000 * area / (k * length / r) ** 2 / 1e3
    assert 0 < a.Cr_kN <= squash
    assert a.Cr_kN <= euler * (1 + 1e-12)  # (1 + λ^2n)^(-1/n) ≤ λ^-2
    assert b.Cr_kN <= a.Cr_kN


# ---------------------------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"L_mm": -3000}, "members.0.L_mm", "greater than 0"),
        ({"K": 0}, "members.0.K", "greater than 0"),
        ({"Fy_MPa": 0}, "members.0.Fy_MPa", "greater than 0"),
        ({"Cf_kN": 10, "Tf_kN": 5}, "members.0.Tf_kN", "not both"),
        ({"Cf_kN": -10}, "members.0.Cf_kN", "greater than or equal to 0"),
        ({"Mf_kNm": 10, "section_class": 1, "Z_mm3": None}, "members.0.Z_mm3", "needs Z_mm3"),
        ({"Mf_kNm": 10, "S_mm3": None}, "members.0.S_mm3", "needs S_mm3"),
        ({"Mf_kNm": 10, "Cf_kN": 10, "I_mm4": None}, "members.0.I_mm4", "Ce"),
        ({"Fu_MPa": 450}, "members.0.net_area_mm2", "both Fu_MPa and net_area_mm2"),
        ({"Fu_MPa": 300, "net_area_mm2": 4000}, "members.0.Fu_MPa", "less than Fy"),
        ({"Fu_MPa": 450, "net_area_mm2": 6000}, "members.0.net_area_mm2", "exceeds the gross area"),
        ({"Z_mm3": 500e3}, "members.0.Z_mm3", "cannot be less than S"),
        ({"section_class": 4}, "members.0.section_class", ""),
        ({"omega1": 0.2}, "members.0.omega1", "greater than or equal to 0.4"),
        ({"compression_n": 1.5}, "members.0.compression_n", ""),
        ({"Fy": 345}, "members.0.Fy", "Extra inputs"),
    ],
)
def test_bad_member_input_names_the_field(change, field, fragment):
    member = {"name": "C1", **W310, "L_mm": 3000, **change}
    member = {key: value for key, value in member.items() if value is not None}
    with pytest.raises(ToolInputError) as err:
        check(member)
    assert err.value.field == field
    assert fragment in str(err.value)


def test_empty_list_and_duplicate_names():
    with pytest.raises(ToolInputError) as err:
        check()
    assert err.value.field == "members"
    with pytest.raises(ToolInputError) as err:
        check({"name": "B", **BRACE}, {"name": "C", **BRACE}, {"name": "B", **BRACE})
    assert err.value.field == "members.2.name"
    assert "duplicate" in str(err.value)


def test_registered_with_schema():
    tool = get_tool("member_checks")
    assert "CSA S16" in tool.summary
    schema = tool.input_schema()
    assert "members" in schema["properties"]
    assert "ADEQUATE" in tool.run_json({"members": [{"name": "b", **BRACE, "Tf_kN": 1}]})
