"""Figures of one plane-frame result for the engineer's report: the model with its factored loads, the deformed
shape, the axial forces and the bending moments of a load combination, each written as a PNG.

The figures read only the analysis model (`FrameInput`) and its results, so they serve every structure MASSE checks
(a rack's side frame with its loads at the nodes, a steel bent whose beam carries roof line loads) and say nothing
about what the members are called in one of them. Members with span loads are drawn from statics, not as straight
lines: the moment between the ends is the end moments' line plus the simple-span moment of the span loads, and the
deflected axis is the chord plus the simply supported beam's deflection under that moment (first-order beam theory).

Matplotlib's object API is used (``Figure`` with the Agg canvas, no pyplot), so nothing here needs a display or
changes the caller's backend. Geometry is in m, forces in kN, moments in kN m, as in `FrameInput`/`ResultSet`.
The numbers drawn come from pure functions (`factored_nodal_loads`, `factored_member_loads`, `moment_diagram_points`,
`deflected_members`) that tests can read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle

from reasonsuite.atomic_files import save_figure_atomically
from reasonsuite.tools.structural.frame_model import (
    FrameInput,
    FrameMember,
    LoadDirection,
    MemberResult,
    ResultSet,
    Support,
    load_direction,
)

__all__ = [
    "DPI",
    "DeflectedMember",
    "MemberLoad",
    "MomentDiagram",
    "NodeLoad",
    "axial_figure",
    "deflected_members",
    "deformed_figure",
    "factored_member_loads",
    "factored_nodal_loads",
    "frame_figure",
    "member_axial_kN",
    "moment_diagram_points",
    "moment_figure",
    "sig_figs",
    "span_loaded_members",
]

DPI = 120
FONT = 8
LOAD_ARROW = 0.12  # load arrow length / largest frame dimension
DEFORMED_TARGET = 0.10  # largest drawn displacement / frame height
MOMENT_TARGET = 0.08  # largest moment ordinate / largest frame dimension
SMALL_LOAD = 0.02  # loads below this share of the combination's largest load are counted, not drawn
BEAM_COLUMN_STYLE = {"color": "black", "lw": 2.2, "solid_capstyle": "round"}
TRUSS_STYLE = {"color": "0.3", "lw": 1.1, "ls": (0, (5, 3))}
RELEASE_STYLE = {"marker": "o", "ms": 5, "mfc": "white", "mec": "black", "mew": 1.1}
STATIONS = 41  # points along a member where a moment diagram or a deflected axis with span loads is evaluated
GREY = "0.72"

Point = tuple[float, float]


@dataclass(frozen=True)
class NodeLoad:
    """The factored force and moment at a node in one combination (sum of factor × load-case nodal loads)."""

    node: str
    fx_kN: float
    fy_kN: float
    mz_kNm: float


@dataclass(frozen=True)
class MemberLoad:
    """A factored load along a member in one combination (Σ factor × load-case loads).

    Distributed loads on one member in one direction are summed into one entry (a roof line load and the beam's
    self-weight act as one load); each point load keeps its own entry. `distance_m` is None for a distributed load
    (over the full length, per metre of member length) and the point's distance from the start node otherwise.
    """

    member: str
    direction: LoadDirection
    w_kN_per_m: float = 0.0
    p_kN: float = 0.0
    distance_m: float | None = None


@dataclass(frozen=True)
class MomentDiagram:
    """A beam-column's moment diagram as drawn: its ends, the ordinates at them and the diagram along it.

    Ordinates are drawn on the tension side: M > 0 puts the member's local -y face in tension (frame_analysis
    convention), so the ordinate at a point is the point + M × scale × (-local y). Between the ends M is the end
    moments' line plus the simple-span moment of the span loads (statics of the member, first order): straight for
    a member loaded at its nodes only (`linear`), parabolic under a uniform load, kinked under a point load.
    """

    member: str
    start_xy: Point
    end_xy: Point
    start_ordinate_xy: Point
    end_ordinate_xy: Point
    moment_start_kNm: float
    moment_end_kNm: float
    max_abs_moment_kNm: float
    linear: bool
    scale_m_per_kNm: float
    stations_m: tuple[float, ...] = ()
    moments_kNm: tuple[float, ...] = ()
    ordinates_xy: tuple[Point, ...] = ()


@dataclass(frozen=True)
class DeflectedMember:
    """A member's displaced axis, unscaled: points on the undeformed axis and their global displacements, m.

    `from_statics`: the axis is the chord between the displaced ends plus the deflection of a simply supported beam
    under the member's moment diagram (v'' = M/EI), which is right for members with span loads or moment releases;
    otherwise it is the cubic through the end displacements and rotations (exact for a member loaded at its ends).
    """

    member: str
    points_xy: tuple[Point, ...]
    displacements_m: tuple[Point, ...]
    from_statics: bool


# ----------------------------------------------------------------------------------------------------------------
# Pure helpers (the numbers the figures draw)


def factored_nodal_loads(frame: FrameInput, factors: dict[str, float]) -> list[NodeLoad]:
    """Σ factor × nodal load over the load cases, per node (frame node order; unloaded nodes left out)."""
    totals: dict[str, list[float]] = {}
    for case in frame.load_cases:
        factor = factors.get(case.name, 0.0)
        if factor == 0.0:
            continue
        for load in case.nodal_loads:
            total = totals.setdefault(load.node, [0.0, 0.0, 0.0])
            total[0] += factor * load.fx_kN
            total[1] += factor * load.fy_kN
            total[2] += factor * load.mz_kNm
    return [NodeLoad(node.name, *totals[node.name]) for node in frame.nodes if node.name in totals]


def factored_member_loads(frame: FrameInput, factors: dict[str, float]) -> list[MemberLoad]:
    """The span loads of a combination: distributed loads summed per member and direction, point loads one each.

    Zero totals are left out; order: distributed loads as they first appear in the load cases, then point loads.
    """
    distributed: dict[tuple[str, LoadDirection], float] = {}
    points: list[MemberLoad] = []
    for case in frame.load_cases:
        factor = factors.get(case.name, 0.0)
        if factor == 0.0:
            continue
        for udl in case.member_distributed_loads:
            key = (udl.member, udl.direction)
            distributed[key] = distributed.get(key, 0.0) + factor * udl.w_kN_per_m
        points += [
            MemberLoad(load.member, load.direction, p_kN=factor * load.p_kN, distance_m=load.distance_m)
            for load in case.member_point_loads
            if load.p_kN != 0.0
        ]
    return [MemberLoad(member, direction, w_kN_per_m=w) for (member, direction), w in distributed.items() if w] + points


def _across(load: MemberLoad, cx: float, cy: float) -> float:
    """The load's component along the member's local +y (per metre for a distributed load)."""
    dx, dy = load_direction(load.direction, cx, cy)
    along_local_y = -dx * cy + dy * cx
    return (load.w_kN_per_m if load.distance_m is None else load.p_kN) * along_local_y


def span_loaded_members(frame: FrameInput, factors: dict[str, float]) -> set[str]:
    """Members with a load across them in a combination: their moment diagram is not the line between the ends.

    A load along a member's axis (a column's self-weight) only changes its axial force and is not counted.
    """
    xy = _coordinates(frame)
    members = {member.name: member for member in frame.members}
    loaded = set()
    for load in factored_member_loads(frame, factors):
        _, _, cx, cy, _ = _axes_of(members[load.member], xy)
        if abs(_across(load, cx, cy)) > 1e-12:
            loaded.add(load.member)
    return loaded


def member_axial_kN(force: MemberResult) -> float:
    """The member's axial force as one number: its larger compression (negative) or tension (positive)."""
    if force.max_compression_kN >= force.max_tension_kN:
        return -force.max_compression_kN
    return force.max_tension_kN


