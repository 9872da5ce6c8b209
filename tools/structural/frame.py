"""`frame_analysis`: first-order linear-elastic analysis of a plane frame or truss, solved with PyNite.

The structure lies in the global X–Y plane with Y up (gravity loads are negative ``fy``). Members are
Euler–Bernoulli beam-columns (axial and bending stiffness, shear deformation neglected) or pin-ended truss bars.
PyNite (PyNiteFEA 3.2, a 3D direct-stiffness solver) assembles and solves the model; this module validates the
input, builds the PyNite model in consistent kN–m units, translates PyNite's sign conventions into the ones stated
in the output, detects mechanisms and checks global equilibrium of every result.

Modelling choices, each forced by running a plane frame through a 3D solver:

* the out-of-plane freedoms (DZ, RX, RY) are held at every node: by the support itself at supported nodes and by
  springs elsewhere. A plane frame loaded in its plane has no out-of-plane response, so the springs carry exactly
  zero force; they only keep PyNite from treating every node as a support when it sums reactions (which makes its
  reaction step quadratic in the model size);
* a node whose every member end is moment-released (a truss joint) has no rotational stiffness; its rotation is
  held by a spring that carries no moment (nothing can apply one) and is reported as 0;
* PyNite splits a member at any node lying on it; such input is refused instead, so a connection is never implied.
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..registry import ToolInputError, register_tool
from .frame_model import (
    DisplacementSummary,
    EquilibriumCheck,
    FrameInput,
    FrameOutput,
    MemberPointLoad,
    MemberResult,
    NodeDisplacement,
    ResultSet,
    Support,
    SupportReaction,
    load_direction,
)

__all__ = ["analyse_frame"]

MAX_LOADS_PER_CASE = 5000

# PyNite evaluates each member once per result set in Python (~2.5 ms each): this bounds that step to ~1 minute.
MAX_MEMBER_RESULTS = 20_000

GEOMETRY_TOL_M = 1e-6  # nodes closer than this are "at the same place"; a node this close to a member lies on it

# Smallest pivot of the diagonally scaled stiffness matrix (unit diagonal) accepted as stable. A singular matrix
# factors to pivots of round-off size (~1e-16); a stable frame, even one with a beam 1e6 times stiffer than its
# columns, keeps them many orders above this.
MECHANISM_PIVOT_TOL = 1e-11

MECHANISM_DOFS_LISTED = 8

DEFLECTION_POINTS = 101  # odd, so that mid-span is sampled

SIGN_CONVENTIONS = (
    "Global axes: X to the right, Y up, rotations and moments counter-clockwise positive (about +Z). Member local "
    "axes: x from the start node to the end node, y = x turned 90 degrees counter-clockwise. Member internal forces: "
    "axial N tension-positive (PyNite reports compression positive; the sign is flipped here); bending moment M "
    "positive when it puts the member's -y face in tension (sagging for a beam drawn from left to right); shear "
    "V = dM/dx. Reactions are the forces the supports exert on the structure. Loads are in the global directions "
    "given or along local y."
)


@dataclass(frozen=True)
class _Geometry:
    """A member's start point, direction cosines and length."""

    x0: float
    y0: float
    cx: float
    cy: float
    length: float

    def point(self, distance: float) -> tuple[float, float]:
        return self.x0 + self.cx * distance, self.y0 + self.cy * distance

    def direction(self, direction: str) -> tuple[float, float]:
        """Unit vector of a load direction; local y is local x turned 90 degrees counter-clockwise."""
        return load_direction(direction, self.cx, self.cy)


@dataclass(frozen=True)
class _Checked:
    """What validation learned about the input, for building and post-processing."""

    node_xy: dict[str, tuple[float, float]]
    geometry: dict[str, _Geometry]
    supports: dict[str, Support]
    pinned_joints: list[str]  # unsupported-in-rz nodes where every member end is moment-released
    result_sets: list[tuple[str, Literal["load_case", "combination"], dict[str, float]]]


def _first_duplicate(names: Sequence[str]) -> tuple[int, int] | None:
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in seen:
            return seen[name], index
        seen[name] = index
    return None


