"""The structure types MASSE checks, each as the steps its roles call: one workflow, several kinds of structure.

A `Structure` bundles what differs between a pallet-rack side frame and a single-storey steel building frame: the
problem schema and design basis, the tool steps in workflow order (loads, base shear, combinations, sections, the
analysis model, the member checks), the section catalogue a redesign may choose from, and the readers of a problem
text. The roles ask `structure_of(problem)` and call its steps, so the graph stays the same for every type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from reasonsuite.tools.structural.base_shear import SeismicBaseShearOutput
from reasonsuite.tools.structural.frame_model import FrameInput, FrameOutput, LoadCombination
from reasonsuite.tools.structural.hazard import SeismicHazardOutput
from reasonsuite.tools.structural.member_checks import MemberChecksOutput
from reasonsuite.tools.structural.rack import (
    MemberVerdict,
    RackDesignBasis,
    build_side_frame,
    check_rack_members,
    rack_assumptions,
    rack_base_shear,
    rack_combinations,
    rack_loads,
    rack_sections,
)
from reasonsuite.tools.structural.rack_problem import RackProblem
from reasonsuite.tools.structural.sections import SectionPropertiesOutput
from reasonsuite.tools.structural.steel_frame import (
    SteelFrameDesignBasis,
    build_steel_frame,
    check_steel_frame_members,
    steel_frame_assumptions,
    steel_frame_base_shear,
    steel_frame_combinations,
    steel_frame_loads,
    steel_frame_sections,
)
from reasonsuite.tools.structural.steel_frame_problem import SteelFrameProblem
from reasonsuite.tools.structural.steel_shapes import HSS_BRACES, W_SHAPES, mass_kg_per_m

from . import catalogue, frame_reader, rack_reader
from .configuration import MasseConfig
from .reading import ReadingPart

StructureKind = Literal["rack", "steel_frame"]
Problem = RackProblem | SteelFrameProblem
Basis = RackDesignBasis | SteelFrameDesignBasis
Sections = dict[str, SectionPropertiesOutput]


@dataclass(frozen=True)
class Structure:
    """One structure type: its schema, its tool steps in workflow order, its catalogue and its text readers."""

    kind: StructureKind
    title: str
    problem_type: type[BaseModel]
    loads_tool: str
    basis_of: Callable[[MasseConfig], Any]
    lateral_system: Callable[[Any], str]
    loads: Callable[[Any, Any], BaseModel]
    describe_loads: Callable[[Any], str]
    base_shear: Callable[[SeismicHazardOutput, Any, Any, Any], SeismicBaseShearOutput]
    combinations: Callable[[], list[LoadCombination]]
    sections: Callable[[Any], Sections]
    build_frame: Callable[[Any, Any, Sections, Any, SeismicBaseShearOutput, list[LoadCombination]], FrameInput]
    check_members: Callable[
        [Any, Any, FrameInput, FrameOutput, Sections], tuple[MemberChecksOutput, list[MemberVerdict]]
    ]
    assumptions: Callable[[Any, Any, Any], list[str]]
    catalogue: dict[str, tuple[str, ...]]
    """Per member group (the member checks' roles), the sections a redesign may name, light to heavy."""
    section_names: Callable[[Any], dict[str, str]]
    heavier: Callable[[Any, str], list[str]]
    """The catalogue entries of a group with more steel than the design's current section, light to heavy."""
    with_sections: Callable[[Any, dict[str, str]], Any]
    summary: Callable[[Any], str]
    read_by_rules: Callable[[str, str], Any]
    complete: Callable[[dict[str, Any]], Any]
    reading_parts: tuple[ReadingPart, ...]


# --- Pallet-rack side frame -------------------------------------------------------------------------------------------

_RACK_TABLES = {"post": catalogue.POSTS, "brace": catalogue.BRACES}


def _rack_sections(problem: RackProblem) -> Sections:
    post, brace = rack_sections(problem)
    return {"post": post, "brace": brace}


def _rack_frame(problem, basis, sections, loads, base_shear, combinations) -> FrameInput:  # noqa: ANN001
    return build_side_frame(
        problem, basis, sections["post"], sections["brace"],
        [level.frame_load_kN for level in loads.levels], [level.Fx_kN for level in base_shear.levels], combinations,
    )  # fmt: skip


def _rack_channels(problem: RackProblem) -> dict[str, Any]:
    return {"post": problem.column, "brace": problem.brace_section}


def _rack_with(problem: RackProblem, names: dict[str, str]) -> RackProblem:
    update = {}
    if "post" in names:
        update["column"] = catalogue.POSTS[names["post"]]
    if "brace" in names:
        update["brace_section"] = catalogue.BRACES[names["brace"]]
    return problem.model_copy(update=update)


RACK = Structure(
    kind="rack",
    title="pallet-rack side frame",
    problem_type=RackProblem,
    loads_tool="storage_rack_loads",
    basis_of=lambda config: config.basis,
    lateral_system=lambda problem: "braced frame, site class C",
    loads=rack_loads,
    describe_loads=lambda out: f"{out.frame} frame, {out.total_frame_load_kN:.3g} kN of pallets",
    base_shear=lambda hazard, loads, problem, basis: rack_base_shear(hazard, loads, basis),
    combinations=rack_combinations,
    sections=_rack_sections,
    build_frame=_rack_frame,
    check_members=lambda problem, basis, frame, analysis, sections: check_rack_members(
        problem, basis, frame, analysis, sections["post"], sections["brace"]
    ),
    assumptions=rack_assumptions,
    catalogue={group: tuple(table) for group, table in _RACK_TABLES.items()},
    section_names=lambda problem: {
        group: catalogue.name_of(section, _RACK_TABLES[group]) for group, section in _rack_channels(problem).items()
    },
    heavier=lambda problem, group: catalogue.heavier_than(_rack_channels(problem)[group], _RACK_TABLES[group]),
    with_sections=_rack_with,
    summary=lambda p: f"{p.location}, {p.bays} bays, {len(p.level_elevations_ft)} levels",
    read_by_rules=rack_reader.read_by_rules,
    complete=rack_reader.complete_problem,
    reading_parts=rack_reader.RACK_PARTS,
)


# --- Single-storey steel building frame -------------------------------------------------------------------------------

_STEEL_TABLES = {"column": W_SHAPES, "beam": W_SHAPES, "brace": HSS_BRACES}


def _steel_names(problem: SteelFrameProblem) -> dict[str, str]:
    names = {"column": problem.column, "beam": problem.beam}
    if problem.brace is not None:
        names["brace"] = problem.brace
    return names


def _steel_heavier(problem: SteelFrameProblem, group: str) -> list[str]:
    """Shapes of the group's table (the catalogue) with more mass per metre than the current one, light to heavy."""
    current = mass_kg_per_m(_steel_names(problem)[group])
    return [name for name in _STEEL_TABLES[group] if mass_kg_per_m(name) > current]


STEEL_FRAME = Structure(
    kind="steel_frame",
    title="single-storey steel building frame",
    problem_type=SteelFrameProblem,
    loads_tool="steel_frame_loads",
    basis_of=lambda config: config.steel_frame_basis,
    lateral_system=lambda problem: (
        f"{'braced' if problem.lateral_system == 'braced' else 'steel moment'} frame, site class C"
    ),
    loads=steel_frame_loads,
    describe_loads=lambda out: (
        f"D {out.dead_line_load_kN_per_m:.3g} kN/m, S {out.snow_line_load_kN_per_m:.3g} kN/m, "
        f"W {out.seismic_weight_kN:.3g} kN"
    ),
    base_shear=steel_frame_base_shear,
    combinations=steel_frame_combinations,
    sections=steel_frame_sections,
    build_frame=build_steel_frame,
    check_members=check_steel_frame_members,
    assumptions=steel_frame_assumptions,
    catalogue=_STEEL_TABLES,
    section_names=_steel_names,
    heavier=_steel_heavier,
    with_sections=lambda problem, names: problem.model_copy(update=dict(names)),
    summary=lambda p: f"{p.location}, {p.lateral_system} frame, span {p.span_m:g} m, eave {p.eave_height_m:g} m",
    read_by_rules=frame_reader.read_by_rules,
    complete=frame_reader.complete_problem,
    reading_parts=frame_reader.FRAME_PARTS,
)

STRUCTURES: dict[StructureKind, Structure] = {RACK.kind: RACK, STEEL_FRAME.kind: STEEL_FRAME}


def structure_of(problem: BaseModel) -> Structure:
    """The structure type of a problem (by its schema)."""
    for structure in STRUCTURES.values():
        if isinstance(problem, structure.problem_type):
            return structure
    raise TypeError(f"no MASSE structure type reads a {type(problem).__name__}")


def problem_from_record(record: dict[str, Any]) -> Problem:
    """A problem from a JSON object: a steel frame when it says so, else a rack (either of the rack layouts)."""
    if record.get("structure") == "steel_frame":
        return SteelFrameProblem.model_validate(record)
    return RackProblem.from_record(record)


def kind_of_text(text: str) -> StructureKind | None:
    """The structure type a description is written about, by its wording; None when the wording does not settle it.

    A rule rather than a model question because the words are unambiguous when present and a small model is not
    (the embedded 135M model called MASSE's rack a steel building).
    """
    lowered = text.lower()
    frame = sum(word in lowered for word in ("steel building", "steel frame", "portal", "eave", "roof beam"))
    rack = sum(word in lowered for word in ("rack", "pallet", "upright"))
    if frame == rack:
        return None
    return "steel_frame" if frame > rack else "rack"