def _coordinates(frame: FrameInput) -> dict[str, Point]:
    return {node.name: (node.x_m, node.y_m) for node in frame.nodes}


def _axes_of(member: FrameMember, xy: dict[str, Point]) -> tuple[Point, Point, float, float, float]:
    """Start, end, direction cosines (cx, cy) and length; local y = (-cy, cx)."""
    (x1, y1), (x2, y2) = xy[member.start], xy[member.end]
    length = math.hypot(x2 - x1, y2 - y1)
    return (x1, y1), (x2, y2), (x2 - x1) / length, (y2 - y1) / length, length


def _size(frame: FrameInput) -> tuple[float, float, float, float, float]:
    """Bounding box (xmin, xmax, ymin, ymax) and the larger dimension (never 0)."""
    xs = [node.x_m for node in frame.nodes]
    ys = [node.y_m for node in frame.nodes]
    size = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    return min(xs), max(xs), min(ys), max(ys), size


def _moments_along(
    member: FrameMember, force: MemberResult, loads: list[MemberLoad], xy: dict[str, Point], count: int
) -> tuple[np.ndarray, np.ndarray]:
    """Stations s (m from the start, point-load positions included) and M(s): the end moments' line plus the
    simple-span moment of the loads across the member (M > 0: tension on the local -y face)."""
    _, _, cx, cy, length = _axes_of(member, xy)
    mine = [load for load in loads if load.member == member.name]
    kinks = [min(load.distance_m, length) for load in mine if load.distance_m is not None]
    s = np.unique(np.concatenate([np.linspace(0.0, length, count), kinks]))
    moment = force.moment_start_kNm + (force.moment_end_kNm - force.moment_start_kNm) * s / length
    for load in mine:
        across = _across(load, cx, cy)
        if load.distance_m is None:  # uniform load q: M0 = -q s (L - s) / 2 (q towards -y sags the member)
            moment -= across * s * (length - s) / 2
        else:  # point load P at a: M0 = -P s (L - a) / L before it, -P a (L - s) / L after it
            a = min(load.distance_m, length)
            moment -= across * np.where(s <= a, s * (length - a), a * (length - s)) / length
    return s, moment