def _check_unique(names: Sequence[str], field: str, what: str) -> None:
    duplicate = _first_duplicate(names)
    if duplicate is not None:
        first, second = duplicate
        raise ToolInputError(
            f"{field}.{second}.name",
            f"{what} name {names[second]!r} is used twice ({field}.{first} and {field}.{second}); names must be unique",
        )


def _check_geometry(inp: FrameInput) -> tuple[dict[str, tuple[float, float]], dict[str, _Geometry]]:
    from scipy.spatial import cKDTree

    _check_unique([node.name for node in inp.nodes], "nodes", "node")
    _check_unique([member.name for member in inp.members], "members", "member")
    node_xy = {node.name: (node.x_m, node.y_m) for node in inp.nodes}
    geometry: dict[str, _Geometry] = {}
    for index, member in enumerate(inp.members):
        for end in ("start", "end"):
            if getattr(member, end) not in node_xy:
                raise ToolInputError(
                    f"members.{index}.{end}", f"member {member.name!r} refers to unknown node {getattr(member, end)!r}"
                )
        if member.start == member.end:
            raise ToolInputError(
                f"members.{index}.end", f"member {member.name!r} connects node {member.start!r} to itself"
            )
        (x0, y0), (x1, y1) = node_xy[member.start], node_xy[member.end]
        length = math.hypot(x1 - x0, y1 - y0)
        if length <= GEOMETRY_TOL_M:
            raise ToolInputError(
                f"members.{index}.end",
                f"member {member.name!r} has zero length: nodes {member.start!r} and {member.end!r} are at the same "
                "coordinates",
            )
        if member.kind == "beam_column" and member.I_mm4 is None:
            raise ToolInputError(f"members.{index}.I_mm4", f"beam_column member {member.name!r} needs I_mm4 > 0")
        geometry[member.name] = _Geometry(x0, y0, (x1 - x0) / length, (y1 - y0) / length, length)

    coordinates = np.array([(node.x_m, node.y_m) for node in inp.nodes])
    tree = cKDTree(coordinates)
    pairs = sorted(tree.query_pairs(r=GEOMETRY_TOL_M))
    if pairs:
        first, second = pairs[0]
        raise ToolInputError(
            f"nodes.{second}",
            f"nodes {inp.nodes[first].name!r} and {inp.nodes[second].name!r} are at the same coordinates; merge them "
            "into one node",
        )
    for index, member in enumerate(inp.members):
        geo = geometry[member.name]
        middle = geo.point(geo.length / 2)
        for candidate in tree.query_ball_point(middle, r=geo.length / 2 + GEOMETRY_TOL_M):
            node = inp.nodes[candidate]
            if node.name in (member.start, member.end):
                continue
            dx, dy = node.x_m - geo.x0, node.y_m - geo.y0
            along = dx * geo.cx + dy * geo.cy
            if 0 < along < geo.length and abs(dy * geo.cx - dx * geo.cy) <= GEOMETRY_TOL_M:
                raise ToolInputError(
                    f"members.{index}",
                    f"node {node.name!r} lies on member {member.name!r} between its ends; split the member at that "
                    "node into two members (a connection) or move the node",
                )
    connected = {member.start for member in inp.members} | {member.end for member in inp.members}
    for index, node in enumerate(inp.nodes):
        if node.name not in connected:
            raise ToolInputError(f"nodes.{index}", f"node {node.name!r} is not connected to any member")
    return node_xy, geometry


def _check_supports(inp: FrameInput, node_xy: dict[str, tuple[float, float]]) -> dict[str, Support]:
    if not inp.supports:
        raise ToolInputError(
            "supports", "the frame has no supports; restrain at least one node (e.g. ux, uy and rz for a fixed base)"
        )
    supports: dict[str, Support] = {}
    for index, support in enumerate(inp.supports):
        if support.node not in node_xy:
            raise ToolInputError(f"supports.{index}.node", f"support at unknown node {support.node!r}")
        if support.node in supports:
            raise ToolInputError(
                f"supports.{index}.node", f"node {support.node!r} is supported twice; give one entry per node"
            )
        if not (support.ux or support.uy or support.rz):
            raise ToolInputError(
                f"supports.{index}", f"support at node {support.node!r} restrains nothing; set ux, uy and/or rz"
            )
        supports[support.node] = support
    return supports


