"""frame_analysis: closed-form beam, portal and truss results, sign conventions, equilibrium, superposition, bad input.

Units throughout: E = 200 000 MPa and I = 1e8 mm^4 give EI = 200e6 kN/m^2 x 1e-4 m^4 = 2e4 kN m^2; displacements in
mm, forces in kN, moments in kN m. Loads down are negative (Y up).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reasonsuite.tools.registry import ToolInputError, get_tool
from reasonsuite.tools.structural.frame import analyse_frame
from reasonsuite.tools.structural.frame_model import FrameInput, FrameOutput

E_MPA = 200_000.0
I_MM4 = 1e8
A_MM2 = 1e4
EI = E_MPA * 1e3 * I_MM4 * 1e-12  # kN m^2 = 2e4
RIGID_A_MM2 = 1e8  # axial deformation negligible, so the bending-only closed forms apply


def node(name: str, x: float, y: float) -> dict:
    return {"name": name, "x_m": x, "y_m": y}


def beam(name: str, start: str, end: str, **extra) -> dict:
    return {"name": name, "start": start, "end": end, "E_MPa": E_MPA, "A_mm2": A_MM2, "I_mm4": I_MM4, **extra}


def bar(name: str, start: str, end: str) -> dict:
    return {"name": name, "start": start, "end": end, "kind": "truss", "E_MPa": E_MPA, "A_mm2": A_MM2}


def fixed(name: str) -> dict:
    return {"node": name, "ux": True, "uy": True, "rz": True}


def pinned(name: str) -> dict:
    return {"node": name, "ux": True, "uy": True, "rz": False}


def roller(name: str) -> dict:
    return {"node": name, "ux": False, "uy": True, "rz": False}


def run(payload: dict) -> FrameOutput:
    output = get_tool("frame_analysis").run(payload)
    assert isinstance(output, FrameOutput)
    for result in output.results:
        assert result.equilibrium.relative_residual < 1e-9
    return output


def only(output: FrameOutput):
    (result,) = output.results
    return result


def displacement(result, name: str):
    return next(d for d in result.displacements if d.node == name)


def reaction(result, name: str):
    return next(r for r in result.reactions if r.node == name)


def member(result, name: str):
    return next(m for m in result.members if m.member == name)


def error(payload: dict) -> ToolInputError:
    with pytest.raises(ToolInputError) as caught:
        get_tool("frame_analysis").run(payload)
    return caught.value


# --------------------------------------------------------------------------------------------- beams


def cantilever(load_case: dict, length: float = 3.0) -> dict:
    return {
        "nodes": [node("A", 0, 0), node("B", length, 0)],
        "members": [beam("AB", "A", "B")],
        "supports": [fixed("A")],
        "load_cases": [load_case],
    }


def test_cantilever_tip_load():
    # P = -10 kN at the tip of L = 3 m: tip deflection PL^3/3EI = 10*27/(3*2e4) m = 4.5 mm down,
    # tip rotation PL^2/2EI = 10*9/(2*2e4) = 2.25e-3 rad clockwise, base moment PL = 30 kN m (hogging).
    result = only(run(cantilever({"name": "P", "nodal_loads": [{"node": "B", "fy_kN": -10}]})))
    tip = displacement(result, "B")
    assert tip.uy_mm == pytest.approx(-4.5, rel=1e-9)
    assert tip.rz_rad == pytest.approx(-2.25e-3, rel=1e-9)
    assert tip.ux_mm == pytest.approx(0, abs=1e-12)
    base = reaction(result, "A")
    assert (base.rx_kN, base.ry_kN, base.mz_kNm) == pytest.approx((0, 10, 30), abs=1e-9)
    ab = member(result, "AB")
    assert ab.moment_start_kNm == pytest.approx(-30)  # hogging: tension on the top (+y) face
    assert ab.moment_end_kNm == pytest.approx(0, abs=1e-9)
    assert ab.shear_start_kN == pytest.approx(10)  # V = dM/dx = +10 (M rises from -30 to 0)
    assert ab.max_abs_moment_kNm == pytest.approx(30)
    assert ab.max_abs_shear_kN == pytest.approx(10)
    assert result.summary.max_abs_uy_mm == pytest.approx(4.5)
    assert result.summary.max_abs_uy_node == "B"
    assert result.summary.max_column_drift_ratio is None


def test_cantilever_udl():
    # w = -4 kN/m over L = 3 m: tip deflection wL^4/8EI = 4*81/(8*2e4) m = 2.025 mm, base moment wL^2/2 = 18 kN m.
    load = {"member": "AB", "direction": "global_y", "w_kN_per_m": -4}
    result = only(run(cantilever({"name": "w", "member_distributed_loads": [load]})))
    assert displacement(result, "B").uy_mm == pytest.approx(-2.025, rel=1e-9)
    assert reaction(result, "A").mz_kNm == pytest.approx(18)
    assert reaction(result, "A").ry_kN == pytest.approx(12)
    assert member(result, "AB").moment_start_kNm == pytest.approx(-18)


def simple_beam(members: list[dict], load_case: dict, length: float = 6.0) -> dict:
    names = {m["start"] for m in members} | {m["end"] for m in members}
    nodes = [node("A", 0, 0), node("B", length, 0)] + ([node("M", length / 2, 0)] if "M" in names else [])
    return {"nodes": nodes, "members": members, "supports": [pinned("A"), roller("B")], "load_cases": [load_case]}


def test_simply_supported_udl():
    # w = -10 kN/m, L = 6 m: reactions wL/2 = 30 kN, mid-span moment wL^2/8 = 45 kN m (inside the span, from PyNite's
    # maximum along the member), mid-span deflection 5wL^4/384EI = 5*10*1296/(384*2e4) m = 8.4375 mm,
    # end rotation wL^3/24EI = 10*216/(24*2e4) = 4.5e-3 rad.
    load = {"member": "AB", "direction": "global_y", "w_kN_per_m": -10}
    result = only(run(simple_beam([beam("AB", "A", "B")], {"name": "w", "member_distributed_loads": [load]})))
    assert reaction(result, "A").ry_kN == pytest.approx(30)
    assert reaction(result, "B").ry_kN == pytest.approx(30)
    ab = member(result, "AB")
    assert ab.max_abs_moment_kNm == pytest.approx(45)
    assert ab.moment_start_kNm == pytest.approx(0, abs=1e-9)
    assert ab.max_abs_shear_kN == pytest.approx(30)
    assert (ab.shear_start_kN, ab.shear_end_kN) == pytest.approx((30, -30))
    assert ab.max_span_deflection_mm == pytest.approx(8.4375, rel=1e-9)
    assert displacement(result, "A").rz_rad == pytest.approx(-4.5e-3)  # clockwise at the left support


def test_simply_supported_udl_with_midspan_node():
    # The same beam as two members meeting at a mid-span node: uy(M) = -8.4375 mm and M = +45 kN m (sagging) there.
    members = [beam("AM", "A", "M"), beam("MB", "M", "B")]
    loads = [{"member": name, "direction": "global_y", "w_kN_per_m": -10} for name in ("AM", "MB")]
    result = only(run(simple_beam(members, {"name": "w", "member_distributed_loads": loads})))
    assert displacement(result, "M").uy_mm == pytest.approx(-8.4375, rel=1e-9)
    assert member(result, "AM").moment_end_kNm == pytest.approx(45)
    assert member(result, "MB").moment_start_kNm == pytest.approx(45)
    assert member(result, "AM").shear_end_kN == pytest.approx(0, abs=1e-9)


def test_beam_drawn_right_to_left_reverses_local_signs_only():
    # Member from B to A: local y points down, so the same sagging moment reads -45 kN m; a local_y load of +10 kN/m
    # then acts downwards and gives the same reactions.
    members = [beam("MA", "M", "A"), beam("BM", "B", "M")]
    loads = [{"member": name, "direction": "local_y", "w_kN_per_m": 10} for name in ("MA", "BM")]
    result = only(run(simple_beam(members, {"name": "w", "member_distributed_loads": loads})))
    assert reaction(result, "A").ry_kN == pytest.approx(30)
    assert displacement(result, "M").uy_mm == pytest.approx(-8.4375, rel=1e-9)
    assert member(result, "MA").moment_start_kNm == pytest.approx(-45)
    assert member(result, "BM").moment_end_kNm == pytest.approx(-45)


@pytest.mark.parametrize("reverse", [False, True])
def test_inclined_rafter_with_perpendicular_load(reverse):
    # A(0,0) pinned, B(4,3) on a roller (vertical reaction), L = 5 m, 10 kN/m perpendicular to the rafter pushing
    # down-right: M_max = wL^2/8 = 31.25 kN m whatever the slope; resultant (30, -40) kN at (2, 1.5), so moments
    # about A give 4 ry_B = 2*40 + 1.5*30 = 125 -> ry_B = 31.25 kN. Drawn from B to A, local y flips, so the same
    # physical load is local_y = +10 and the sagging moment reads negative.
    rafter = beam("R", "B", "A") if reverse else beam("R", "A", "B")
    load = {"member": "R", "direction": "local_y", "w_kN_per_m": 10 if reverse else -10}
    payload = {
        "nodes": [node("A", 0, 0), node("B", 4, 3)],
        "members": [rafter],
        "supports": [pinned("A"), roller("B")],
        "load_cases": [{"name": "w", "member_distributed_loads": [load]}],
    }
    result = only(run(payload))
    assert reaction(result, "B").ry_kN == pytest.approx(31.25)
    assert reaction(result, "A").rx_kN == pytest.approx(-30)
    r = member(result, "R")
    assert r.max_abs_moment_kNm == pytest.approx(31.25)
    # Shear at A: the reaction at A across the rafter, 30*0.6 + 8.75*0.8 = 25 kN. Reversing the member flips both
    # M and x, so V = dM/dx keeps its sign.
    assert (r.shear_end_kN if reverse else r.shear_start_kN) == pytest.approx(25)
    # Axial force: the vertical reaction at B has 31.25 * 0.6 = 18.75 kN along the rafter, pointing out of its end:
    # tension, constant along the member since the load is perpendicular to it.
    assert (r.axial_start_kN, r.axial_end_kN, r.max_tension_kN) == pytest.approx((18.75, 18.75, 18.75))


def test_simply_supported_midspan_point_load():
    # P = -20 kN at x = 3 m of L = 6 m: M = PL/4 = 30 kN m, deflection PL^3/48EI = 20*216/(48*2e4) m = 4.5 mm.
    load = {"member": "AB", "direction": "global_y", "p_kN": -20, "distance_m": 3}
    result = only(run(simple_beam([beam("AB", "A", "B")], {"name": "P", "member_point_loads": [load]})))
    ab = member(result, "AB")
    assert ab.max_abs_moment_kNm == pytest.approx(30)
    assert ab.max_span_deflection_mm == pytest.approx(4.5, rel=1e-9)
    assert reaction(result, "A").ry_kN == pytest.approx(10)


def test_fixed_fixed_udl():
    # w = -10 kN/m, L = 6 m, both ends fixed: end moments wL^2/12 = 30 kN m (hogging), mid-span wL^2/24 = 15,
    # mid-span deflection wL^4/384EI = 10*1296/(384*2e4) m = 1.6875 mm.
    load = {"member": "AB", "direction": "global_y", "w_kN_per_m": -10}
    payload = simple_beam([beam("AB", "A", "B")], {"name": "w", "member_distributed_loads": [load]})
    payload["supports"] = [fixed("A"), fixed("B")]
    result = only(run(payload))
    ab = member(result, "AB")
    assert (ab.moment_start_kNm, ab.moment_end_kNm) == pytest.approx((-30, -30))
    assert ab.max_abs_moment_kNm == pytest.approx(30)
    assert ab.max_span_deflection_mm == pytest.approx(1.6875, rel=1e-9)
    assert reaction(result, "A").mz_kNm == pytest.approx(30)  # counter-clockwise on the left end
    assert reaction(result, "B").mz_kNm == pytest.approx(-30)


# --------------------------------------------------------------------------------------------- portal frames


def portal(base: dict, beam_i_mm4: float, H: float = 10.0, h: float = 4.0, L: float = 6.0) -> dict:
    column = {"E_MPa": E_MPA, "A_mm2": RIGID_A_MM2, "I_mm4": I_MM4}
    return {
        "nodes": [node("A", 0, 0), node("B", 0, h), node("C", L, h), node("D", L, 0)],
        "members": [
            {"name": "AB", "start": "A", "end": "B", **column},
            {"name": "BC", "start": "B", "end": "C", **column, "I_mm4": beam_i_mm4},
            {"name": "DC", "start": "D", "end": "C", **column},
        ],
        "supports": [dict(base, node="A"), dict(base, node="D")],
        "load_cases": [{"name": "H", "nodal_loads": [{"node": "B", "fx_kN": H}]}],
    }


def test_fixed_base_portal_with_rigid_beam():
    # Rigid beam, fixed bases: each column is fixed-fixed with sway, shear H/2, end moments H h/4 = 10 kN m,
    # sway H h^3/(24 EI) = 10*64/(24*2e4) m = 1.3333 mm; overturning H h/2 = L*ry gives ry = -/+ 20/6 kN.
    result = only(run(portal(fixed("A"), beam_i_mm4=I_MM4 * 1e6)))
    assert displacement(result, "B").ux_mm == pytest.approx(10 * 64 / (24 * EI) * 1e3, rel=1e-4)
    # the beam shortens by (H/2) L / EA = 5*6/2e10 m = 1.5e-6 mm
    assert displacement(result, "C").ux_mm == pytest.approx(displacement(result, "B").ux_mm - 1.5e-6, rel=1e-9)
    for base in ("A", "D"):
        assert reaction(result, base).mz_kNm == pytest.approx(10, rel=1e-4)
        assert reaction(result, base).rx_kN == pytest.approx(-5, rel=1e-4)
    assert reaction(result, "D").ry_kN == pytest.approx(20 / 6, rel=1e-4)
    assert result.summary.max_column_drift_ratio == pytest.approx(10 * 64 / (24 * EI) / 4, rel=1e-4)


def test_pinned_base_portal():
    # Pinned bases, beam I_b = 2 I_c: column shear H/2, knee moment H h/2 = 20 kN m; the beam bends antisymmetrically
    # (end rotation M L/6EI_b), so sway = H h^3/(6 EI_c) + H h^2 L/(12 EI_b) = 640/1.2e5 + 960/4.8e5 m = 7.3333 mm.
    result = only(run(portal(pinned("A"), beam_i_mm4=2 * I_MM4)))
    expected = 10 * 64 / (6 * EI) + 10 * 16 * 6 / (12 * 2 * EI)
    assert displacement(result, "B").ux_mm == pytest.approx(expected * 1e3, rel=1e-6)
    assert abs(member(result, "AB").moment_end_kNm) == pytest.approx(20, rel=1e-6)
    assert member(result, "BC").max_abs_moment_kNm == pytest.approx(20, rel=1e-6)
    assert reaction(result, "A").mz_kNm == 0.0


# --------------------------------------------------------------------------------------------- trusses, signs


def test_triangle_truss_by_method_of_joints():
    # A(0,0) pinned, B(4,0) roller, apex C(2,3) loaded with 30 kN down. Reactions 15 kN each. Joint A:
    # N_AC*3/sqrt(13) + 15 = 0 -> N_AC = -5 sqrt(13) = -18.028 kN (compression); N_AB = -N_AC*2/sqrt(13) = 10 kN.
    payload = {
        "nodes": [node("A", 0, 0), node("B", 4, 0), node("C", 2, 3)],
        "members": [bar("AB", "A", "B"), bar("AC", "A", "C"), bar("CB", "C", "B")],
        "supports": [pinned("A"), roller("B")],
        "load_cases": [{"name": "P", "nodal_loads": [{"node": "C", "fy_kN": -30}]}],
    }
    output = run(payload)
    result = only(output)
    assert member(result, "AB").axial_start_kN == pytest.approx(10)
    assert member(result, "AC").axial_end_kN == pytest.approx(-5 * math.sqrt(13))
    assert member(result, "CB").axial_start_kN == pytest.approx(-5 * math.sqrt(13))
    assert member(result, "AC").max_compression_kN == pytest.approx(5 * math.sqrt(13))
    assert member(result, "AC").max_tension_kN == 0.0
    assert member(result, "AB").max_tension_kN == pytest.approx(10)
    for name in ("AB", "AC", "CB"):
        assert member(result, name).max_abs_moment_kNm == pytest.approx(0, abs=1e-9)
    assert reaction(result, "A").ry_kN == pytest.approx(15)
    assert reaction(result, "A").rx_kN == pytest.approx(0, abs=1e-9)
    # Every joint meets only pin-ended bars: their rotation is held automatically and reported as 0.
    assert output.rotation_restrained_nodes == ["A", "B", "C"]
    assert displacement(result, "C").rz_rad == 0.0


def test_column_in_compression_is_negative_and_hanger_in_tension_is_positive():
    # A cantilever column carrying 50 kN down at its top, and a rod hanging from a fixed point carrying 5 kN:
    # N = -50 kN (compression) in the column and +5 kN (tension) in the hanger, PyNite's signs flipped.
    payload = {
        "nodes": [node("base", 0, 0), node("top", 0, 3), node("ceiling", 2, 3), node("hook", 2, 1)],
        "members": [beam("column", "base", "top"), beam("hanger", "ceiling", "hook")],
        "supports": [fixed("base"), fixed("ceiling")],
        "load_cases": [{"name": "G", "nodal_loads": [{"node": "top", "fy_kN": -50}, {"node": "hook", "fy_kN": -5}]}],
    }
    result = only(run(payload))
    column, hanger = member(result, "column"), member(result, "hanger")
    assert (column.axial_start_kN, column.axial_end_kN) == pytest.approx((-50, -50))
    assert (column.max_compression_kN, column.max_tension_kN) == pytest.approx((50, 0))
    assert (hanger.axial_start_kN, hanger.max_tension_kN, hanger.max_compression_kN) == pytest.approx((5, 5, 0))
    # Column shortening N L / EA = 50 * 3 / 2e6 m = 0.075 mm
    assert displacement(result, "top").uy_mm == pytest.approx(-0.075)


# --------------------------------------------------------------------------------------------- combinations


def two_storey(loads: dict[str, tuple[float, float, float]], combinations: list[dict] | None = None) -> dict:
    """Fixed-base, 5 m x 2 storeys of 3 m, one diagonal truss brace per storey."""
    payload = {
        "nodes": [node(n, x, y) for n, x, y in [("A0", 0, 0), ("B0", 5, 0), ("A1", 0, 3), ("B1", 5, 3)]]
        + [node("A2", 0, 6), node("B2", 5, 6)],
        "members": [
            beam("CA1", "A0", "A1"),
            beam("CB1", "B0", "B1"),
            beam("CA2", "A1", "A2"),
            beam("CB2", "B1", "B2"),
            beam("G1", "A1", "B1"),
            beam("G2", "A2", "B2"),
            bar("X1", "A0", "B1"),
            bar("X2", "A1", "B2"),
        ],
        "supports": [fixed("A0"), fixed("B0")],
        "load_cases": [
            {
                "name": "Q",
                "nodal_loads": [
                    {"node": n, "fx_kN": fx, "fy_kN": fy, "mz_kNm": mz} for n, (fx, fy, mz) in loads.items()
                ],
            }
        ],
    }
    if combinations is not None:
        payload["combinations"] = combinations
    return payload


def test_combination_equals_superposition_of_cases():
    dead = {
        "name": "D",
        "member_distributed_loads": [{"member": g, "direction": "global_y", "w_kN_per_m": -12} for g in ("G1", "G2")],
    }
    live = {
        "name": "L",
        "nodal_loads": [{"node": "A2", "fx_kN": 8}],
        "member_point_loads": [{"member": "G1", "direction": "global_y", "p_kN": -25, "distance_m": 2}],
    }
    payload = two_storey({})
    payload["load_cases"] = [dead, live]
    separate = {r.name: r for r in analyse_frame(FrameInput.model_validate(payload)).results}
    assert {r.kind for r in separate.values()} == {"load_case"}
    payload["combinations"] = [{"name": "1.25D+1.5L", "factors": {"D": 1.25, "L": 1.5}}]
    combined = only(run(payload))
    assert combined.kind == "combination" and combined.factors == {"D": 1.25, "L": 1.5}
    dead, live = separate["D"], separate["L"]
    for got, dd, ll in zip(combined.displacements, dead.displacements, live.displacements, strict=True):
        assert got.ux_mm == pytest.approx(1.25 * dd.ux_mm + 1.5 * ll.ux_mm, rel=1e-9, abs=1e-12)
        assert got.uy_mm == pytest.approx(1.25 * dd.uy_mm + 1.5 * ll.uy_mm, rel=1e-9, abs=1e-12)
        assert got.rz_rad == pytest.approx(1.25 * dd.rz_rad + 1.5 * ll.rz_rad, rel=1e-9, abs=1e-15)
    for got, dd, ll in zip(combined.reactions, dead.reactions, live.reactions, strict=True):
        assert got.mz_kNm == pytest.approx(1.25 * dd.mz_kNm + 1.5 * ll.mz_kNm, rel=1e-9, abs=1e-9)
        assert got.ry_kN == pytest.approx(1.25 * dd.ry_kN + 1.5 * ll.ry_kN, rel=1e-9, abs=1e-9)
    for got, dd, ll in zip(combined.members, dead.members, live.members, strict=True):
        for field in ("axial_start_kN", "shear_end_kN", "moment_start_kNm", "moment_end_kNm"):
            expected = 1.25 * getattr(dd, field) + 1.5 * getattr(ll, field)
            assert getattr(got, field) == pytest.approx(expected, rel=1e-9, abs=1e-9)


load_component = st.floats(min_value=-100, max_value=100, allow_nan=False)
nodal = st.tuples(load_component, load_component, load_component)


@settings(max_examples=8, deadline=None)
@given(loads=st.dictionaries(st.sampled_from(["A1", "B1", "A2", "B2"]), nodal, min_size=1))
def test_random_loads_balance_and_scale_linearly(loads):
    single = analyse_frame(FrameInput.model_validate(two_storey(loads)))
    doubled = analyse_frame(
        FrameInput.model_validate(two_storey({n: tuple(2 * v for v in f) for n, f in loads.items()}))
    )
    result, twice = only(single), only(doubled)
    applied_x = sum(fx for fx, _, _ in loads.values())
    applied_y = sum(fy for _, fy, _ in loads.values())
    scale = sum(abs(fx) + abs(fy) for fx, fy, _ in loads.values()) + 1.0
    assert abs(sum(r.rx_kN for r in result.reactions) + applied_x) <= 1e-9 * scale
    assert abs(sum(r.ry_kN for r in result.reactions) + applied_y) <= 1e-9 * scale
    assert result.equilibrium.relative_residual < 1e-9
    for one, two in zip(result.displacements, twice.displacements, strict=True):
        assert two.ux_mm == pytest.approx(2 * one.ux_mm, rel=1e-9, abs=1e-12)
        assert two.uy_mm == pytest.approx(2 * one.uy_mm, rel=1e-9, abs=1e-12)
        assert two.rz_rad == pytest.approx(2 * one.rz_rad, rel=1e-9, abs=1e-15)


# --------------------------------------------------------------------------------------------- bad input


def good_beam() -> dict:
    return simple_beam([beam("AB", "A", "B")], {"name": "w", "nodal_loads": [{"node": "B", "fx_kN": 1}]})


def test_duplicate_node_name():
    payload = good_beam()
    payload["nodes"].append(node("A", 9, 9))
    err = error(payload)
    assert err.field == "nodes.2.name" and "used twice" in err.problem


def test_duplicate_member_name():
    payload = good_beam()
    payload["nodes"].append(node("C", 9, 0))
    payload["members"].append(beam("AB", "B", "C"))
    assert error(payload).field == "members.1.name"


def test_unknown_node_in_member():
    payload = good_beam()
    payload["members"][0]["end"] = "Z"
    err = error(payload)
    assert err.field == "members.0.end" and "'Z'" in err.problem


def test_member_to_itself_and_zero_length():
    payload = good_beam()
    payload["members"][0]["end"] = "A"
    assert "itself" in error(payload).problem
    payload = good_beam()
    payload["nodes"].append(node("A2", 0, 0))
    payload["members"].append(beam("AA", "A", "A2"))
    err = error(payload)
    assert err.field == "members.1.end" and "zero length" in err.problem


def test_coincident_nodes_are_named():
    payload = good_beam()
    payload["nodes"].append(node("B2", 6, 0))
    payload["nodes"].append(node("C", 6, 3))
    payload["members"].append(beam("B2C", "B2", "C"))
    err = error(payload)
    assert err.field == "nodes.2" and "'B'" in err.problem and "'B2'" in err.problem


def test_node_on_a_member_span_and_orphan_node():
    payload = good_beam()
    payload["nodes"].append(node("M", 3, 0))
    err = error(payload)
    assert err.field == "members.0" and "lies on member 'AB'" in err.problem
    payload["nodes"][-1] = node("M", 3, 5)
    err = error(payload)
    assert err.field == "nodes.2" and "not connected" in err.problem


def test_no_supports_and_empty_support():
    payload = good_beam()
    payload["supports"] = []
    assert error(payload).field == "supports"
    payload["supports"] = [{"node": "A", "ux": False, "uy": False, "rz": False}]
    assert error(payload).field == "supports.0"


def test_non_positive_section_properties_and_missing_inertia():
    for field, value in (("E_MPa", 0), ("A_mm2", -5), ("I_mm4", 0)):
        payload = good_beam()
        payload["members"][0][field] = value
        assert error(payload).field == f"members.0.{field}"
    payload = good_beam()
    del payload["members"][0]["I_mm4"]
    assert error(payload).field == "members.0.I_mm4"


def test_loads_on_unknown_node_member_and_truss():
    payload = good_beam()
    payload["load_cases"][0]["nodal_loads"][0]["node"] = "Q"
    assert error(payload).field == "load_cases.0.nodal_loads.0.node"
    payload = good_beam()
    payload["load_cases"][0]["member_point_loads"] = [
        {"member": "XY", "direction": "global_y", "p_kN": -1, "distance_m": 1}
    ]
    assert error(payload).field == "load_cases.0.member_point_loads.0.member"
    payload = good_beam()
    payload["members"][0] = bar("AB", "A", "B")
    payload["load_cases"][0]["member_distributed_loads"] = [{"member": "AB", "direction": "global_y", "w_kN_per_m": -1}]
    err = error(payload)
    assert err.field == "load_cases.0.member_distributed_loads.0.member" and "truss" in err.problem


def test_point_load_position_must_lie_on_the_member():
    payload = good_beam()
    payload["load_cases"][0]["member_point_loads"] = [
        {"member": "AB", "direction": "global_y", "p_kN": -1, "distance_m": 6.5}
    ]
    err = error(payload)
    assert err.field == "load_cases.0.member_point_loads.0.distance_m" and "beyond the end" in err.problem
    payload["load_cases"][0]["member_point_loads"][0]["distance_m"] = -1
    assert error(payload).field == "load_cases.0.member_point_loads.0.distance_m"
    payload["load_cases"][0]["member_point_loads"][0]["distance_m"] = 6.0  # at the end node: accepted
    assert reaction(only(run(payload)), "B").ry_kN == pytest.approx(1)


def test_combination_with_unknown_case():
    payload = good_beam()
    payload["combinations"] = [{"name": "ULS", "factors": {"w": 1.0, "S": 1.5}}]
    err = error(payload)
    assert err.field == "combinations.0.factors.S" and "unknown load case 'S'" in err.problem


def test_moment_on_a_pinned_joint():
    payload = good_beam()
    payload["members"][0] = bar("AB", "A", "B")
    payload["load_cases"][0]["nodal_loads"][0]["mz_kNm"] = 5
    assert error(payload).field == "load_cases.0.nodal_loads.0.mz_kNm"


def test_schema_errors_name_the_field():
    payload = good_beam()
    payload["nodes"][0]["x_m"] = float("nan")
    assert error(payload).field == "nodes.0.x_m"
    payload = good_beam()
    payload["members"][0]["Iy_mm4"] = 1.0  # misspelt field
    assert error(payload).field == "members.0.Iy_mm4"
    payload = good_beam()
    payload["nodes"] = [node(f"N{i}", i, 0) for i in range(2001)]
    assert error(payload).field == "nodes"


@pytest.mark.parametrize(
    ("case", "moving"),
    [
        ("portal pinned at the bases and both beam ends", ["'B' ux", "'C' ux"]),
        ("truss square without a diagonal", ["'B' ux", "'C' ux"]),
        ("beam with no horizontal restraint", ["'A' ux", "'B' ux"]),
        ("bar hanging from a pin, loaded along its axis", ["'T' ux"]),
    ],
)
def test_mechanisms_are_reported_with_the_freedoms_that_move(case, moving):
    if case.startswith("portal"):
        payload = portal(pinned("A"), beam_i_mm4=I_MM4)
        payload["members"][1].update(release_start_moment=True, release_end_moment=True)
    elif case.startswith("truss"):
        payload = portal(pinned("A"), beam_i_mm4=I_MM4)
        payload["members"] = [bar("AB", "A", "B"), bar("BC", "B", "C"), bar("DC", "D", "C")]
    elif case.startswith("beam"):
        payload = good_beam()
        payload["supports"] = [roller("A"), roller("B")]
        payload["load_cases"][0]["nodal_loads"] = [{"node": "B", "fy_kN": -1}]
    else:
        payload = {
            "nodes": [node("P", 0, 3), node("T", 0, 0)],
            "members": [bar("PT", "P", "T")],
            "supports": [pinned("P")],
            "load_cases": [{"name": "G", "nodal_loads": [{"node": "T", "fy_kN": -1}]}],
        }
    err = error(payload)
    assert err.problem.startswith("the structure is unstable (a mechanism)")
    for freedom in moving:
        assert freedom in err.problem
    assert "Traceback" not in str(err)


def test_inputs_are_reusable_models_and_schema_is_described():
    tool = get_tool("frame_analysis")
    assert tool.input_model is FrameInput
    schema = tool.input_schema()
    assert "E_MPa" in schema["$defs"]["FrameMember"]["properties"]
    assert all("description" in p for p in schema["$defs"]["FrameMember"]["properties"].values())
    out = run(good_beam())
    assert "tension-positive" in out.sign_conventions
