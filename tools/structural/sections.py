"""`section_properties`: geometric properties of steel cross-sections (channel, Z, HSS, W-shape, solid rectangle).

Axes: the web (or the depth) is vertical; x is the horizontal axis, y the vertical one, so Ix is the strong-axis
moment of inertia of a W-shape (and of a channel deeper than it is wide) and x-x is a channel's axis of symmetry.
Coordinates are measured from the bottom-left corner of the section's bounding box.

Sharp-cornered shapes (channel, Z, W without fillets, solid rectangle) are decomposed into non-overlapping
rectangles, so A, the centroid, Ix, Iy, Ixy, S and Z are exact for the idealised geometry. Rectangular HSS add
the circular corners in closed form (square minus quarter circle). Thin-walled open-section quantities (St Venant J,
warping constant Cw, shear centre) follow Vlasov's centre-line theory and are approximate for thick walls.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from ..registry import ToolInput, ToolInputError, ToolOutput, register_tool

__all__ = [
    "ChannelSection",
    "RectangularHSS",
    "RoundHSS",
    "SectionPropertiesInput",
    "SectionPropertiesOutput",
    "SolidRectangle",
    "WShape",
    "ZSection",
    "section_properties",
]

ORIGIN = "bottom-left corner of the section's bounding box (x to the right, y up; the web or depth is vertical)"

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 with x0 < x1, y0 < y1
Point = tuple[float, float]


def _mm(description: str) -> float:
    return Field(gt=0, allow_inf_nan=False, description=description)


class ChannelSection(ToolInput):
    """Channel (C, U), optionally lipped (cold-formed C). Web vertical on the left, flanges pointing right,
    lips (if any) turned inward toward each other. Corners sharp: cold-formed corner radii are ignored, which errs
    slightly high on Ix and Iy."""

    shape: Literal["channel"] = Field(description="the kind of section: channel")
    depth_mm: float = _mm("web height measured out-to-out of the flanges, mm")
    flange_width_mm: float = _mm("flange width measured from the back of the web to the flange tip, mm")
    thickness_mm: float = _mm("uniform wall thickness of web, flanges and lips, mm")
    lip_mm: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="lip (stiffener) length measured out-to-out from the flange's outer face, mm; omit for a plain "
        "channel",
    )


class ZSection(ToolInput):
    """Z-section (point-symmetric), optionally lipped. Web vertical; bottom flange points left, top flange points
    right; lips turn toward the web's mid-depth. Corners sharp (cold-formed radii ignored)."""

    shape: Literal["z_section"] = Field(description="the kind of section: z_section")
    depth_mm: float = _mm("web height measured out-to-out of the flanges, mm")
    flange_width_mm: float = _mm("each flange's width measured from the outer face of the web to the flange tip, mm")
    thickness_mm: float = _mm("uniform wall thickness, mm")
    lip_mm: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="lip length measured out-to-out from the flange's outer face, mm; omit for a plain Z",
    )


class RectangularHSS(ToolInput):
    """Rectangular or square hollow structural section with rounded corners."""

    shape: Literal["hss_rectangular"] = Field(description="the kind of section: hss_rectangular")
    depth_mm: float = _mm("outside depth (vertical side), mm")
    width_mm: float = _mm("outside width (horizontal side), mm")
    thickness_mm: float = _mm("wall thickness used in design (AISC: 0.93 x nominal for ERW; CSA: nominal), mm")
    outer_corner_radius_mm: float | None = Field(
        default=None,
        ge=0,
        allow_inf_nan=False,
        description="outside corner radius, mm; default 2 x thickness (the CSA/AISC convention for HSS tables); the "
        "inside radius is max(outer radius - thickness, 0)",
    )


class RoundHSS(ToolInput):
    """Round hollow structural section (circular tube)."""

    shape: Literal["hss_round"] = Field(description="the kind of section: hss_round")
    outside_diameter_mm: float = _mm("outside diameter, mm")
    thickness_mm: float = _mm("wall thickness, mm")