def _pinned_joints(inp: FrameInput, supports: dict[str, Support]) -> list[str]:
    """Nodes where every member end is moment-released and rz is not supported: their rotation is undefined."""
    rigid_ends: set[str] = set()
    for member in inp.members:
        if member.kind == "beam_column":
            if not member.release_start_moment:
                rigid_ends.add(member.start)
            if not member.release_end_moment:
                rigid_ends.add(member.end)
    return [
        node.name
        for node in inp.nodes
        if node.name not in rigid_ends and not (node.name in supports and supports[node.name].rz)
    ]


def _check_loads(inp: FrameInput, geometry: dict[str, _Geometry], pinned_joints: Iterable[str]) -> None:
    node_names = {node.name for node in inp.nodes}
    pinned = set(pinned_joints)
    kinds = {member.name: member.kind for member in inp.members}
    _check_unique([case.name for case in inp.load_cases], "load_cases", "load case")
    for c, case in enumerate(inp.load_cases):
        field = f"load_cases.{c}"
        count = len(case.nodal_loads) + len(case.member_distributed_loads) + len(case.member_point_loads)
        if count > MAX_LOADS_PER_CASE:
            raise ToolInputError(field, f"load case {case.name!r} has {count} loads; at most {MAX_LOADS_PER_CASE}")
        for i, load in enumerate(case.nodal_loads):
            if load.node not in node_names:
                raise ToolInputError(f"{field}.nodal_loads.{i}.node", f"load on unknown node {load.node!r}")
            if load.mz_kNm != 0 and load.node in pinned:
                raise ToolInputError(
                    f"{field}.nodal_loads.{i}.mz_kNm",
                    f"node {load.node!r} is a pinned joint (every member end there is moment-released and rz is not "
                    "supported), so it cannot take a moment; apply the moment to a rigid joint or remove it",
                )
        member_loads = [("member_distributed_loads", load) for load in case.member_distributed_loads]
        member_loads += [("member_point_loads", load) for load in case.member_point_loads]
        counters = {"member_distributed_loads": 0, "member_point_loads": 0}
        for group, load in member_loads:
            i = counters[group]
            counters[group] += 1
            if load.member not in geometry:
                raise ToolInputError(f"{field}.{group}.{i}.member", f"load on unknown member {load.member!r}")
            if kinds[load.member] == "truss":
                raise ToolInputError(
                    f"{field}.{group}.{i}.member",
                    f"member {load.member!r} is a truss bar (axial force only); apply the load at its nodes or make "
                    "the member a beam_column with released ends",
                )
            if isinstance(load, MemberPointLoad) and load.distance_m > geometry[load.member].length + GEOMETRY_TOL_M:
                raise ToolInputError(
                    f"{field}.{group}.{i}.distance_m",
                    f"distance {load.distance_m:g} m is beyond the end of member {load.member!r} (length "
                    f"{geometry[load.member].length:g} m)",
                )


def _result_sets(inp: FrameInput) -> list[tuple[str, Literal["load_case", "combination"], dict[str, float]]]:
    case_names = [case.name for case in inp.load_cases]
    if inp.combinations is None:
        return [(name, "load_case", {name: 1.0}) for name in case_names]
    if not inp.combinations:
        raise ToolInputError("combinations", "the list of combinations is empty; omit it to analyse each load case")
    _check_unique([combination.name for combination in inp.combinations], "combinations", "combination")
    for index, combination in enumerate(inp.combinations):
        for case in combination.factors:
            if case not in case_names:
                raise ToolInputError(
                    f"combinations.{index}.factors.{case}",
                    f"combination {combination.name!r} refers to unknown load case {case!r}; known: "
                    f"{', '.join(case_names)}",
                )
    return [(combination.name, "combination", dict(combination.factors)) for combination in inp.combinations]


def _check(inp: FrameInput) -> _Checked:
    node_xy, geometry = _check_geometry(inp)
    supports = _check_supports(inp, node_xy)
    pinned_joints = _pinned_joints(inp, supports)
    _check_loads(inp, geometry, pinned_joints)
    result_sets = _result_sets(inp)
    if len(inp.members) * len(result_sets) > MAX_MEMBER_RESULTS:
        raise ToolInputError(
            "combinations",
            f"{len(inp.members)} members x {len(result_sets)} result sets exceeds {MAX_MEMBER_RESULTS}; analyse "
            "fewer combinations per call",
        )
    return _Checked(node_xy, geometry, supports, pinned_joints, result_sets)


