"""The MASSE engineer's report: a run's state as Markdown and PDF, with the analysis figures, in the order an
engineer checks a calculation by hand (problem, assumptions, seismic parameters, loads, analysis, member checks,
verdict, redesign history, agent trace).

Every structure type MASSE checks (a pallet-rack side frame, a single-storey steel building frame) gets the same
layout; what differs is said by the type: the problem table, the design basis and the loads are written per type,
the assumptions come from `structure_of(problem).assumptions`, and the section and redesign tables run over the
member groups the state holds (post and brace; column, beam and brace).

The report is built once as a list of blocks (headings, paragraphs, tables, figures) and written twice, so the
Markdown and the PDF say the same thing. A run that stopped early has only some state keys: every section renders
what exists and names the stages that did not run, and `state["failure"]` is shown at the top.

The PDF uses fpdf2's core Helvetica font, which is latin-1 only: symbols such as ≤, φ, √, →, ², … are spelled out
in ASCII there (the Markdown keeps them).
"""

from __future__ import annotations

import os
import re
import struct
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fpdf import FPDF
from fpdf.fonts import FontFace
from pydantic import BaseModel, ValidationError

from reasonsuite.atomic_files import write_bytes_atomically, write_text_atomically
from reasonsuite.tools.structural.base_shear import SeismicBaseShearOutput
from reasonsuite.tools.structural.frame_model import FrameInput, FrameOutput, LoadCase, LoadCombination, ResultSet
from reasonsuite.tools.structural.hazard import SeismicHazardOutput
from reasonsuite.tools.structural.member_checks import MemberChecksOutput
from reasonsuite.tools.structural.rack import MemberVerdict, RackDesignBasis, level_loads
from reasonsuite.tools.structural.rack_loads import StorageRackLoadsOutput
from reasonsuite.tools.structural.rack_problem import ChannelIn, RackProblem
from reasonsuite.tools.structural.sections import SectionPropertiesOutput
from reasonsuite.tools.structural.steel_frame import SteelFrameDesignBasis, SteelFrameLoadsOutput
from reasonsuite.tools.structural.steel_frame_problem import SteelFrameProblem

from .figures import axial_figure, deformed_figure, frame_figure, moment_figure, sig_figs, span_loaded_members
from .state import DesignRound, Extraction, MasseState, RedesignProposal, TraceEvent
from .structures import Structure, structure_of

__all__ = ["ReportFiles", "STAGES", "build_report", "governing_result", "render_report", "to_markdown", "to_pdf"]

MARKDOWN_NAME = "report.md"
PDF_NAME = "report.pdf"
FIGURE_NAMES = {"frame": "frame.png", "deformed": "deformed.png", "axial": "axial.png", "moment": "moment.png"}
TRACE_DETAIL_CHARS = 300

STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("problem extraction", ("problem",)),
    ("design basis", ("basis",)),
    ("seismic hazard (Table C-3)", ("hazard",)),
    ("loads", ("loads",)),
    ("base shear (NBC 4.1.8.11)", ("base_shear",)),
    ("load combinations", ("combinations",)),
    ("section properties", ("sections",)),
    ("frame model", ("frame",)),
    ("frame analysis", ("analysis",)),
    ("member checks", ("checks", "members")),
    ("verdict", ("verdict",)),
    ("safety sign-off", ("signed_off",)),
)
"""The workflow's stages in order and the state keys each one leaves; a stage whose keys are missing did not run."""


@dataclass(frozen=True)
class ReportFiles:
    """What `render_report` wrote: the Markdown, the PDF and the figures (keys frame, deformed, axial, moment)."""

    markdown_path: Path
    pdf_path: Path
    figures: dict[str, Path] = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------------------------
# Document blocks


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: Literal["plain", "note", "quote"] = "plain"


@dataclass(frozen=True)
class Fields:
    """Label: value lines."""

    items: list[tuple[str, str]]