class WShape(ToolInput):
    """Doubly symmetric wide-flange I-section (W, WWF). Web-to-flange fillets are ignored, so A, I and J come out a
    little below handbook values (about 1 % on A and Ix for rolled W-shapes, more on J)."""

    shape: Literal["w_shape"] = Field(description="the kind of section: w_shape")
    depth_mm: float = _mm("overall depth d, mm")
    flange_width_mm: float = _mm("flange width b, mm")
    flange_thickness_mm: float = _mm("flange thickness t, mm")
    web_thickness_mm: float = _mm("web thickness w, mm")


class SolidRectangle(ToolInput):
    """Solid rectangular bar or plate."""

    shape: Literal["rectangle"] = Field(description="the kind of section: rectangle")
    depth_mm: float = _mm("vertical dimension, mm")
    width_mm: float = _mm("horizontal dimension, mm")


Section = Annotated[
    ChannelSection | ZSection | RectangularHSS | RoundHSS | WShape | SolidRectangle,
    Field(discriminator="shape"),
]


class SectionPropertiesInput(ToolInput):
    """A steel cross-section described by its shape and dimensions in millimetres."""

    section: Section = Field(
        description="the cross-section; `shape` selects the kind: channel, z_section, hss_rectangular, hss_round, "
        "w_shape, rectangle"
    )


class SectionPropertiesOutput(ToolOutput):
    shape: str = Field(description="the shape analysed")
    origin: str = Field(description="where the coordinates of the centroid and shear centre are measured from")
    area_mm2: float = Field(description="cross-sectional area A, mm^2")
    centroid_x_mm: float = Field(description="centroid x from the origin, mm")
    centroid_y_mm: float = Field(description="centroid y from the origin, mm")
    Ix_mm4: float = Field(description="second moment of area about the horizontal centroidal axis x-x, mm^4")
    Iy_mm4: float = Field(description="second moment of area about the vertical centroidal axis y-y, mm^4")
    Ixy_mm4: float = Field(description="product of area about the centroidal x, y axes, mm^4 (0 if symmetric)")
    Sx_mm3: float = Field(description="elastic section modulus about x-x, Ix / (largest fibre distance), mm^3")
    Sy_mm3: float = Field(description="elastic section modulus about y-y, Iy / (largest fibre distance), mm^3")
    Zx_mm3: float = Field(description="plastic section modulus for bending about x-x (neutral axis horizontal), mm^3")
    Zy_mm3: float = Field(description="plastic section modulus for bending about y-y (neutral axis vertical), mm^3")
    rx_mm: float = Field(description="radius of gyration about x-x, sqrt(Ix/A), mm")
    ry_mm: float = Field(description="radius of gyration about y-y, sqrt(Iy/A), mm")
    I_max_mm4: float = Field(description="major principal second moment of area, mm^4")
    I_min_mm4: float = Field(description="minor principal second moment of area, mm^4")
    principal_angle_deg: float = Field(
        description="angle from the x axis to the major principal axis, counter-clockwise positive, degrees"
    )
    r_min_mm: float = Field(description="least radius of gyration sqrt(I_min/A), mm (governs unrestrained buckling)")
    J_mm4: float = Field(description="St Venant torsion constant, mm^4")
    J_method: str = Field(description="how J was computed")
    Cw_mm6: float | None = Field(description="warping constant, mm^6; null where not computed (closed/solid shapes)")
    shear_centre_x_mm: float = Field(description="shear centre x from the origin, mm")
    shear_centre_y_mm: float = Field(description="shear centre y from the origin, mm")
    notes: list[str] = Field(description="idealisations and conventions behind the numbers")


# ----------------------------------------------------------------------------------------------------------------
# Exact properties of a union of non-overlapping rectangles


@dataclass(frozen=True)
class _Props:
    """Area, centroid and centroidal second moments (A, cx, cy, Ix, Iy, Ixy) of a plane figure."""

    area: float
    cx: float
    cy: float
    ix: float
    iy: float
    ixy: float