# --------------------------------------------------------------------------------------------- PyNite model


def _local_z_sign(member) -> float:
    """+1 when PyNite's member local z is global +Z, -1 when it is -Z (members pointing towards -X).

    PyNite keeps local y "up" for horizontal and inclined members, so its local z flips with the member's
    direction. Our local y is always local x turned counter-clockwise (z = +Z); results about PyNite's axes are
    multiplied by this sign.
    """
    return float(np.sign(member.T()[2, 2]))


def _build_model(inp: FrameInput, checked: _Checked):
    from Pynite import FEModel3D

    model = FEModel3D()
    for node in inp.nodes:
        model.add_node(node.name, node.x_m, node.y_m, 0.0)
    # kN and m throughout: E in kN/m^2, A in m^2, I in m^4; results come out in kN, kN m and m.
    for index, member in enumerate(inp.members):
        E = member.E_MPa * 1e3
        A = member.A_mm2 * 1e-6
        I = (member.I_mm4 if member.I_mm4 is not None else member.A_mm2**2 / 12) * 1e-12  # noqa: E741
        # G, J and Iy only give stiffness to the out-of-plane freedoms, which carry no load in a plane frame.
        model.add_material(f"material {index}", E, E / 2.6, 0.3, 0.0)
        model.add_section(f"section {index}", A, I, I, I)
        model.add_member(member.name, member.start, member.end, f"material {index}", f"section {index}")
        if member.kind == "truss":
            model.def_releases(member.name, Rzi=True, Rzj=True)
        elif member.release_start_moment or member.release_end_moment:
            model.def_releases(member.name, Rzi=member.release_start_moment, Rzj=member.release_end_moment)

    # Out-of-plane springs: any positive stiffness gives the same (zero) out-of-plane response; one of the order of
    # the members' axial stiffness keeps the assembled matrix well scaled.
    spring = max(
        member.E_MPa * 1e3 * member.A_mm2 * 1e-6 / checked.geometry[member.name].length for member in inp.members
    )
    pinned = set(checked.pinned_joints)
    for node in inp.nodes:
        support = checked.supports.get(node.name)
        if support is not None:
            model.def_support(node.name, support.ux, support.uy, True, True, True, support.rz)
        else:
            for dof in ("DZ", "RX", "RY"):
                model.def_support_spring(node.name, dof, spring)
        if node.name in pinned:
            model.def_support_spring(node.name, "RZ", spring)

    signs = {member.name: _local_z_sign(model.members[member.name]) for member in inp.members}
    pynite_direction = {"global_x": "FX", "global_y": "FY", "local_y": "Fy"}
    for case in inp.load_cases:
        for load in case.nodal_loads:
            for direction, value in (("FX", load.fx_kN), ("FY", load.fy_kN), ("MZ", load.mz_kNm)):
                if value != 0:
                    model.add_node_load(load.node, direction, value, case.name)
        for load in case.member_distributed_loads:
            w = load.w_kN_per_m * (signs[load.member] if load.direction == "local_y" else 1.0)
            model.add_member_dist_load(load.member, pynite_direction[load.direction], w, w, case=case.name)
        for load in case.member_point_loads:
            p = load.p_kN * (signs[load.member] if load.direction == "local_y" else 1.0)
            x = min(load.distance_m, checked.geometry[load.member].length)
            model.add_member_pt_load(load.member, pynite_direction[load.direction], p, x, case.name)
    for name, _, factors in checked.result_sets:
        model.add_load_combo(name, factors)
    return model, signs


# --------------------------------------------------------------------------------------------- mechanisms


def _free_dofs(inp: FrameInput, checked: _Checked, model) -> tuple[list[int], list[str]]:
    """Indices in PyNite's global matrix of the in-plane freedoms left free, with their names."""
    indices: list[int] = []
    labels: list[str] = []
    pinned = set(checked.pinned_joints)
    for node in inp.nodes:
        support = checked.supports.get(node.name)
        base = model.nodes[node.name].ID * 6
        for offset, dof, held in (
            (0, "ux", support is not None and support.ux),
            (1, "uy", support is not None and support.uy),
            (5, "rz", (support is not None and support.rz) or node.name in pinned),
        ):
            if not held:
                indices.append(base + offset)
                labels.append(f"node {node.name!r} {dof}")
    return indices, labels