@dataclass(frozen=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    align: str = ""  # one "L" or "R" per column; missing columns are left-aligned


@dataclass(frozen=True)
class Figures:
    items: list[tuple[Path, str]]  # (PNG path, caption)


Block = Heading | Paragraph | Fields | Bullets | Table | Figures


# ----------------------------------------------------------------------------------------------------------------
# Reading the state


def _as(value: Any, model: type[BaseModel]) -> Any:
    """A value as its model (a checkpoint may hand back plain dicts); None when absent or unreadable."""
    if value is None or isinstance(value, model):
        return value
    try:
        return model.model_validate(value)
    except ValidationError:
        return None


def _get(state: MasseState, key: str, model: type[BaseModel]) -> Any:
    """A state value as its model; None when absent or unreadable."""
    return _as(state.get(key), model)


def _get_list(state: MasseState, key: str, model: type[BaseModel]) -> list[Any] | None:
    values = state.get(key)
    if values is None:
        return None
    items = []
    for value in values:
        if not isinstance(value, model):
            try:
                value = model.model_validate(value)
            except ValidationError:
                continue
        items.append(value)
    return items


Problem = RackProblem | SteelFrameProblem
BASIS_MODELS: dict[str, type[BaseModel]] = {"rack": RackDesignBasis, "steel_frame": SteelFrameDesignBasis}
LOADS_MODELS: dict[str, type[BaseModel]] = {"rack": StorageRackLoadsOutput, "steel_frame": SteelFrameLoadsOutput}


def _get_problem(state: MasseState, key: str = "problem") -> Problem | None:
    """The problem (or design) as its schema: a steel frame when its record says so (the discriminator), else a rack."""
    value = state.get(key)
    if value is None or isinstance(value, RackProblem | SteelFrameProblem):
        return value
    steel = isinstance(value, dict) and value.get("structure") == "steel_frame"
    try:
        return (SteelFrameProblem if steel else RackProblem).model_validate(value)
    except ValidationError:
        return None


def _structure(state: MasseState) -> Structure | None:
    problem = _get_problem(state)
    return structure_of(problem) if problem is not None else None


def _get_typed(state: MasseState, key: str, models: dict[str, type[BaseModel]]) -> Any:
    """A value whose model depends on the structure type (basis, loads): as the model of the problem's type; without
    a problem, as whichever type reads it."""
    structure = _structure(state)
    for kind in [structure.kind] if structure is not None else list(models):
        value = _get(state, key, models[kind])
        if value is not None:
            return value
    return None


def missing_stages(state: MasseState) -> list[str]:
    """The stages whose state keys are missing, in workflow order."""
    return [name for name, keys in STAGES if any(state.get(key) is None for key in keys)]


def governing_result(state: MasseState) -> tuple[ResultSet | None, str]:
    """The result set the figures show and why: the governing member's combination, else the largest displacement."""
    analysis = _get(state, "analysis", FrameOutput)
    if analysis is None or not analysis.results:
        return None, "the analysis did not run"
    by_name = {result.name: result for result in analysis.results}
    members = _get_list(state, "members", MemberVerdict) or []
    if members:
        governing = max(members, key=lambda m: m.utilisation)
        why = f"the combination that governs {governing.member}, the most utilised member"
        if governing.combination in by_name:
            return by_name[governing.combination], why
    checks = _get(state, "checks", MemberChecksOutput)
    if checks is not None and " | " in checks.governing_member:
        combination = checks.governing_member.split(" | ", 1)[1]
        if combination in by_name:
            return by_name[combination], "the combination of the governing member check"
    result = max(analysis.results, key=lambda r: r.summary.max_displacement_mm)
    return result, "the combination with the largest displacement (no member checks)"


# ----------------------------------------------------------------------------------------------------------------
# Formatting


def _f(value: float | None, digits: int = 3) -> str:
    """3 significant figures; exponent form below 0.001 (round-off-sized values show as 0)."""
    if value is None:
        return "–"
    if 1e-9 <= abs(value) < 1e-3:
        return f"{value:.{digits - 1}e}"
    return sig_figs(value, digits)


def _u(value: float) -> str:
    return f"{value:.2f}"


def _sci(value: float) -> str:
    return "0" if value == 0 else f"{value:.1e}"


def _ft(values: Iterable[float]) -> str:
    return ", ".join(f"{v:g}" for v in values)


def _channel(section: ChannelIn) -> str:
    """Web depth × flange width × thickness, as the problem gives them."""
    return f"{section.depth_in:g} × {section.width_in:g} × {section.thickness_in:g} in"


def _shorten_lists(text: str, keep: int = 3) -> str:
    """A long parenthesised list of names (e.g. every member check) cut to its first few and a count."""

    def cut(match: re.Match[str]) -> str:
        items = match.group(1).split(", ")
        if len(items) <= 2 * keep:
            return match.group(0)
        return f"({', '.join(items[:keep])}, … {len(items)} in all)"

    return re.sub(r"\(([^()]{200,})\)", cut, text)


def _factors(factors: dict[str, float]) -> str:
    return " + ".join(f"{v:g} {k}" for k, v in factors.items()).replace("+ -", "- ")


def _not_run(stage: str) -> Paragraph:
    return Paragraph(f"Not available: the {stage} stage did not run.", "note")


# ----------------------------------------------------------------------------------------------------------------
# Sections


def _title_blocks(state: MasseState) -> list[Block]:
    problem = _get_problem(state)
    verdict = state.get("verdict")
    ident = (problem.problem_id or "(no id)") if problem else "(not read)"
    location = problem.location if problem else "location unknown"
    blocks: list[Block] = [
        Heading(f"MASSE engineer's report: problem {ident}, {location}: {verdict or 'NO VERDICT'}", 1)
    ]
    items = [("Problem", ident), ("Location", location)]
    if problem is not None:
        items.append(("Structure", structure_of(problem).title))
    items.append(("Verdict", verdict or "none (the run did not reach it)"))
    members = _get_list(state, "members", MemberVerdict)
    if members:
        governing = max(members, key=lambda m: m.utilisation)
        items.append(
            (
                "Governing member",
                f"{governing.member} ({governing.combination}), utilisation {_u(governing.utilisation)}",
            )
        )
    signed = state.get("signed_off")
    items.append(("Signed off", "not reached" if signed is None else "yes" if signed else "no"))
    missing = missing_stages(state)
    items.append(("Run", "complete" if not missing else f"incomplete; stages that did not run: {', '.join(missing)}"))
    if state.get("failure"):
        items.append(("Failure", str(state["failure"])))
    blocks.append(Fields(items))
    return blocks


def _rack_problem_rows(problem: RackProblem) -> list[list[str]]:
    braces = "; ".join(
        f"({b.start.x_ft:g}, {b.start.y_ft:g}) → ({b.end.x_ft:g}, {b.end.y_ft:g})" for b in problem.braces
    )
    return [
        ["Problem id", problem.problem_id or "–"],
        ["Location", problem.location],
        ["Bays", str(problem.bays)],
        ["Pallets per beam", str(problem.pallets_per_beam)],
        ["Beam length", f"{problem.beam_length_ft:g} ft"],
        ["Frame width (between posts)", f"{problem.frame_width_ft:g} ft"],
        ["Frame (post) height", f"{problem.frame_height_ft:g} ft"],
        ["Beam levels", f"{_ft(problem.level_elevations_ft)} ft"],
        ["Pallet weight per level (one pallet)", f"{_ft(problem.pallet_weights_lb)} lb"],
        [f"Braces ({len(problem.braces)}), (x, y) in ft", braces],
        ["Post (upright) channel, web × flange × thickness", _channel(problem.column)],
        ["Brace channel, web × flange × thickness", _channel(problem.brace_section)],
        ["E", f"{problem.E_ksi:g} ksi"],
    ]


def _steel_frame_problem_rows(problem: SteelFrameProblem) -> list[list[str]]:
    braced = problem.lateral_system == "braced"
    system = (
        "braced frame (beam pinned to the columns, one diagonal brace)"
        if braced
        else "moment frame (rigid beam-column joints, no brace)"
    )
    return [
        ["Problem id", problem.problem_id or "–"],
        ["Location", problem.location],
        ["Span (column centre lines)", f"{problem.span_m:g} m"],
        ["Eave height (bases to beam)", f"{problem.eave_height_m:g} m"],
        ["Frame spacing (tributary width)", f"{problem.frame_spacing_m:g} m"],
        ["Lateral system", system],
        ["Column bases", "pinned" if braced else problem.base_fixity],
        ["Roof dead load D", f"{problem.roof_dead_kPa:g} kPa"],
        ["Roof snow load S", f"{problem.roof_snow_kPa:g} kPa"],
        ["Columns", problem.column],
        ["Roof beam", problem.beam],
        ["Brace", problem.brace or "none (moment frame)"],
        ["E", f"{problem.E_MPa:g} MPa"],
    ]


def _problem_section(state: MasseState) -> list[Block]:
    blocks: list[Block] = [Heading("1 Problem")]
    problem = _get_problem(state)
    if problem is None:
        blocks.append(_not_run("problem extraction"))
    elif isinstance(problem, SteelFrameProblem):
        blocks += [
            Paragraph(
                f"The {structure_of(problem).title} as the problem states it (SI units, CSA G40.20 shape designations)."
            ),
            Table(["Quantity", "Value"], _steel_frame_problem_rows(problem)),
        ]
    else:
        blocks += [
            Paragraph("The rack as the problem states it (imperial units as given)."),
            Table(["Quantity", "Value"], _rack_problem_rows(problem)),
        ]
    extraction = _get(state, "extraction", Extraction)
    if extraction is not None:
        blocks.append(Heading("How the problem was read", 3))
        blocks.append(
            Fields(
                [
                    ("Source", extraction.source),
                    ("Defaults used", ", ".join(extraction.defaults_used) or "none"),
                    ("Supplied by a person", ", ".join(extraction.supplied_by_human) or "none"),
                    ("LLM attempts", str(extraction.llm_attempts)),
                ]
            )
        )
    if state.get("problem_text"):
        blocks += [Heading("Problem text", 3), Paragraph(str(state["problem_text"]), "quote")]
    return blocks


def _basis_rows(basis: RackDesignBasis | SteelFrameDesignBasis) -> list[list[str]]:
    rows = [
        ["Steel yield stress Fy", f"{basis.Fy_MPa:g} MPa"],
        ["Ductility factor Rd", f"{basis.Rd:g}"],
        ["Overstrength factor Ro", f"{basis.Ro:g}"],
        ["Importance factor IE", f"{basis.importance_factor:g}"],
    ]
    if isinstance(basis, RackDesignBasis):
        return rows + [
            ["Seismic weight / pallet load", f"{basis.seismic_weight_fraction:g}"],
            ["Post bases", basis.base_fixity],
            ["Effective length factor K", f"{basis.K:g}"],
        ]
    return rows + [
        ["Share of the snow load in the seismic weight", f"{basis.snow_fraction_in_W:g}"],
        ["Effective length factor K", f"{basis.K:g}"],
    ]


def _assumptions_section(state: MasseState) -> list[Block]:
    blocks: list[Block] = [Heading("2 Assumptions")]
    basis = _get_typed(state, "basis", BASIS_MODELS)
    problem = _get_problem(state)
    loads = _get_typed(state, "loads", LOADS_MODELS)
    if basis is None:
        return blocks + [_not_run("design basis")]
    blocks.append(Table(["Design basis", "Value"], _basis_rows(basis), "LR"))
    if problem is None or loads is None:
        blocks.append(
            Paragraph("The modelling assumptions need the problem and its loads, which are not available.", "note")
        )
    else:
        blocks.append(Bullets(structure_of(problem).assumptions(problem, basis, loads)))
    return blocks


def _seismic_section(state: MasseState) -> list[Block]:
    blocks: list[Block] = [Heading("3 Seismic parameters")]
    hazard = _get(state, "hazard", SeismicHazardOutput)
    if hazard is None:
        blocks.append(_not_run("seismic hazard"))
    else:
        blocks.append(
            Table(
                [
                    "Sa(0.2), g",
                    "Sa(0.5), g",
                    "Sa(1.0), g",
                    "Sa(2.0), g",
                    "Sa(5.0), g",
                    "Sa(10.0), g",
                    "PGA, g",
                    "PGV, m/s",
                ],
                [
                    [
                        f"{getattr(hazard, k):g}"
                        for k in ("Sa_0_2", "Sa_0_5", "Sa_1_0", "Sa_2_0", "Sa_5_0", "Sa_10_0", "PGA", "PGV")
                    ]
                ],
                "R" * 8,
            )
        )
        blocks.append(
            Paragraph(
                f"{hazard.location}, {hazard.probability}, site class {hazard.site_class}. Source: {hazard.source}."
            )
        )
    shear = _get(state, "base_shear", SeismicBaseShearOutput)
    if shear is None:
        return blocks + [_not_run("base shear")]
    blocks.append(Heading("Base shear, NBC 2015 4.1.8.11", 3))
    blocks.append(
        Table(
            ["Step", "Clause", "Formula", "Value", "Unit"],
            [[s.step, s.clause, s.formula, _f(s.value), s.unit] for s in shear.steps],
            "LLLRL",
        )
    )
    bounds = f"{_f(shear.V_min_kN)} kN ≤ V ≤ " + (
        f"{_f(shear.V_max_kN)} kN" if shear.V_max_kN is not None else "(no cap)"
    )
    blocks.append(
        Fields(
            [
                ("Fundamental period Ta", f"{_f(shear.Ta_s)} s ({shear.period_source}); S(Ta) = {_f(shear.S_Ta_g)} g"),
                ("Seismic weight W", f"{_f(shear.W_kN)} kN"),
                ("V from the formula", f"{_f(shear.V_formula_kN)} kN"),
                ("Bounds", bounds),
                ("Design base shear", f"V = {_f(shear.V_kN)} kN ({shear.governing} governs)"),
                ("Ft at the top", f"{_f(shear.Ft_kN)} kN"),
                ("Base overturning moment", f"{_f(shear.base_overturning_moment_kNm)} kN m"),
            ]
        )
    )
    if shear.warnings:
        blocks.append(Bullets([f"Warning: {w}" for w in shear.warnings]))
    return blocks


def _rack_loads_blocks(loads: StorageRackLoadsOutput, shear: SeismicBaseShearOutput | None) -> list[Block]:
    """The pallet loads per level, with each level's seismic force once the base shear is known."""
    blocks: list[Block] = [
        Paragraph(
            f"The {loads.frame} frame carries {loads.share_of_bay:g} bay's pallets per level; "
            f"total gravity load {_f(loads.total_frame_load_kN)} kN, seismic weight "
            f"{_f(loads.total_seismic_weight_kN)} kN."
        )
    ]
    if shear is not None and len(shear.levels) == len(loads.levels):
        rows = [
            [
                str(i),
                f"{lvl.elevation_m:.3f} ({src.elevation_ft:g} ft)",
                _f(lvl.pallet_load_kN),
                _f(lvl.seismic_weight_kN),
                _f(lvl.seismic_force_kN),
                _f(force.storey_shear_kN),
            ]
            for i, (lvl, src, force) in enumerate(
                zip(level_loads(loads, shear), loads.levels, shear.levels, strict=True), start=1
            )
        ]
        blocks.append(
            Table(
                ["Level", "Elevation, m", "Pallet load, kN", "Seismic weight Wx, kN", "Fx, kN", "Storey shear, kN"],
                rows,
                "LRRRRR",
            )
        )
    else:
        rows = [
            [
                str(i),
                f"{lvl.elevation_m:.3f} ({lvl.elevation_ft:g} ft)",
                _f(lvl.frame_load_kN),
                _f(lvl.seismic_weight_kN),
            ]
            for i, lvl in enumerate(loads.levels, start=1)
        ]
        blocks.append(Table(["Level", "Elevation, m", "Pallet load, kN", "Seismic weight Wx, kN"], rows, "LRRR"))
        blocks.append(Paragraph("Level forces Fx: the base-shear stage did not run.", "note"))
    return blocks


def _steel_frame_loads_blocks(
    loads: SteelFrameLoadsOutput, shear: SeismicBaseShearOutput | None, problem: SteelFrameProblem
) -> list[Block]:
    """The roof loads as the beam's line loads (kPa × frame spacing), the seismic weight and the eave force."""
    spacing = f"{problem.frame_spacing_m:g} m"
    rows = [
        [
            "Tributary roof area (span × frame spacing)",
            f"{problem.span_m:g} m × {spacing} = {_f(loads.tributary_area_m2)} m²",
        ],
        [
            "Dead line load on the beam, D",
            f"{problem.roof_dead_kPa:g} kPa × {spacing} = {_f(loads.dead_line_load_kN_per_m)} kN/m",
        ],
        [
            "Snow line load on the beam, S",
            f"{problem.roof_snow_kPa:g} kPa × {spacing} = {_f(loads.snow_line_load_kN_per_m)} kN/m",
        ],
        ["Roof dead load on the tributary area", f"{_f(loads.roof_dead_kN)} kN"],
        ["Roof snow load on the tributary area", f"{_f(loads.roof_snow_kN)} kN"],
        [
            f"Seismic weight W = D + {loads.snow_fraction_in_W:g} S (NBC 4.1.8.2)",
            f"{_f(loads.seismic_weight_kN)} kN, lumped at the eave",
        ],
    ]
    if shear is not None and shear.levels:
        eave = shear.levels[0]
        rows.append(
            ["Storey force at the eave, Fx (Ft included)", f"{_f(eave.Fx_kN)} kN at {eave.height_m:g} m, +X and −X"]
        )
    blocks: list[Block] = [
        Paragraph(
            "The frame carries the roof strip between the mid-points to its neighbours: the dead and snow loads act "
            "on the beam as uniform line loads (the members' self-weight is added in the model's D case), and the "
            "seismic weight is lumped at the eave."
        ),
        Table(["Quantity", "Value"], rows, "LR"),
    ]
    if shear is None:
        blocks.append(Paragraph("Storey force at the eave: the base-shear stage did not run.", "note"))
    return blocks


_CASE_LEGENDS = {
    "rack": "D: dead (self-weight), L: storage (pallet) load, E: earthquake (+ and − X).",
    "steel_frame": "D: dead (roof dead load and the members' self-weight), S: snow, E: earthquake (+ and − X).",
}


def _loads_section(state: MasseState) -> list[Block]:
    blocks: list[Block] = [Heading("4 Loads")]
    loads = _get_typed(state, "loads", LOADS_MODELS)
    shear = _get(state, "base_shear", SeismicBaseShearOutput)
    problem = _get_problem(state)
    if isinstance(loads, StorageRackLoadsOutput):
        blocks += _rack_loads_blocks(loads, shear)
    elif isinstance(loads, SteelFrameLoadsOutput) and isinstance(problem, SteelFrameProblem):
        blocks += _steel_frame_loads_blocks(loads, shear, problem)
    else:
        blocks.append(_not_run("loads"))
    combinations = _get_list(state, "combinations", LoadCombination)
    blocks.append(Heading("Load combinations (NBC 2015 Table 4.1.3.2.-A)", 3))
    if combinations is None:
        blocks.append(_not_run("load combinations"))
    else:
        structure = _structure(state)
        if structure is not None:
            blocks.append(Paragraph(_CASE_LEGENDS[structure.kind]))
        blocks.append(Table(["Combination", "Factors"], [[c.name, _factors(c.factors)] for c in combinations]))
    return blocks


def _figures(frame: FrameInput, result: ResultSet | None, out_dir: Path) -> tuple[dict[str, Path], list[str]]:
    """Draw what can be drawn; a figure that fails is named in the report, not lost with the report."""
    makers: dict[str, Callable[..., Path]] = {"frame": frame_figure}
    if result is not None:
        makers |= {"deformed": deformed_figure, "axial": axial_figure, "moment": moment_figure}
    figures, errors = {}, []
    for key, maker in makers.items():
        try:
            figures[key] = maker(frame, result, out_dir / FIGURE_NAMES[key])
        except Exception as err:  # reported in the document
            errors.append(f"The {key} figure could not be drawn: {type(err).__name__}: {err}")
    return figures, errors


_FRAME_NOUNS = {"rack": "The side frame", "steel_frame": "The bent (one interior frame)"}


def _figure_captions(frame: FrameInput, result: ResultSet | None, structure: Structure | None) -> dict[str, str]:
    """What each figure shows, said from the model itself (member kinds, releases, supports, span loads)."""
    parts = ["beam-columns solid"]
    if any(member.kind == "truss" for member in frame.members):
        parts.append("pin-ended braces (trusses) dashed")
    released = [m.name for m in frame.members if m.release_start_moment or m.release_end_moment]
    if released:
        parts.append("moment releases as open circles")
    fixity = {"fixed" if s.ux and s.uy and s.rz else "pinned" if s.ux and s.uy else "roller" for s in frame.supports}
    drawn_as = {"fixed": "fixed bases hatched", "pinned": "pinned bases as triangles", "roller": "rollers"}
    parts += [drawn_as[kind] for kind in sorted(fixity)]
    spanned = sorted(span_loaded_members(frame, result.factors)) if result else []
    if result is None:
        loads = "loads are not shown (no analysis)."
    else:
        loads = f"arrows are the factored loads of {result.name}" + (
            " (at nodes in red and blue, along members in green)." if spanned else "."
        )
    noun = _FRAME_NOUNS[structure.kind] if structure is not None else "The frame"
    deformed = "Deformed shape (blue) over the undeformed frame (grey); displacements scaled as in the title."
    if spanned or released:
        deformed += (
            " Members with span loads or moment releases are drawn from their moment diagram (the chord plus a simply"
            " supported beam's deflection), so a beam's sag between its ends shows."
        )
    if spanned:
        moment = (
            "Bending moments, kN m, drawn on the tension side: the line between the member end moments plus the "
            f"simple-span moment of the loads across {', '.join(spanned)} (a parabola under a uniform load), with "
            "the largest value along the member labelled."
        )
    else:
        moment = (
            "Bending moments, kN m, drawn on the tension side, linear between the member end moments: exact for "
            "members without span loads, which is the case here (all loads at nodes)."
        )
    return {
        "frame": f"{noun}: {', '.join(parts)}; {loads}",
        "deformed": deformed,
        "axial": "Axial forces, kN: tension positive, compression negative.",
        "moment": moment,
    }


def _case_loads(case: LoadCase) -> str:
    counts = [
        (len(case.nodal_loads), "nodal load"),
        (len(case.member_distributed_loads), "member line load"),
        (len(case.member_point_loads), "member point load"),
    ]
    said = [f"{n} {what}{'s' if n != 1 else ''}" for n, what in counts if n]
    return f"{case.name} ({', '.join(said) or 'no loads'})"


def _analysis_section(state: MasseState, figures: dict[str, Path], figure_errors: list[str]) -> list[Block]:
    blocks: list[Block] = [Heading("5 Analysis")]
    frame = _get(state, "frame", FrameInput)
    if frame is None:
        return blocks + [_not_run("frame model")]
    kinds = [m.kind for m in frame.members]
    supports = ", ".join(
        f"{s.node} ({'fixed' if s.ux and s.uy and s.rz else 'pinned' if s.ux and s.uy else 'roller'})"
        for s in frame.supports
    )
    blocks.append(
        Fields(
            [
                (
                    "Model",
                    f"{len(frame.nodes)} nodes, {len(frame.members)} members ({kinds.count('beam_column')} "
                    f"beam-columns, {kinds.count('truss')} pin-ended truss{'es' if kinds.count('truss') != 1 else ''})",
                ),
                ("Supports", supports),
                ("Load cases", ", ".join(_case_loads(c) for c in frame.load_cases)),
                ("Combinations", str(len(frame.combinations or []))),
                ("Method", "linear elastic, first order (frame_analysis, PyNite)"),
            ]
        )
    )
    analysis = _get(state, "analysis", FrameOutput)
    result, why = governing_result(state)
    captions = _figure_captions(frame, result, _structure(state))
    if result is not None:
        blocks.append(Paragraph(f"Figures for {result.name}: {why}."))
    drawn = [(figures[key], captions[key]) for key in FIGURE_NAMES if key in figures]
    if drawn:
        blocks.append(Figures(drawn))
    blocks += [Paragraph(error, "note") for error in figure_errors]
    if analysis is None:
        return blocks + [_not_run("frame analysis")]
    rows = [
        [
            r.name,
            _f(r.summary.max_abs_ux_mm),
            _f(r.summary.max_displacement_mm),
            _f(r.summary.max_column_drift_ratio) if r.summary.max_column_drift_ratio is not None else "–",
            _sci(r.equilibrium.residual_fx_kN),
            _sci(r.equilibrium.residual_fy_kN),
            _sci(r.equilibrium.residual_mz_kNm),
            _sci(r.equilibrium.relative_residual),
        ]
        for r in analysis.results
    ]
    blocks.append(Heading("Displacements and equilibrium per combination", 3))
    blocks.append(
        Table(
            [
                "Combination",
                "max |ux|, mm",
                "max displ., mm",
                "max drift ratio",
                "ΣFx residual, kN",
                "ΣFy residual, kN",
                "ΣMz residual, kN m",
                "relative residual",
            ],
            rows,
            "LRRRRRRR",
        )
    )
    if analysis.rotation_restrained_nodes:
        blocks.append(
            Paragraph(
                "Truss joints whose free rotation was held (they carry no moment): "
                + ", ".join(analysis.rotation_restrained_nodes)
                + "."
            )
        )
    blocks.append(Paragraph(f"Sign conventions: {analysis.sign_conventions}", "note"))
    return blocks


def _section_row(group: str, name: str, section: SectionPropertiesOutput) -> list[str]:
    return [
        group,
        name,
        _f(section.area_mm2),
        _f(section.Ix_mm4 / 1e6),
        _f(section.Iy_mm4 / 1e6),
        _f(section.Sx_mm3 / 1e3),
        _f(section.Zx_mm3 / 1e3),
        _f(section.rx_mm),
        _f(section.ry_mm),
        _f(section.r_min_mm),
    ]


def _section_label(group: str, name: str | None, design: Problem | None) -> str:
    """The section's name; a rack's cold-formed channel also with its dimensions (the problem gives it that way)."""
    label = name or f"{group} section"
    if isinstance(design, RackProblem):
        dims = {"post": design.column, "brace": design.brace_section}.get(group)
        if dims is not None:
            label += f" (web × flange × thickness {_channel(dims)})"
    return label


def _sections_blocks(state: MasseState) -> list[Block]:
    """The section properties of every member group of the round the checks ran on, in the CISC Handbook's units
    (I in 10⁶ mm⁴, S and Z in 10³ mm³) so a W shape's properties read as the handbook prints them."""
    raw = state.get("sections") or {}
    sections = {group: _as(value, SectionPropertiesOutput) for group, value in raw.items()}
    sections = {group: section for group, section in sections.items() if section is not None}
    if not sections:
        return [_not_run("section properties")]
    names = state.get("section_names") or {}
    design = _get_problem(state, "design") or _get_problem(state)
    structure = _structure(state)
    order = list(structure.catalogue) if structure is not None else []
    groups = sorted(sections, key=lambda g: order.index(g) if g in order else len(order))
    return [
        Heading("Section properties used", 3),
        Table(
            [
                "Member group",
                "Section",
                "A, mm²",
                "Ix, 10⁶ mm⁴",
                "Iy, 10⁶ mm⁴",
                "Sx, 10³ mm³",
                "Zx, 10³ mm³",
                "rx, mm",
                "ry, mm",
                "r_min, mm",
            ],
            [_section_row(g, _section_label(g, names.get(g), design), sections[g]) for g in groups],
            "LLRRRRRRRR",
        ),
    ]


def _members_section(state: MasseState) -> list[Block]:
    blocks: list[Block] = [Heading("6 Member checks (CSA S16-14)")]
    members = _get_list(state, "members", MemberVerdict)
    checks = _get(state, "checks", MemberChecksOutput)
    if members is None:
        blocks.append(_not_run("member checks"))
    else:
        ranked = sorted(members, key=lambda m: m.utilisation, reverse=True)
        blocks.append(
            Paragraph(
                "Each member under its governing combination, most utilised first (axial: tension +, compression −)."
            )
        )
        blocks.append(
            Table(
                [
                    "Member",
                    "Group",
                    "Governing combination",
                    "Axial, kN",
                    "Moment, kN m",
                    "Governing check",
                    "Utilisation",
                    "Status",
                ],
                [
                    [
                        m.member,
                        m.role,
                        m.combination,
                        _f(m.axial_kN),
                        _f(m.moment_kNm),
                        m.governing_check or "–",
                        _u(m.utilisation),
                        m.status,
                    ]
                    for m in ranked
                ],
                "LLLRRLRL",
            )
        )
        if checks is not None and ranked:
            top = ranked[0]
            detail = next((c for c in checks.members if c.name == f"{top.member} | {top.combination}"), None)
            if detail is not None:
                blocks.append(Heading(f"Governing member {top.member} ({top.combination})", 3))
                blocks.append(
                    Paragraph(
                        f"Tr = {_f(detail.Tr_kN)} kN, Cr = {_f(detail.Cr_kN)} kN, Mr = "
                        f"{_f(detail.Mr_kNm)} kN m, KL/r = {_f(detail.slenderness)}, "
                        f"λ = {_f(detail.lambda_nondimensional)}."
                    )
                )
                blocks.append(
                    Table(
                        ["Check", "Clause", "Expression", "Utilisation"],
                        [[c.check, c.clause, c.expression, _u(c.utilisation)] for c in detail.checks],
                        "LLLR",
                    )
                )
                if detail.notes:
                    blocks.append(Bullets(detail.notes))
    blocks += _sections_blocks(state)
    if checks is not None and (checks.assumptions or checks.caveats):
        blocks.append(Heading("Scope of the checks", 3))
        blocks.append(Bullets([_shorten_lists(item) for item in (*checks.assumptions, *checks.caveats)]))
    return blocks


def _verdict_section(state: MasseState) -> list[Block]:
    blocks: list[Block] = [Heading("7 Verdict and sign-off")]
    verdict = state.get("verdict")
    members = _get_list(state, "members", MemberVerdict)
    items = [("Verdict", verdict or "none: the run did not reach the member checks")]
    if members:
        governing = max(members, key=lambda m: m.utilisation)
        failing = [m.member for m in members if m.status == "INADEQUATE"]
        items += [
            ("Governing member", f"{governing.member} ({governing.combination})"),
            ("Max utilisation", _u(governing.utilisation)),
            ("Members failing", ", ".join(failing) if failing else "none"),
        ]
    signed = state.get("signed_off")
    items.append(("Signed off", "not reached" if signed is None else "yes" if signed else "no"))
    if state.get("sign_off_note"):
        items.append(("Sign-off note", str(state["sign_off_note"])))
    proposal = _get(state, "proposal", RedesignProposal)
    if proposal is not None:
        changes = ", ".join(f"{group} {name}" for group, name in proposal.sections.items()) or "no change"
        items.append(("Open proposal", f"{changes}: {proposal.reason}" if proposal.reason else changes))
    return blocks + [Fields(items)]


def _rounds_section(state: MasseState) -> list[Block]:
    blocks: list[Block] = [Heading("8 Redesign history")]
    rounds = _get_list(state, "rounds", DesignRound) or []
    if len(rounds) <= 1:
        return blocks + [Paragraph("One design round: no redesign." if rounds else "No design round was recorded.")]
    groups: list[str] = []  # every member group any round names, in the order they first appear
    for design_round in rounds:
        groups += [group for group in design_round.sections if group not in groups]
    rows = [
        [
            str(r.round),
            *(r.sections.get(group, "–") for group in groups),
            r.verdict,
            _u(r.max_utilisation),
            r.governing,
            r.proposal_reason or ("as given" if r.round == 0 else "–"),
        ]
        for r in rounds
    ]
    headers = ["Round", *(group.capitalize() for group in groups), "Verdict", "Max utilisation", "Governing", "Reason"]
    return blocks + [
        Paragraph("The sections of each round by catalogue name; each round is a full analysis and check."),
        Table(headers, rows, "R" + "L" * len(groups) + "LRLL"),
    ]


def _trace_section(state: MasseState) -> list[Block]:
    blocks: list[Block] = [Heading("9 Agent trace")]
    trace = _get_list(state, "trace", TraceEvent) or []
    if not trace:
        return blocks + [Paragraph("No trace was recorded.", "note")]

    def short(text: str) -> str:
        return text if len(text) <= TRACE_DETAIL_CHARS else text[: TRACE_DETAIL_CHARS - 1] + "…"

    rows = [[str(i), e.role, e.kind, e.name, short(e.detail), f"{e.seconds:.2f}"] for i, e in enumerate(trace, 1)]
    total = sum(e.seconds for e in trace)
    return blocks + [
        Paragraph(f"{len(trace)} events, {total:.2f} s in all."),
        Table(["#", "Role", "Kind", "Name", "Detail", "Seconds"], rows, "RLLLLR"),
    ]


def build_report(state: MasseState, figures: dict[str, Path], figure_errors: list[str] | None = None) -> list[Block]:
    """The report's blocks for a state (full or partial) and the figures already drawn."""
    return [
        *_title_blocks(state),
        *_problem_section(state),
        *_assumptions_section(state),
        *_seismic_section(state),
        *_loads_section(state),
        *_analysis_section(state, figures, figure_errors or []),
        *_members_section(state),
        *_verdict_section(state),
        *_rounds_section(state),
        *_trace_section(state),
    ]


# ----------------------------------------------------------------------------------------------------------------
# Markdown


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: list[Block], relative_to: Path | None = None) -> str:
    """The blocks as GitHub-flavoured Markdown; figure paths relative to `relative_to` (the report's folder)."""
    lines: list[str] = []
    figure_number = 0
    for block in blocks:
        if isinstance(block, Heading):
            lines += ["#" * block.level + " " + block.text, ""]
        elif isinstance(block, Paragraph):
            if block.style == "quote":
                lines += [f"> {line}" if line else ">" for line in block.text.splitlines()] + [""]
            else:
                lines += [f"_{block.text}_" if block.style == "note" else block.text, ""]
        elif isinstance(block, Fields):
            lines += [f"- **{label}:** {value}" for label, value in block.items] + [""]
        elif isinstance(block, Bullets):
            lines += [f"- {item}" for item in block.items] + [""]
        elif isinstance(block, Table):
            align = block.align.ljust(len(block.headers), "L")
            lines.append("| " + " | ".join(_cell(h) for h in block.headers) + " |")
            lines.append("|" + "|".join("---:" if a == "R" else "---" for a in align) + "|")
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
            lines.append("")
        elif isinstance(block, Figures):
            for path, caption in block.items:
                figure_number += 1
                link = Path(os.path.relpath(path, relative_to)).as_posix() if relative_to else path.as_posix()
                lines += [f"![Figure {figure_number}]({link})", "", f"*Figure {figure_number}: {caption}*", ""]
    return "\n".join(lines).rstrip() + "\n"