def _rect_props(rects: Sequence[Rect]) -> _Props:
    area = sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in rects)
    cx = sum((x1 - x0) * (y1 - y0) * (x0 + x1) / 2 for x0, y0, x1, y1 in rects) / area
    cy = sum((x1 - x0) * (y1 - y0) * (y0 + y1) / 2 for x0, y0, x1, y1 in rects) / area
    ix = iy = ixy = 0.0
    for x0, y0, x1, y1 in rects:
        b, h = x1 - x0, y1 - y0
        dx, dy = (x0 + x1) / 2 - cx, (y0 + y1) / 2 - cy
        ix += b * h**3 / 12 + b * h * dy**2
        iy += h * b**3 / 12 + b * h * dx**2
        ixy += b * h * dx * dy
    return _Props(area, cx, cy, ix, iy, ixy)


def _plastic_modulus(strips: Sequence[tuple[float, float, float]]) -> float:
    """Plastic modulus Σ|s - p| dA about the equal-area axis s = p for strips (lo, hi, breadth) along s.

    The area on one side of the axis is piecewise linear in p, so p is found exactly between two strip edges.
    """
    total = sum((hi - lo) * b for lo, hi, b in strips)

    def area_below(p: float) -> float:
        return sum(b * min(max(p - lo, 0.0), hi - lo) for lo, hi, b in strips)

    edges = sorted({edge for lo, hi, _ in strips for edge in (lo, hi)})
    p = edges[0]
    for a, b in zip(edges, edges[1:], strict=False):
        below_a, below_b = area_below(a), area_below(b)
        if below_b >= total / 2:
            p = a + (b - a) * (total / 2 - below_a) / (below_b - below_a)
            break

    def g(s: float) -> float:  # antiderivative of |s - p|
        return (s - p) * abs(s - p) / 2

    return sum(b * (g(hi) - g(lo)) for lo, hi, b in strips)


def _plastic_moduli(rects: Sequence[Rect]) -> tuple[float, float]:
    """(Zx, Zy): plastic moduli for a horizontal and a vertical plastic neutral axis."""
    zx = _plastic_modulus([(y0, y1, x1 - x0) for x0, y0, x1, y1 in rects])
    zy = _plastic_modulus([(x0, x1, y1 - y0) for x0, y0, x1, y1 in rects])
    return zx, zy


def _elastic_moduli(props: _Props, width: float, height: float) -> tuple[float, float]:
    """(Sx, Sy) for the larger fibre distance of a figure filling the bounding box [0, width] x [0, height]."""
    return props.ix / max(props.cy, height - props.cy), props.iy / max(props.cx, width - props.cx)


# ----------------------------------------------------------------------------------------------------------------
# Thin-walled open sections (centre-line model): shear centre and warping constant


def _sectorial(nodes: Sequence[Point], t: float) -> tuple[float, float, float]:
    """(x_sc, y_sc, Cw) of an unbranched open thin-walled section along the centre-line polyline ``nodes``.

    Vlasov's theory: sectorial coordinate ω about the centroid, shear centre from ∫ω_S x dA = ∫ω_S y dA = 0, then
    Cw = ∫ ω_n² dA with the normalised sectorial coordinate about the shear centre. ω is linear on each straight
    element, so the element integrals below are exact.
    """
    segs = list(zip(nodes, nodes[1:], strict=False))
    lengths = [math.dist(a, b) for a, b in segs]
    area = t * sum(lengths)
    cx = t * sum(length * (a[0] + b[0]) / 2 for (a, b), length in zip(segs, lengths, strict=True)) / area
    cy = t * sum(length * (a[1] + b[1]) / 2 for (a, b), length in zip(segs, lengths, strict=True)) / area
    xs = [x - cx for x, _ in nodes]
    ys = [y - cy for _, y in nodes]

    def integral(f: Sequence[float], g: Sequence[float]) -> float:
        """∫ f g dA with f, g linear on each element."""
        return sum(
            t * length * (2 * f[i] * g[i] + f[i] * g[i + 1] + f[i + 1] * g[i] + 2 * f[i + 1] * g[i + 1]) / 6
            for i, length in enumerate(lengths)
        )

    omega = [0.0]
    for i in range(len(segs)):
        omega.append(omega[-1] + xs[i] * ys[i + 1] - xs[i + 1] * ys[i])
    ix, iy, ixy = integral(ys, ys), integral(xs, xs), integral(xs, ys)
    iwx, iwy = integral(omega, xs), integral(omega, ys)
    det = ix * iy - ixy**2
    x_sc = (iy * iwy - ixy * iwx) / det
    y_sc = (ixy * iwy - ix * iwx) / det
    omega_s = [w - x_sc * (y - ys[0]) + y_sc * (x - xs[0]) for w, x, y in zip(omega, xs, ys, strict=True)]
    ones = [1.0] * len(nodes)
    mean = integral(omega_s, ones) / area
    omega_n = [w - mean for w in omega_s]
    return cx + x_sc, cy + y_sc, integral(omega_n, omega_n)