def _mechanism(inp: FrameInput, checked: _Checked, model) -> str | None:
    """Describe the mechanism if the in-plane stiffness matrix of the free freedoms is singular, else None.

    The matrix is scaled to a unit diagonal and factored without pivoting across the diagonal (an LDL^T of a
    positive semi-definite matrix): a zero pivot, to round-off, means a motion that costs no strain energy. That
    motion is then found by inverse iteration on the slightly shifted matrix and its largest components named.
    """
    from scipy.sparse import diags, identity
    from scipy.sparse.linalg import splu

    indices, labels = _free_dofs(inp, checked, model)
    if not indices:
        return None
    K = model.Ke(next(iter(model.load_combos)), check_stability=False, sparse=True).tocsr()
    K11 = K[indices][:, indices].tocsc()
    diagonal = K11.diagonal()
    # Per kind of freedom, a diagonal term that is round-off next to the largest one of its kind is a zero stiffness.
    rotational = np.array([label.endswith("rz") for label in labels])
    reference = np.where(
        rotational,
        diagonal[rotational].max(initial=0.0),
        diagonal[~rotational].max(initial=0.0),
    )
    zero = diagonal <= 1e-12 * reference
    if zero.any():
        return "; ".join(f"{labels[i]} has no stiffness" for i in np.flatnonzero(zero)[:MECHANISM_DOFS_LISTED])
    scale = diags(1.0 / np.sqrt(diagonal))
    scaled = (scale @ K11 @ scale).tocsc()
    options = {"SymmetricMode": True}
    try:
        pivots = np.abs(splu(scaled, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options=options).U.diagonal())
        singular = pivots.min() < MECHANISM_PIVOT_TOL
    except RuntimeError:  # "Factor is exactly singular"
        singular = True
    if not singular:
        return None
    shifted = splu((scaled + 1e-8 * identity(len(indices))).tocsc(), permc_spec="MMD_AT_PLUS_A")
    mode = np.random.default_rng(0).standard_normal(len(indices))
    for _ in range(3):
        mode = shifted.solve(mode)
        mode /= np.abs(mode).max()
    moving = [i for i in np.argsort(-np.abs(mode)) if abs(mode[i]) >= 0.2][:MECHANISM_DOFS_LISTED]
    return (
        f"the stiffness matrix is singular: {', '.join(labels[i] for i in moving)} can move without straining a member"
    )


def _solve(inp: FrameInput, checked: _Checked, model) -> None:
    """Run PyNite's linear analysis; a mechanism becomes a ToolInputError naming the freedoms that move.

    PyNite's own checks are kept on: a zero diagonal term (it prints the node and freedom, captured here and
    superseded by the description below) and a solution residual test. The residual test passes a singular system
    whose load does not excite the mechanism (a bar hanging from one pin, loaded along its axis), so the stiffness
    matrix itself is checked as well.
    """
    pynite_failure: str | None = None
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # PyNite prints unstable freedoms to stdout before raising
            model.analyze_linear(check_stability=True, check_statics=False, sparse=True)
    except Exception as err:
        if "unstable" not in str(err).lower() and "singular" not in str(err).lower():
            raise
        pynite_failure = str(err).rstrip(".")
    mechanism = _mechanism(inp, checked, model) or pynite_failure
    if mechanism is not None:
        raise ToolInputError(
            "",
            f"the structure is unstable (a mechanism): {mechanism}. Add supports, members or bracing, or remove "
            "moment releases, so that no part can move without straining a member",
        )


# --------------------------------------------------------------------------------------------- results