# ----------------------------------------------------------------------------------------------------------------
# PDF

_LATIN1 = {
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "≈": "~",
    "φ": "phi",
    "√": "sqrt",
    "→": "->",
    "←": "<-",
    "…": "...",
    "−": "-",
    "–": "-",
    "—": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "²": "^2",
    "³": "^3",
    "⁴": "^4",
    "⁶": "^6",
    "λ": "lambda",
    "π": "pi",
    "κ": "kappa",
    "Δ": "Delta",
    "δ": "delta",
    "θ": "theta",
    "ω": "omega",
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "ε": "epsilon",
    "σ": "sigma",
    "Σ": "Sum ",
    "μ": "u",
    "·": "*",
    "•": "-",
}


def latin1(text: str) -> str:
    """Text the PDF core fonts can show: known symbols spelled out, any other non-latin-1 character as '?'."""
    for symbol, ascii_text in _LATIN1.items():
        text = text.replace(symbol, ascii_text)
    text = unicodedata.normalize("NFKC", text)
    return text.encode("latin-1", errors="replace").decode("latin-1")


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height in pixels from the PNG header."""
    with open(path, "rb") as handle:
        header = handle.read(24)
    return struct.unpack(">II", header[16:24])


class _Pdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.report_title = latin1(title)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=16)
        self.set_title(self.report_title)
        self.set_creator("reasonsuite MASSE")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", size=7)
        self.set_text_color(120)
        self.cell(0, 5, f"{self.report_title}  |  page {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0)


def _pdf_table(pdf: FPDF, table: Table) -> None:
    align = table.align.ljust(len(table.headers), "L")
    data = [[latin1(h) for h in table.headers], *[[latin1(c) for c in row] for row in table.rows]]
    pdf.set_font("helvetica", style="B", size=7.5)  # measure in the (wider) heading font
    # Each column gets its longest unbreakable word, then a share of what is left towards its longest cell.
    minimum, wanted = [], []
    for index in range(len(data[0])):
        cells = [row[index] for row in data]
        longest_word = max((pdf.get_string_width(word) for cell in cells for word in cell.split()), default=1.0)
        longest_cell = max((pdf.get_string_width(cell) for cell in cells[1:]), default=1.0)
        minimum.append(max(longest_word, 4.0) + 2.5)
        wanted.append(max(longest_word, min(longest_cell, 0.3 * pdf.epw), 4.0) + 2.5)
    spare, extra = pdf.epw - sum(minimum), sum(wanted) - sum(minimum)
    if sum(wanted) <= pdf.epw or spare <= 0 or extra <= 0:
        weights = wanted
    else:
        weights = [low + spare * (high - low) / extra for low, high in zip(minimum, wanted, strict=True)]
    pdf.set_font("helvetica", size=7.5)
    with pdf.table(
        col_widths=tuple(weights),
        text_align=tuple("RIGHT" if a == "R" else "LEFT" for a in align),
        line_height=pdf.font_size * 1.45,
        headings_style=FontFace(emphasis="BOLD", fill_color=(232, 232, 232)),
        padding=0.8,
    ) as pdf_table:
        for row in data:
            pdf_row = pdf_table.row()
            for value in row:
                pdf_row.cell(value)
    pdf.ln(3)


def _pdf_figures(pdf: FPDF, items: list[tuple[Path, str]], start_number: int) -> int:
    """Figures, tall ones side by side in pairs, each with its caption under it; returns the last figure number."""
    number = start_number
    index = 0
    while index < len(items):
        sizes = [_png_size(path) for path, _ in items[index : index + 2]]
        pair = len(sizes) == 2 and all(h > 1.1 * w for w, h in sizes)
        group = items[index : index + (2 if pair else 1)]
        gap = 6.0
        column = (pdf.epw - gap) / 2 if pair else pdf.epw
        # One height for the group: the largest at which every figure fits its column and the page.
        height = min([column * h / w for w, h in sizes[: len(group)]] + [0.62 * (pdf.h - pdf.t_margin - pdf.b_margin)])
        heights = [height] * len(group)
        widths = [height * w / h for w, h in sizes[: len(group)]]
        if pdf.get_y() + max(heights) + 14 > pdf.page_break_trigger:
            pdf.add_page()
        top = pdf.get_y()
        bottom = top
        for slot, ((path, caption), width, height) in enumerate(zip(group, widths, heights, strict=True)):
            number += 1
            x = pdf.l_margin + slot * (column + gap) + (column - width) / 2
            pdf.image(str(path), x=x, y=top, w=width, h=height)
            pdf.set_xy(pdf.l_margin + slot * (column + gap), top + height + 1)
            pdf.set_font("helvetica", style="I", size=7.5)
            pdf.multi_cell(column, 3.6, latin1(f"Figure {number}: {caption}"), align="L")
            bottom = max(bottom, pdf.get_y())
        pdf.set_xy(pdf.l_margin, bottom + 3)
        index += len(group)
    return number


def to_pdf(blocks: list[Block], path: Path) -> None:
    """The blocks as an A4 PDF (core font, latin-1)."""
    title = next((b.text for b in blocks if isinstance(b, Heading) and b.level == 1), "MASSE report")
    pdf = _Pdf(title)
    pdf.add_page()
    figure_number = 0
    for block in blocks:
        pdf.set_x(pdf.l_margin)
        if isinstance(block, Heading):
            size = {1: 14.0, 2: 12.0}.get(block.level, 10.0)
            if block.level == 2 and pdf.get_y() > pdf.page_break_trigger - 40:
                pdf.add_page()
            pdf.ln(2 if block.level > 1 else 0)
            pdf.set_font("helvetica", style="B", size=size)
            pdf.multi_cell(0, size * 0.5, latin1(block.text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif isinstance(block, Paragraph):
            style = {"plain": "", "note": "I", "quote": "I"}[block.style]
            pdf.set_font("helvetica", style=style, size=9)
            if block.style == "quote":
                pdf.set_text_color(70)
                pdf.set_x(pdf.l_margin + 5)
                pdf.multi_cell(pdf.epw - 5, 4.4, latin1(block.text), new_x="LMARGIN", new_y="NEXT")
                pdf.set_text_color(0)
            else:
                pdf.multi_cell(0, 4.4, latin1(block.text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif isinstance(block, Fields):
            for label, value in block.items:
                pdf.set_font("helvetica", style="B", size=9)
                pdf.write(4.6, latin1(f"{label}: "))
                pdf.set_font("helvetica", size=9)
                pdf.write(4.6, latin1(value))
                pdf.ln(5)
            pdf.ln(1.5)
        elif isinstance(block, Bullets):
            pdf.set_font("helvetica", size=8.5)
            for item in block.items:
                pdf.set_x(pdf.l_margin)
                pdf.cell(4, 4.2, "-")
                pdf.multi_cell(pdf.epw - 4, 4.2, latin1(item), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif isinstance(block, Table):
            _pdf_table(pdf, block)
        elif isinstance(block, Figures):
            figure_number = _pdf_figures(pdf, block.items, figure_number)
    write_bytes_atomically(path, bytes(pdf.output()))


# ----------------------------------------------------------------------------------------------------------------


def render_report(state: MasseState, out_dir: Path) -> ReportFiles:
    """Write report.md, report.pdf and the figures (frame.png, deformed.png, axial.png, moment.png) into out_dir.

    Works on any state the workflow leaves, complete or not: the figures need `frame` (and `analysis` for all but
    the model), each section says what did not run, and `failure` is shown at the top. Every file is written to a
    temporary name in out_dir and renamed, so a reader never sees half a file.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = _get(state, "frame", FrameInput)
    figures: dict[str, Path] = {}
    figure_errors: list[str] = []
    if frame is not None:
        result, _ = governing_result(state)
        figures, figure_errors = _figures(frame, result, out_dir)
    for key, name in FIGURE_NAMES.items():  # a figure of an earlier render into this folder would mislead
        if key not in figures:
            (out_dir / name).unlink(missing_ok=True)
    blocks = build_report(state, figures, figure_errors)
    markdown_path, pdf_path = out_dir / MARKDOWN_NAME, out_dir / PDF_NAME
    write_text_atomically(markdown_path, to_markdown(blocks, out_dir))
    to_pdf(blocks, pdf_path)
    return ReportFiles(markdown_path=markdown_path, pdf_path=pdf_path, figures=figures)