def _open_j(lengths: Sequence[float], t: float) -> float:
    return sum(lengths) * t**3 / 3


# ----------------------------------------------------------------------------------------------------------------
# Shapes


@dataclass(frozen=True)
class _Result:
    """What each shape computes; turned into the output model in one place."""

    props: _Props
    sx: float
    sy: float
    zx: float
    zy: float
    j: float
    j_method: str
    cw: float | None
    shear_centre: Point
    notes: list[str]


_SHARP = "corners sharp: cold-formed corner radii are ignored, which errs slightly high on Ix and Iy"
_THIN_J = "St Venant J = Σ b t³/3 over centre-line element lengths (thin-walled approximation)"
_THIN_CW = "Cw and shear centre from thin-walled centre-line theory (Vlasov)"


def _check_channel_or_z(sec: ChannelSection | ZSection) -> None:
    d, b, t = sec.depth_mm, sec.flange_width_mm, sec.thickness_mm
    if 2 * t >= d:
        raise ToolInputError(
            "section.thickness_mm",
            f"2 x thickness ({2 * t:g} mm) must be less than depth_mm ({d:g} mm), else the flanges overlap",
        )
    if t >= b:
        raise ToolInputError(
            "section.thickness_mm", f"thickness ({t:g} mm) must be less than flange_width_mm ({b:g} mm)"
        )
    if sec.lip_mm is not None:
        if sec.lip_mm <= t:
            raise ToolInputError(
                "section.lip_mm",
                f"lip ({sec.lip_mm:g} mm) must exceed the thickness ({t:g} mm); omit lip_mm for a plain section",
            )
        if sec.lip_mm > d / 2:
            raise ToolInputError(
                "section.lip_mm", f"lip ({sec.lip_mm:g} mm) must not exceed half the depth ({d / 2:g} mm)"
            )
        if 2 * t >= b:
            raise ToolInputError(
                "section.flange_width_mm",
                f"a lipped flange must be wider than 2 x thickness ({2 * t:g} mm), got {b:g} mm",
            )


def _channel(sec: ChannelSection) -> _Result:
    _check_channel_or_z(sec)
    d, b, t, lip = sec.depth_mm, sec.flange_width_mm, sec.thickness_mm, sec.lip_mm
    rects: list[Rect] = [(0.0, 0.0, t, d), (t, 0.0, b, t), (t, d - t, b, d)]
    if lip is None:
        nodes = [(b, t / 2), (t / 2, t / 2), (t / 2, d - t / 2), (b, d - t / 2)]
    else:
        rects += [(b - t, t, b, lip), (b - t, d - lip, b, d - t)]
        nodes = [
            (b - t / 2, lip),
            (b - t / 2, t / 2),
            (t / 2, t / 2),
            (t / 2, d - t / 2),
            (b - t / 2, d - t / 2),
            (b - t / 2, d - lip),
        ]
    return _thin_open(rects, nodes, t, b, d, ["web on the left (x = 0), flanges toward +x", _SHARP])