def moment_diagram_points(
    frame: FrameInput, result: ResultSet, scale_m_per_kNm: float | None = None
) -> list[MomentDiagram]:
    """The moment diagram of every beam-column of a result, as drawn by `moment_figure`.

    Straight between the end moments for a member without loads across it (every rack member: its loads are at the
    nodes); with span loads the simple-span moment is added (a parabola under the steel frame's roof line load).
    Default scale: the largest |M| is drawn 8% of the frame's larger dimension long.
    """
    xy = _coordinates(frame)
    forces = {force.member: force for force in result.members}
    columns = [m for m in frame.members if m.kind == "beam_column" and m.name in forces]
    if scale_m_per_kNm is None:
        largest = max((forces[m.name].max_abs_moment_kNm for m in columns), default=0.0)
        scale_m_per_kNm = MOMENT_TARGET * _size(frame)[4] / largest if largest > 0 else 0.0
    loads = factored_member_loads(frame, result.factors)
    loaded = span_loaded_members(frame, result.factors)
    diagrams = []
    for member in columns:
        force = forces[member.name]
        start, end, cx, cy, _ = _axes_of(member, xy)
        tx, ty = cy * scale_m_per_kNm, -cx * scale_m_per_kNm  # -local y, per kN m
        s, moment = _moments_along(member, force, loads, xy, STATIONS if member.name in loaded else 2)
        ordinates = tuple(
            (start[0] + si * cx + mi * tx, start[1] + si * cy + mi * ty)
            for si, mi in zip(s.tolist(), moment.tolist(), strict=True)
        )
        diagrams.append(
            MomentDiagram(
                member=member.name,
                start_xy=start,
                end_xy=end,
                start_ordinate_xy=(start[0] + force.moment_start_kNm * tx, start[1] + force.moment_start_kNm * ty),
                end_ordinate_xy=(end[0] + force.moment_end_kNm * tx, end[1] + force.moment_end_kNm * ty),
                moment_start_kNm=force.moment_start_kNm,
                moment_end_kNm=force.moment_end_kNm,
                max_abs_moment_kNm=force.max_abs_moment_kNm,
                linear=member.name not in loaded,
                scale_m_per_kNm=scale_m_per_kNm,
                stations_m=tuple(s.tolist()),
                moments_kNm=tuple(moment.tolist()),
                ordinates_xy=ordinates,
            )
        )
    return diagrams


def _cumulative_integral(values: np.ndarray, s: np.ndarray) -> np.ndarray:
    """∫ from 0 to each station, trapezoidal."""
    return np.concatenate([[0.0], np.cumsum((values[1:] + values[:-1]) / 2 * np.diff(s))])


def deflected_members(frame: FrameInput, result: ResultSet) -> list[DeflectedMember]:
    """Every member's displaced axis in a result, unscaled (drawn by `deformed_figure`).

    A beam-column with loads across it or a released end is drawn from statics: the chord between its displaced
    ends plus v(s) with v'' = M/EI and v = 0 at both ends (a simply supported beam under the member's own moment
    diagram, first-order Euler-Bernoulli theory), so a pinned roof beam shows its sag. Any other member is the cubic
    (Hermite) through its end displacements and rotations, straight for a truss.
    """
    xy = _coordinates(frame)
    moved = {d.node: (d.ux_mm / 1000, d.uy_mm / 1000, d.rz_rad) for d in result.displacements}
    forces = {force.member: force for force in result.members}
    loads = factored_member_loads(frame, result.factors)
    loaded = span_loaded_members(frame, result.factors)
    shapes = []
    for member in frame.members:
        start, _, cx, cy, length = _axes_of(member, xy)
        (ux1, uy1, r1), (ux2, uy2, r2) = moved.get(member.start, (0, 0, 0)), moved.get(member.end, (0, 0, 0))
        u1, v1 = ux1 * cx + uy1 * cy, -ux1 * cy + uy1 * cx  # end displacements along and across the member
        u2, v2 = ux2 * cx + uy2 * cy, -ux2 * cy + uy2 * cx
        released = member.release_start_moment or member.release_end_moment
        statics = (
            member.kind == "beam_column"
            and (member.name in loaded or released)
            and member.name in forces
            and member.I_mm4 is not None
        )
        if statics:
            s, moment = _moments_along(member, forces[member.name], loads, xy, 5 * STATIONS)
            xi = s / length
            ei_kNm2 = member.E_MPa * member.I_mm4 * 1e-9  # MPa × mm⁴ → kN m²
            v = _cumulative_integral(_cumulative_integral(moment / ei_kNm2, s), s)
            v = (1 - xi) * v1 + xi * v2 + v - xi * v[-1]
        else:
            xi = np.linspace(0.0, 1.0, 21)
            s = xi * length
            if member.kind == "truss" or released:
                v = (1 - xi) * v1 + xi * v2
            else:
                v = (
                    (1 - 3 * xi**2 + 2 * xi**3) * v1
                    + (xi - 2 * xi**2 + xi**3) * length * r1
                    + (3 * xi**2 - 2 * xi**3) * v2
                    + (-(xi**2) + xi**3) * length * r2
                )
        u = (1 - xi) * u1 + xi * u2
        shapes.append(
            DeflectedMember(
                member=member.name,
                points_xy=tuple(zip((start[0] + s * cx).tolist(), (start[1] + s * cy).tolist(), strict=True)),
                displacements_m=tuple(zip((u * cx - v * cy).tolist(), (u * cy + v * cx).tolist(), strict=True)),
                from_statics=statics,
            )
        )
    return shapes