def _applied_loads(inp: FrameInput, checked: _Checked) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per load case: (sum of FX, FY, MZ about the origin) and (sum of |fx|+|fy| components, sum of |moments|)."""
    totals = {}
    for case in inp.load_cases:
        loads: list[tuple[float, float, float, float, float]] = []  # fx, fy, x, y, mz
        for load in case.nodal_loads:
            loads.append((load.fx_kN, load.fy_kN, *checked.node_xy[load.node], load.mz_kNm))
        for load in case.member_distributed_loads:
            geo = checked.geometry[load.member]
            ux, uy = geo.direction(load.direction)
            total = load.w_kN_per_m * geo.length
            loads.append((total * ux, total * uy, *geo.point(geo.length / 2), 0.0))
        for load in case.member_point_loads:
            geo = checked.geometry[load.member]
            ux, uy = geo.direction(load.direction)
            loads.append((load.p_kN * ux, load.p_kN * uy, *geo.point(min(load.distance_m, geo.length)), 0.0))
        array = np.array(loads, dtype=float).reshape(-1, 5)
        fx, fy, x, y, mz = array.T
        force = np.array([fx.sum(), fy.sum(), (x * fy - y * fx + mz).sum()])
        scale = np.array([(np.abs(fx) + np.abs(fy)).sum(), np.abs(mz).sum()])
        totals[case.name] = (force, scale)
    return totals


def _finite(value: float, what: str) -> float:
    value = float(value) + 0.0  # + 0.0 turns -0.0 into 0.0
    if not math.isfinite(value):
        raise ToolInputError("", f"the analysis produced a non-finite {what}; the model is numerically singular")
    return value


def _element(physical_member):
    (element,) = physical_member.sub_members.values()
    return element


def _member_result(name: str, member, sign: float, combo: str, length: float) -> MemberResult:
    """Internal forces in our convention: N = -PyNite axial, V = sign * PyNite Fy shear, M = -sign * PyNite Mz."""
    n_max, n_min = -member.min_axial(combo), -member.max_axial(combo)
    moments = (member.max_moment("Mz", combo), member.min_moment("Mz", combo))
    shears = (member.max_shear("Fy", combo), member.min_shear("Fy", combo))
    return MemberResult(
        member=name,
        length_m=length,
        axial_start_kN=_finite(-member.axial(0.0, combo), f"axial force in {name}"),
        shear_start_kN=_finite(sign * member.shear("Fy", 0.0, combo), f"shear in {name}"),
        moment_start_kNm=_finite(-sign * member.moment("Mz", 0.0, combo), f"moment in {name}"),
        axial_end_kN=_finite(-member.axial(length, combo), f"axial force in {name}"),
        shear_end_kN=_finite(sign * member.shear("Fy", length, combo), f"shear in {name}"),
        moment_end_kNm=_finite(-sign * member.moment("Mz", length, combo), f"moment in {name}"),
        max_abs_moment_kNm=_finite(max(abs(m) for m in moments), f"moment in {name}"),
        max_abs_shear_kN=_finite(max(abs(v) for v in shears), f"shear in {name}"),
        max_span_deflection_mm=_finite(
            np.abs(member.rel_deflection_array("dy", DEFLECTION_POINTS, combo)[1]).max() * 1e3, f"deflection of {name}"
        ),
        max_tension_kN=_finite(max(n_max, 0.0), f"axial force in {name}"),
        max_compression_kN=_finite(max(-n_min, 0.0), f"axial force in {name}"),
    )


def _summary(inp: FrameInput, checked: _Checked, displacements: list[NodeDisplacement]) -> DisplacementSummary:
    by_node = {d.node: d for d in displacements}
    ux = max(displacements, key=lambda d: abs(d.ux_mm))
    uy = max(displacements, key=lambda d: abs(d.uy_mm))
    total = max(displacements, key=lambda d: math.hypot(d.ux_mm, d.uy_mm))
    drift: tuple[float, str] | None = None
    for member in inp.members:
        geo = checked.geometry[member.name]
        if abs(geo.cx) <= GEOMETRY_TOL_M / geo.length:
            ratio = abs(by_node[member.end].ux_mm - by_node[member.start].ux_mm) / 1e3 / geo.length
            if drift is None or ratio > drift[0]:
                drift = (ratio, member.name)
    return DisplacementSummary(
        max_abs_ux_mm=abs(ux.ux_mm),
        max_abs_ux_node=ux.node,
        max_abs_uy_mm=abs(uy.uy_mm),
        max_abs_uy_node=uy.node,
        max_displacement_mm=math.hypot(total.ux_mm, total.uy_mm),
        max_displacement_node=total.node,
        max_column_drift_ratio=None if drift is None else drift[0],
        max_column_drift_member=None if drift is None else drift[1],
    )


def _result_set(
    inp: FrameInput,
    checked: _Checked,
    model,
    signs: dict[str, float],
    applied: dict[str, tuple[np.ndarray, np.ndarray]],
    result_set: tuple[str, Literal["load_case", "combination"], dict[str, float]],
) -> ResultSet:
    combo, kind, factors = result_set
    displacements = []
    for node in inp.nodes:
        pn = model.nodes[node.name]
        displacements.append(
            NodeDisplacement(
                node=node.name,
                ux_mm=_finite(pn.DX[combo] * 1e3, f"displacement of node {node.name}"),
                uy_mm=_finite(pn.DY[combo] * 1e3, f"displacement of node {node.name}"),
                rz_rad=_finite(pn.RZ[combo], f"rotation of node {node.name}"),
            )
        )
    reactions = []
    resultant = np.zeros(3)
    for support in inp.supports:
        pn = model.nodes[support.node]
        rx = _finite(pn.RxnFX[combo], f"reaction at {support.node}") if support.ux else 0.0
        ry = _finite(pn.RxnFY[combo], f"reaction at {support.node}") if support.uy else 0.0
        mz = _finite(pn.RxnMZ[combo], f"reaction at {support.node}") if support.rz else 0.0
        x, y = checked.node_xy[support.node]
        resultant += (rx, ry, x * ry - y * rx + mz)
        reactions.append(SupportReaction(node=support.node, rx_kN=rx, ry_kN=ry, mz_kNm=mz))
    force_scale = moment_scale = 0.0
    for case, factor in factors.items():
        total, scale = applied[case]
        resultant += factor * total
        force_scale += abs(factor) * scale[0]
        moment_scale += abs(factor) * scale[1]
    reach = max(math.hypot(x, y) for x, y in checked.node_xy.values())
    residual = np.abs(resultant)
    relative = 0.0
    if force_scale > 0 or moment_scale > 0:
        relative = max(
            residual[0] / force_scale if force_scale > 0 else residual[0],
            residual[1] / force_scale if force_scale > 0 else residual[1],
            residual[2] / (force_scale * reach + moment_scale),
        )
    # Each PyNite physical member holds exactly one element (no node lies inside a member); querying that element
    # directly segments it once per combination instead of once per query type.
    members = [
        _member_result(m.name, _element(model.members[m.name]), signs[m.name], combo, checked.geometry[m.name].length)
        for m in inp.members
    ]
    return ResultSet(
        name=combo,
        kind=kind,
        factors=factors,
        displacements=displacements,
        reactions=reactions,
        members=members,
        equilibrium=EquilibriumCheck(
            residual_fx_kN=float(residual[0]),
            residual_fy_kN=float(residual[1]),
            residual_mz_kNm=float(residual[2]),
            relative_residual=float(relative),
        ),
        summary=_summary(inp, checked, displacements),
    )


@register_tool("frame_analysis")
def analyse_frame(inp: FrameInput) -> FrameOutput:
    """Linear-elastic analysis of a plane (2D) frame or truss: displacements, reactions and member forces.

    First-order direct stiffness method (small displacements, linear-elastic material, no P-delta, no buckling,
    shear deformation neglected) solved by PyNite (PyNiteFEA 3.2). Beam-columns are Euler–Bernoulli elements with
    optional moment releases at their ends; truss members are pin-ended bars. Loads: nodal forces and moments,
    uniform and concentrated loads on beam-columns, grouped in load cases and optionally factored combinations
    (superposition). Reports per combination (or per load case): nodal displacements, support reactions, member
    end forces and the extreme moment, shear, tension and compression along each member (moment extremes inside a
    span included), a global equilibrium check (sum of loads and reactions, forces and moment about the origin) and
    the largest displacements and column drift ratio. A mechanism (singular stiffness: missing support, a truss
    panel without a diagonal, a frame pinned at both beam ends and the base) is reported as an error naming the
    freedoms that move. Truss joints (only moment-released ends meet) have their undefined rotation held; it
    carries no moment and reads 0. Sign conventions are stated in the output.
    """
    checked = _check(inp)
    model, signs = _build_model(inp, checked)
    _solve(inp, checked, model)
    applied = _applied_loads(inp, checked)
    return FrameOutput(
        results=[_result_set(inp, checked, model, signs, applied, rs) for rs in checked.result_sets],
        sign_conventions=SIGN_CONVENTIONS,
        rotation_restrained_nodes=list(checked.pinned_joints),
    )