def _z_section(sec: ZSection) -> _Result:
    _check_channel_or_z(sec)
    d, b, t, lip = sec.depth_mm, sec.flange_width_mm, sec.thickness_mm, sec.lip_mm
    width = 2 * b - t
    rects: list[Rect] = [(b - t, 0.0, b, d), (0.0, 0.0, b - t, t), (b, d - t, width, d)]
    web_x = b - t / 2
    if lip is None:
        nodes = [(0.0, t / 2), (web_x, t / 2), (web_x, d - t / 2), (width, d - t / 2)]
    else:
        rects += [(0.0, t, t, lip), (width - t, d - lip, width, d - t)]
        nodes = [
            (t / 2, lip),
            (t / 2, t / 2),
            (web_x, t / 2),
            (web_x, d - t / 2),
            (width - t / 2, d - t / 2),
            (width - t / 2, d - lip),
        ]
    notes = [
        "bottom flange points left, top flange right; the section is point-symmetric about its centroid",
        "a Z bends about inclined principal axes: Sx, Sy, Zx, Zy are about the geometric axes and apply only where "
        "the member is restrained against lateral deflection (e.g. a purlin braced by its deck); unrestrained "
        "bending and buckling use I_max, I_min and r_min",
        _SHARP,
    ]
    return _thin_open(rects, nodes, t, width, d, notes)


def _thin_open(
    rects: list[Rect], nodes: list[Point], t: float, width: float, height: float, notes: list[str]
) -> _Result:
    props = _rect_props(rects)
    sx, sy = _elastic_moduli(props, width, height)
    zx, zy = _plastic_moduli(rects)
    lengths = [math.dist(a, b) for a, b in zip(nodes, nodes[1:], strict=False)]
    x_sc, y_sc, cw = _sectorial(nodes, t)
    return _Result(props, sx, sy, zx, zy, _open_j(lengths, t), _THIN_J, cw, (x_sc, y_sc), [*notes, _THIN_CW])


def _w_shape(sec: WShape) -> _Result:
    d, b, tf, tw = sec.depth_mm, sec.flange_width_mm, sec.flange_thickness_mm, sec.web_thickness_mm
    if 2 * tf >= d:
        raise ToolInputError(
            "section.flange_thickness_mm",
            f"2 x flange thickness ({2 * tf:g} mm) must be less than depth_mm ({d:g} mm), else the flanges overlap",
        )
    if tw >= b:
        raise ToolInputError(
            "section.web_thickness_mm", f"web thickness ({tw:g} mm) must be less than flange_width_mm ({b:g} mm)"
        )
    rects: list[Rect] = [(0.0, 0.0, b, tf), ((b - tw) / 2, tf, (b + tw) / 2, d - tf), (0.0, d - tf, b, d)]
    props = _rect_props(rects)
    sx, sy = _elastic_moduli(props, b, d)
    zx, zy = _plastic_moduli(rects)
    h0 = d - tf
    j = (2 * b * tf**3 + h0 * tw**3) / 3
    cw = tf * b**3 * h0**2 / 24
    notes = [
        "web-to-flange fillets ignored: A, I and especially J fall a little below handbook values",
        "Cw = tf b³ h0² / 24 with h0 = d - tf (thin-walled I-section, flanges only)",
    ]
    j_method = "J = (2 b tf³ + (d - tf) w³)/3 (thin-walled, centre-line web length, fillets ignored)"
    return _Result(props, sx, sy, zx, zy, j, j_method, cw, (b / 2, d / 2), notes)