def sig_figs(value: float, digits: int = 3) -> str:
    """A number with `digits` significant figures, never in exponent form; 0 for round-off."""
    if abs(value) < 1e-9:
        return "0"
    rounded = float(f"{value:.{digits}g}")
    if abs(rounded) >= 10 ** (digits - 1):
        return f"{rounded:.0f}"
    decimals = digits - 1 - math.floor(math.log10(abs(rounded)))
    return f"{rounded:.{decimals}f}"


# ----------------------------------------------------------------------------------------------------------------
# Drawing


def _new_axes(
    frame: FrameInput, pad_x: float, pad_y: float, also: list[Point] | tuple[Point, ...] = ()
) -> tuple[Figure, Axes]:
    """A figure sized to the frame's proportions (plus room for arrows and labels), equal axes in m.

    `also`: points drawn beyond the nodes (diagram ordinates, displaced nodes) that must be inside the axes.
    """
    xmin, xmax, ymin, ymax, _ = _size(frame)
    if also:
        xmin, xmax = min(xmin, *(p[0] for p in also)), max(xmax, *(p[0] for p in also))
        ymin, ymax = min(ymin, *(p[1] for p in also)), max(ymax, *(p[1] for p in also))
    ratio = (ymax - ymin + 2 * pad_y) / (xmax - xmin + 2 * pad_x)
    if ratio >= 1:
        height = 7.0
        width = min(max(4.2, height / ratio + 1.4), 9.0)
    else:
        width = 8.0
        height = min(max(3.6, width * ratio + 1.2), 7.0)
    figure = Figure(figsize=(width, height), dpi=DPI)
    axes = figure.add_subplot()
    axes.set_aspect("equal", adjustable="box")
    axes.set_xlim(xmin - pad_x, xmax + pad_x)
    axes.set_ylim(ymin - pad_y, ymax + pad_y)
    axes.set_xlabel("x, m", fontsize=FONT)
    axes.set_ylabel("y, m", fontsize=FONT)
    axes.tick_params(labelsize=FONT - 1)
    for spine in axes.spines.values():
        spine.set_color(GREY)
    return figure, axes


def _draw_members(axes: Axes, frame: FrameInput, grey: bool = False) -> None:
    xy = _coordinates(frame)
    for member in frame.members:
        (x1, y1), (x2, y2) = xy[member.start], xy[member.end]
        style = dict(BEAM_COLUMN_STYLE if member.kind == "beam_column" else TRUSS_STYLE)
        if grey:
            style["color"] = GREY
        axes.plot([x1, x2], [y1, y2], zorder=2, **style)


def _draw_supports(axes: Axes, frame: FrameInput, size: float) -> None:
    """Fixed: a hatched base; pinned: a triangle on a hatched base; roller: a triangle on a line."""
    xy = _coordinates(frame)
    s = 0.045 * size
    for support in frame.supports:
        x, y = xy[support.node]
        _draw_support(axes, x, y, support, s)


def _draw_support(axes: Axes, x: float, y: float, support: Support, s: float) -> None:
    ground = y
    if support.ux and support.uy and support.rz:
        axes.plot([x - s, x + s], [y, y], color="black", lw=2, zorder=3)
    elif support.ux or support.uy:
        ground = y - 1.2 * s
        axes.add_patch(
            Polygon(
                [(x, y), (x - 0.8 * s, ground), (x + 0.8 * s, ground)],
                closed=True,
                facecolor="white",
                edgecolor="black",
                lw=1.2,
                zorder=3,
            )
        )
        if not (support.ux and support.uy):  # roller: a gap line under the triangle
            ground -= 0.3 * s
        axes.plot([x - s, x + s], [ground, ground], color="black", lw=1.5, zorder=3)
    else:  # rotation only
        axes.add_patch(Rectangle((x - 0.4 * s, y - 0.4 * s), 0.8 * s, 0.8 * s, fill=False, lw=1.2, zorder=3))
        return
    if support.ux and support.uy:
        axes.add_patch(
            Rectangle(
                (x - s, ground - 0.5 * s), 2 * s, 0.5 * s, hatch="////", fill=False, edgecolor="black", lw=0, zorder=3
            )
        )


def _draw_nodes(axes: Axes, frame: FrameInput, color: str = "black") -> None:
    axes.plot([n.x_m for n in frame.nodes], [n.y_m for n in frame.nodes], "o", ms=2.5, color=color, zorder=4)


def _arrow(axes: Axes, tail: Point, head: Point, color: str) -> None:
    axes.annotate(
        "",
        xy=head,
        xytext=tail,
        zorder=5,
        arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.4, "mutation_scale": 11, "shrinkA": 0, "shrinkB": 0},
    )


def _curved_arrow(
    axes: Axes, x: float, y: float, radius: float, counter_clockwise: bool, left_half: bool, color: str
) -> None:
    """A moment: an arc round the node, on its left or right half, with the head showing the sense."""
    low, high = (110, 250) if left_half else (-70, 70)
    angles = np.radians(np.linspace(low, high, 20) if counter_clockwise else np.linspace(high, low, 20))
    xs, ys = x + radius * np.cos(angles), y + radius * np.sin(angles)
    axes.plot(xs[:-1], ys[:-1], color=color, lw=1.4, zorder=5)
    _arrow(axes, (xs[-2], ys[-2]), (xs[-1], ys[-1]), color)


def _draw_node_loads(
    axes: Axes, frame: FrameInput, loads: list[NodeLoad], size: float, reference_kN: float
) -> tuple[int, float]:
    """Arrows for the nodal loads, on the outside of the frame; returns how many small ones were left out.

    A component below SMALL_LOAD × `reference_kN` (the largest load of the combination, a member's total span load
    included) is counted, not drawn: a lumped self-weight next to a roof load would only clutter the figure.
    """
    xy = _coordinates(frame)
    xmin, xmax, _, _, _ = _size(frame)
    middle = (xmin + xmax) / 2
    length = LOAD_ARROW * size
    threshold = SMALL_LOAD * reference_kN
    skipped, skipped_total = 0, 0.0
    for load in loads:
        x, y = xy[load.node]
        side = -1.0 if x < middle - 1e-9 or xmax == xmin else 1.0
        if abs(load.fx_kN) > threshold:
            outer = (x + side * length, y)
            tail, head = ((x, y), outer) if load.fx_kN * side > 0 else (outer, (x, y))
            _arrow(axes, tail, head, "tab:red")
            axes.text(
                (x + outer[0]) / 2,
                y - 0.015 * size,
                f"{sig_figs(abs(load.fx_kN))} kN",
                ha="center",
                va="top",
                fontsize=FONT - 1,
                color="tab:red",
            )
        elif load.fx_kN != 0.0:
            skipped, skipped_total = skipped + 1, skipped_total + abs(load.fx_kN)
        if abs(load.fy_kN) > threshold:
            dx = side * 0.02 * size
            outer = (x + dx, y + length)
            tail, head = ((x + dx, y), outer) if load.fy_kN > 0 else (outer, (x + dx, y))
            _arrow(axes, tail, head, "tab:blue")
            axes.text(
                x + dx,
                y + length + 0.01 * size,
                f"{sig_figs(abs(load.fy_kN))} kN",
                ha="right" if side < 0 else "left",
                va="bottom",
                fontsize=FONT - 1,
                color="tab:blue",
            )
        elif load.fy_kN != 0.0:
            skipped, skipped_total = skipped + 1, skipped_total + abs(load.fy_kN)
        if load.mz_kNm != 0.0:  # on the inner side of the node, clear of the force arrows
            _curved_arrow(axes, x, y, 0.05 * size, load.mz_kNm > 0, side > 0, "tab:purple")
            axes.text(
                x - side * 0.06 * size,
                y - 0.05 * size,
                f"{sig_figs(abs(load.mz_kNm))} kN m",
                va="top",
                ha="left" if side < 0 else "right",
                fontsize=FONT - 1,
                color="tab:purple",
            )
    return skipped, skipped_total