def _rounded_rectangle(b: float, h: float, r: float) -> tuple[float, float, float, float, float]:
    """(A, Ix, Iy, Qx, Qy) of a solid b x h rectangle with corner radius r, centred on the origin.

    Each corner removes a spandrel (r x r square minus a quarter circle): area (1 - π/4) r², centroid 2r/(3(4 - π))
    from the circle's centre along each axis, second moment r⁴(1/3 - π/16) about the centre's axes. Qx, Qy are the
    first moments of the half above / right of the axis (half the plastic modulus).
    """
    a = (1 - math.pi / 4) * r**2
    c = 2 * r / (3 * (4 - math.pi))
    i_own = r**4 * (1 / 3 - math.pi / 16) - a * c**2
    ix = b * h**3 / 12 - 4 * (i_own + a * (h / 2 - r + c) ** 2)
    iy = h * b**3 / 12 - 4 * (i_own + a * (b / 2 - r + c) ** 2)
    qx = b * (h / 2) ** 2 / 2 - 2 * a * (h / 2 - r + c)
    qy = h * (b / 2) ** 2 / 2 - 2 * a * (b / 2 - r + c)
    return b * h - 4 * a, ix, iy, qx, qy


def _hss_rectangular(sec: RectangularHSS) -> _Result:
    h, b, t = sec.depth_mm, sec.width_mm, sec.thickness_mm
    if 2 * t >= min(h, b):
        raise ToolInputError(
            "section.thickness_mm",
            f"2 x thickness ({2 * t:g} mm) must be less than the smaller side ({min(h, b):g} mm)",
        )
    r_out = 2 * t if sec.outer_corner_radius_mm is None else sec.outer_corner_radius_mm
    if r_out > min(h, b) / 2:
        field = "section.outer_corner_radius_mm" if sec.outer_corner_radius_mm is not None else "section.thickness_mm"
        raise ToolInputError(
            field,
            f"outer corner radius {r_out:g} mm exceeds half the smaller side ({min(h, b) / 2:g} mm); "
            "give a smaller outer_corner_radius_mm",
        )
    r_in = max(r_out - t, 0.0)
    a_o, ix_o, iy_o, qx_o, qy_o = _rounded_rectangle(b, h, r_out)
    a_i, ix_i, iy_i, qx_i, qy_i = _rounded_rectangle(b - 2 * t, h - 2 * t, r_in)
    area, ix, iy = a_o - a_i, ix_o - ix_i, iy_o - iy_i
    props = _Props(area, b / 2, h / 2, ix, iy, 0.0)
    r_mid = max(r_out - t / 2, 0.0)
    enclosed = (b - t) * (h - t) - (4 - math.pi) * r_mid**2
    perimeter = 2 * (b - t) + 2 * (h - t) - 2 * (4 - math.pi) * r_mid
    j = 4 * enclosed**2 * t / perimeter
    notes = [
        f"outer corner radius {r_out:g} mm, inner {r_in:g} mm"
        + (" (default 2t)" if sec.outer_corner_radius_mm is None else ""),
        "closed section: warping constant negligible, not computed",
    ]
    j_method = "Bredt: J = 4 Ap² t / p with Ap, p the area enclosed by and the length of the wall's mid-line"
    return _Result(
        props,
        ix / (h / 2),
        iy / (b / 2),
        2 * (qx_o - qx_i),
        2 * (qy_o - qy_i),
        j,
        j_method,
        None,
        (b / 2, h / 2),
        notes,
    )


def _hss_round(sec: RoundHSS) -> _Result:
    d, t = sec.outside_diameter_mm, sec.thickness_mm
    if 2 * t >= d:
        raise ToolInputError(
            "section.thickness_mm", f"2 x thickness ({2 * t:g} mm) must be less than outside_diameter_mm ({d:g} mm)"
        )
    di = d - 2 * t
    area = math.pi * (d**2 - di**2) / 4
    i = math.pi * (d**4 - di**4) / 64
    z = (d**3 - di**3) / 6
    props = _Props(area, d / 2, d / 2, i, i, 0.0)
    notes = ["circular tube: no warping, Cw = 0"]
    return _Result(
        props, i / (d / 2), i / (d / 2), z, z, 2 * i, "J = 2I (exact for a circular tube)", 0.0, (d / 2, d / 2), notes
    )