def _draw_member_loads(axes: Axes, frame: FrameInput, loads: list[MemberLoad], size: float) -> int:
    """Span loads: a row of small arrows for a distributed load, one arrow for a point load (factored, summed per
    member and direction). Returns how many distributed loads were left out: those along their member's axis (a
    column's self-weight, whose arrows would lie on the member) or below SMALL_LOAD of the largest one."""
    xy = _coordinates(frame)
    members = {member.name: member for member in frame.members}
    height = 0.06 * size
    largest = max((abs(load.w_kN_per_m) for load in loads if load.distance_m is None), default=0.0)
    skipped = 0
    for load in loads:
        start, end, cx, cy, length = _axes_of(members[load.member], xy)
        d = load_direction(load.direction, cx, cy)
        if load.distance_m is None:
            w = load.w_kN_per_m
            if abs(_across(load, cx, cy)) < 1e-9 * abs(w) or abs(w) < SMALL_LOAD * largest:
                skipped += 1
                continue
            sign = math.copysign(1.0, w)
            tails = []
            for t in np.linspace(0.0, 1.0, 7):
                head = (start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]))
                tail = (head[0] - sign * d[0] * height, head[1] - sign * d[1] * height)
                tails.append(tail)
                _arrow(axes, tail, head, "tab:green")
            axes.plot([p[0] for p in tails], [p[1] for p in tails], color="tab:green", lw=1.0, zorder=5)
            middle = tails[len(tails) // 2]
            axes.text(
                middle[0],
                middle[1] + (0.01 if sign < 0 else -0.01) * size,
                f"{sig_figs(abs(w))} kN/m",
                ha="center",
                va="bottom" if sign < 0 else "top",
                fontsize=FONT - 1,
                color="tab:green",
            )
        else:
            p = load.p_kN
            t = min(load.distance_m / length, 1.0)
            head = (start[0] + t * cx * length, start[1] + t * cy * length)
            sign = math.copysign(1.0, p)
            tail = (head[0] - sign * d[0] * 2 * height, head[1] - sign * d[1] * 2 * height)
            _arrow(axes, tail, head, "tab:green")
            axes.text(
                tail[0],
                tail[1],
                f"{sig_figs(abs(p))} kN",
                ha="center",
                va="bottom" if sign < 0 else "top",
                fontsize=FONT - 1,
                color="tab:green",
            )
    return skipped


def _draw_releases(axes: Axes, frame: FrameInput, size: float) -> bool:
    """An open circle just inside each released (pinned) member end; returns whether there was one."""
    xy = _coordinates(frame)
    offset = 0.025 * size
    drawn = False
    for member in frame.members:
        start, end, cx, cy, _ = _axes_of(member, xy)
        ends = ((member.release_start_moment, start, 1.0), (member.release_end_moment, end, -1.0))
        for released, (x, y), sign in ends:
            if released and member.kind == "beam_column":
                axes.plot(x + sign * offset * cx, y + sign * offset * cy, zorder=4, **RELEASE_STYLE)
                drawn = True
    return drawn


def _save(figure: Figure, path: Path) -> Path:
    """Write the PNG atomically: to a temporary name in the same folder, then rename."""
    return save_figure_atomically(figure, Path(path), format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.08)


def _footnote(axes: Axes, text: str) -> None:
    """A grey line of text under the axes' x label."""
    axes.annotate(
        text,
        xy=(0.5, 0.0),
        xycoords="axes fraction",
        xytext=(0, -30),
        textcoords="offset points",
        ha="center",
        va="top",
        fontsize=FONT - 1,
        color="0.3",
    )


def _title(axes: Axes, text: str) -> None:
    axes.set_title(text, fontsize=FONT + 1)


def frame_figure(frame: FrameInput, result: ResultSet | None, path: Path) -> Path:
    """The model: beam-columns solid, truss members dashed, moment releases as open circles, supports, and the
    combination's factored loads (nodal loads as red and blue arrows, span loads in green).

    Without a result (the analysis did not run) the geometry alone is drawn. Nodal loads smaller than 2% of the
    largest load (typically lumped self-weight) and line loads along a member's axis (a column's self-weight) are
    not drawn; their count is given under the figure.
    """
    _, _, _, _, size = _size(frame)
    figure, axes = _new_axes(frame, pad_x=LOAD_ARROW * size * 1.7, pad_y=LOAD_ARROW * size * 1.3)
    _draw_members(axes, frame)
    released = _draw_releases(axes, frame, size)
    _draw_nodes(axes, frame)
    _draw_supports(axes, frame, size)
    if result is None:
        _title(axes, f"Frame model: {len(frame.nodes)} nodes, {len(frame.members)} members")
    else:
        loads = factored_nodal_loads(frame, result.factors)
        member_loads = factored_member_loads(frame, result.factors)
        xy = _coordinates(frame)
        members = {member.name: member for member in frame.members}
        reference = max(
            [max(abs(load.fx_kN), abs(load.fy_kN)) for load in loads]
            + [abs(load.p_kN) for load in member_loads]
            + [abs(load.w_kN_per_m) * _axes_of(members[load.member], xy)[4] for load in member_loads],
            default=0.0,
        )
        skipped, skipped_total = _draw_node_loads(axes, frame, loads, size, reference)
        skipped_lines = _draw_member_loads(axes, frame, member_loads, size)
        _title(axes, f"Frame and factored loads: {result.name}")
        notes = []
        if skipped:
            notes.append(
                f"{skipped} nodal load components below {SMALL_LOAD:.0%} of the largest load "
                f"(total {sig_figs(skipped_total)} kN, e.g. self-weight) not drawn"
            )
        if skipped_lines:
            notes.append(
                f"{skipped_lines} line loads along their member's axis (e.g. a column's self-weight) or below "
                f"{SMALL_LOAD:.0%} of the largest not drawn"
            )
        if notes:
            _footnote(axes, ";\n".join(notes))
    axes.plot([], [], **BEAM_COLUMN_STYLE, label="beam-column")
    if any(member.kind == "truss" for member in frame.members):
        axes.plot([], [], **TRUSS_STYLE, label="truss (pin-ended)")
    if released:
        axes.plot([], [], ls="none", label="moment release", **RELEASE_STYLE)
    # Outside the axes, where no load arrow or label can lie under it.
    axes.legend(fontsize=FONT - 1, loc="upper left", bbox_to_anchor=(1.01, 1.0), framealpha=0.9)
    return _save(figure, path)


def deformed_figure(frame: FrameInput, result: ResultSet, path: Path) -> Path:
    """Undeformed frame in grey, deformed shape in colour; displacements scaled so the largest (a node's or a point
    along a member's, e.g. a roof beam's sag) is ~10% of the frame height (the scale factor is in the title).
    Member axes are drawn as `deflected_members` gives them."""
    xmin, xmax, ymin, ymax, size = _size(frame)
    xy = _coordinates(frame)
    shapes = deflected_members(frame, result)
    moved = {d.node: (d.ux_mm / 1000, d.uy_mm / 1000) for d in result.displacements}
    largest_node = max((math.hypot(ux, uy) for ux, uy in moved.values()), default=0.0)
    along = [
        (math.hypot(dx, dy), shape.member, (x, y), (dx, dy))
        for shape in shapes
        for (x, y), (dx, dy) in zip(shape.points_xy, shape.displacements_m, strict=True)
    ]
    peak = max(along, default=(0.0, "", (0.0, 0.0), (0.0, 0.0)), key=lambda item: item[0])
    largest = max(largest_node, peak[0])
    reference = (ymax - ymin) or size
    scale = DEFORMED_TARGET * reference / largest if largest > 0 else 1.0
    displaced = {
        name: (x + scale * moved.get(name, (0, 0))[0], y + scale * moved.get(name, (0, 0))[1])
        for name, (x, y) in xy.items()
    }
    curves = [
        [
            (x + scale * dx, y + scale * dy)
            for (x, y), (dx, dy) in zip(shape.points_xy, shape.displacements_m, strict=True)
        ]
        for shape in shapes
    ]
    drawn = [*displaced.values(), *(point for curve in curves for point in curve)]
    figure, axes = _new_axes(frame, pad_x=0.16 * size, pad_y=0.06 * size, also=drawn)
    _draw_members(axes, frame, grey=True)
    _draw_supports(axes, frame, size)
    kinds = {member.name: member.kind for member in frame.members}
    for shape, curve in zip(shapes, curves, strict=True):
        style = {"color": "tab:blue", "lw": 2.0 if kinds[shape.member] == "beam_column" else 1.0}
        if kinds[shape.member] == "truss":
            style["ls"] = (0, (5, 3))
        axes.plot([p[0] for p in curve], [p[1] for p in curve], zorder=3, **style)
    axes.plot([p[0] for p in displaced.values()], [p[1] for p in displaced.values()], "o", ms=2.5, color="tab:blue")

    def annotate(text: str, x: float, y: float, below: bool) -> None:
        right = x >= (xmin + xmax) / 2
        axes.annotate(
            text,
            xy=(x, y),
            xytext=(x + (0.1 if right else -0.1) * size, y + (-0.06 if below else 0.06) * size),
            ha="left" if right else "right",
            fontsize=FONT - 1,
            arrowprops={"arrowstyle": "-", "color": "0.4", "lw": 0.8},
        )

    summary = result.summary
    if largest_node > 0:
        x, y = displaced[summary.max_displacement_node]
        annotate(f"max {sig_figs(summary.max_displacement_mm)} mm\nat {summary.max_displacement_node}", x, y, True)
    if peak[0] > 1.05 * largest_node:  # a member deflects more between its ends than any node moves
        (x, y), (dx, dy) = peak[2], peak[3]
        annotate(f"max {sig_figs(peak[0] * 1000)} mm\nalong {peak[1]}", x + scale * dx, y + scale * dy, dy < 0)
    if largest > 0:
        _title(axes, f"Deformed shape: {result.name}\n(displacements × {sig_figs(scale)})")
    else:
        _title(axes, f"Deformed shape: {result.name}\n(no displacement)")
    return _save(figure, path)


def _label_position(
    start: Point, end: Point, middle_x: float, size: float
) -> tuple[Point, str, str, dict[str, object] | None]:
    """Where a member's label goes: outside a vertical member, above a horizontal one, on an inclined one."""
    mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
    if abs(end[0] - start[0]) < 1e-9:
        side = -1.0 if mx < middle_x - 1e-9 else 1.0
        return (mx + side * 0.03 * size, my), "right" if side < 0 else "left", "center", None
    if abs(end[1] - start[1]) < 1e-9:
        return (mx, my + 0.015 * size), "center", "bottom", None
    return (mx, my), "center", "center", {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85}


def axial_figure(frame: FrameInput, result: ResultSet, path: Path) -> Path:
    """Members coloured and labelled by axial force, kN: tension +, compression −."""
    xmin, xmax, _, _, size = _size(frame)
    figure, axes = _new_axes(frame, pad_x=0.22 * size, pad_y=0.06 * size)
    _draw_supports(axes, frame, size)
    xy = _coordinates(frame)
    forces = {force.member: member_axial_kN(force) for force in result.members}
    largest = max((abs(value) for value in forces.values()), default=0.0) or 1.0
    norm = Normalize(vmin=-largest, vmax=largest)
    mappable = ScalarMappable(norm=norm, cmap="RdBu")
    for member in frame.members:
        (x1, y1), (x2, y2) = xy[member.start], xy[member.end]
        value = forces.get(member.name, 0.0)
        axes.plot(
            [x1, x2],
            [y1, y2],
            color=mappable.to_rgba(value),
            lw=3.2 if member.kind == "beam_column" else 2.2,
            solid_capstyle="butt",
            zorder=2,
        )
        (lx, ly), ha, va, box = _label_position((x1, y1), (x2, y2), (xmin + xmax) / 2, size)
        axes.text(lx, ly, sig_figs(value), ha=ha, va=va, fontsize=FONT - 1, bbox=box, zorder=4)
    _draw_nodes(axes, frame, color="0.25")
    colorbar = figure.colorbar(mappable, ax=axes, shrink=0.6, pad=0.02)
    colorbar.set_label("axial force N, kN (tension +, compression −)", fontsize=FONT)
    colorbar.ax.tick_params(labelsize=FONT - 1)
    _title(axes, f"Axial force, kN: {result.name}")
    return _save(figure, path)


def moment_figure(frame: FrameInput, result: ResultSet, path: Path) -> Path:
    """Bending moment diagrams of the beam-columns, kN m, drawn on the tension side.

    Straight between the end moments for a member without loads across it (the rack model); with span loads the
    curve of `moment_diagram_points` (a parabola under a uniform load), its extreme value labelled.
    """
    xmin, xmax, _, _, size = _size(frame)
    diagrams = moment_diagram_points(frame, result)
    ordinates = [p for d in diagrams for p in (d.start_ordinate_xy, d.end_ordinate_xy, *d.ordinates_xy)]
    figure, axes = _new_axes(frame, pad_x=0.12 * size, pad_y=0.06 * size, also=ordinates)
    _draw_members(axes, frame, grey=True)
    _draw_supports(axes, frame, size)
    largest = max((d.max_abs_moment_kNm for d in diagrams), default=0.0)
    placed: set[tuple[float, float, str]] = set()
    for diagram in diagrams:
        curve = list(diagram.ordinates_xy) or [diagram.start_ordinate_xy, diagram.end_ordinate_xy]
        outline = [diagram.start_xy, *curve, diagram.end_xy]
        axes.add_patch(Polygon(outline, closed=True, facecolor="tab:orange", alpha=0.35, edgecolor="none"))
        axes.plot([p[0] for p in curve], [p[1] for p in curve], color="tab:orange", lw=1.4, zorder=3)
        labels = [
            (diagram.start_xy, diagram.start_ordinate_xy, diagram.moment_start_kNm),
            (diagram.end_xy, diagram.end_ordinate_xy, diagram.moment_end_kNm),
        ]
        if not diagram.linear and diagram.moments_kNm:
            inner = max(range(1, len(diagram.moments_kNm) - 1), key=lambda i: abs(diagram.moments_kNm[i]), default=0)
            ends = max(abs(diagram.moment_start_kNm), abs(diagram.moment_end_kNm))
            if inner and abs(diagram.moments_kNm[inner]) > ends:
                (x1, y1), (x2, y2) = diagram.start_xy, diagram.end_xy
                t = diagram.stations_m[inner] / diagram.stations_m[-1]
                labels.append(((x1 + t * (x2 - x1), y1 + t * (y2 - y1)), curve[inner], diagram.moments_kNm[inner]))
        for base, tip, moment in labels:
            if largest == 0 or abs(moment) < 0.005 * largest:
                continue
            text = sig_figs(moment)
            key = (round(base[0], 6), round(base[1], 6), text)
            if key in placed:
                continue
            placed.add(key)
            dx, dy = tip[0] - base[0], tip[1] - base[1]
            axes.text(
                tip[0] + math.copysign(0.01 * size, dx) if dx else tip[0],
                tip[1] + math.copysign(0.01 * size, dy) if abs(dx) < 1e-12 else tip[1],
                text,
                ha="left" if dx > 1e-12 else "right" if dx < -1e-12 else "center",
                va="bottom" if dy > 1e-12 else "top" if dy < -1e-12 else "center",
                fontsize=FONT - 1,
                zorder=5,
            )
    title = f"Bending moment, kN m (tension side): {result.name}"
    if largest == 0:
        title += "\n(no bending)"
    _title(axes, title)
    _footnote(axes, "End moments' line plus the simple-span moment of any load across the member (first order).")
    return _save(figure, path)