def _solid_rectangle_j(long: float, short: float) -> float:
    """Exact St Venant constant of a solid rectangle (Timoshenko & Goodier series), β long short³."""
    series = sum(math.tanh(n * math.pi * long / (2 * short)) / n**5 for n in range(1, 40, 2))
    return long * short**3 / 3 * (1 - 192 / math.pi**5 * short / long * series)


def _rectangle(sec: SolidRectangle) -> _Result:
    h, b = sec.depth_mm, sec.width_mm
    rects: list[Rect] = [(0.0, 0.0, b, h)]
    props = _rect_props(rects)
    j = _solid_rectangle_j(max(h, b), min(h, b))
    j_method = "exact St Venant series for a solid rectangle (Timoshenko & Goodier)"
    notes = ["solid section: warping constant small, not computed"]
    return _Result(
        props, b * h**2 / 6, h * b**2 / 6, b * h**2 / 4, h * b**2 / 4, j, j_method, None, (b / 2, h / 2), notes
    )


def _principal(props: _Props) -> tuple[float, float, float]:
    """(I_max, I_min, angle in degrees from x to the major axis, counter-clockwise)."""
    mean = (props.ix + props.iy) / 2
    radius = math.hypot((props.ix - props.iy) / 2, props.ixy)
    angle = math.degrees(0.5 * math.atan2(-2 * props.ixy, props.ix - props.iy))
    if angle <= -90 + 1e-9:
        angle += 180
    return mean + radius, mean - radius, angle + 0.0  # + 0.0 turns -0.0 into 0.0


@register_tool("section_properties")
def section_properties(inp: SectionPropertiesInput) -> SectionPropertiesOutput:
    """Area, centroid, I, S, Z, r, J, Cw and shear centre of a channel, Z, HSS, W-shape or solid rectangle (mm).

    Axes: web vertical, x horizontal (strong axis of a W-shape or channel; a channel's axis of symmetry), y vertical;
    coordinates from the bottom-left corner of the bounding box. Sharp-cornered shapes are exact unions of
    rectangles (A, centroid, Ix, Iy, Ixy, S, plastic Z exact for the idealised geometry; cold-formed corner radii and
    rolled fillets ignored). Rectangular HSS include the circular corners in closed form (outer radius default 2t).
    J: Σ b t³/3 on centre-line lengths for open thin-walled shapes (approximate), Bredt's formula for rectangular
    HSS, exact for round HSS and solid rectangles. Cw and shear centre of channels and Z-sections by Vlasov's
    centre-line theory; W-shape Cw = tf b³ h0²/24. Principal axes are given for every shape (they matter for Z).
    """
    sec = inp.section
    match sec:
        case ChannelSection():
            result = _channel(sec)
        case ZSection():
            result = _z_section(sec)
        case RectangularHSS():
            result = _hss_rectangular(sec)
        case RoundHSS():
            result = _hss_round(sec)
        case WShape():
            result = _w_shape(sec)
        case SolidRectangle():
            result = _rectangle(sec)
    p = result.props
    i_max, i_min, angle = _principal(p)
    return SectionPropertiesOutput(
        shape=sec.shape,
        origin=ORIGIN,
        area_mm2=p.area,
        centroid_x_mm=p.cx,
        centroid_y_mm=p.cy,
        Ix_mm4=p.ix,
        Iy_mm4=p.iy,
        Ixy_mm4=p.ixy,
        Sx_mm3=result.sx,
        Sy_mm3=result.sy,
        Zx_mm3=result.zx,
        Zy_mm3=result.zy,
        rx_mm=math.sqrt(p.ix / p.area),
        ry_mm=math.sqrt(p.iy / p.area),
        I_max_mm4=i_max,
        I_min_mm4=i_min,
        principal_angle_deg=angle,
        r_min_mm=math.sqrt(i_min / p.area),
        J_mm4=result.j,
        J_method=result.j_method,
        Cw_mm6=result.cw,
        shear_centre_x_mm=result.shear_centre[0],
        shear_centre_y_mm=result.shear_centre[1],
        notes=result.notes,
    )
