"""Generated single-storey steel-frame problems, each with the answer the suite's `steel_frame_check` gives.

MASSE's second structure type, so that its benchmark is not rack-only: one interior bent of a steel building at a
BC location of BCBC 2018 Table C-3, 6–18 m span (braced bays 6–12 m), 4–8 m to the eave, frames 5–9 m apart,
braced (one HSS diagonal, pinned beam and bases) or a moment frame (pinned or fixed bases), roof dead 0.5–1.5 kPa
and snow 1.0–4.0 kPa, columns, beam and brace from the shape table. Each problem is written in the template that
`reasonsuite.agents.masse.frame_reader.read_by_rules` parses back, and its expected answer is `steel_frame_check`
with the default SteelFrameDesignBasis.

Deterministic in (count, seed), a shorter run being a prefix of a longer one. The shipped set is
``data/masse/generated/steel_frames.jsonl`` (see PROVENANCE.md).
"""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from reasonsuite.tools.structural.hazard import load_table_c3
from reasonsuite.tools.structural.sections import SectionPropertiesOutput, section_properties
from reasonsuite.tools.structural.steel_frame import SteelFrameCheckInput, SteelFrameCheckOutput, steel_frame_check
from reasonsuite.tools.structural.steel_frame_problem import SteelFrameProblem
from reasonsuite.tools.structural.steel_shapes import HSS_BRACES, W_SHAPES, section_input

from .masse_generator import GENERATED_DIR, governing_entry, seismic_answer, significant, write_jsonl_atomically

FRAMES_FILE = GENERATED_DIR / "steel_frames.jsonl"
DEFAULT_COUNT = 40
DEFAULT_SEED = 2026
FY_MPA = 350.0
"""Yield stress of the rough first sizing (the default design basis's)."""


class FrameExpectedAnswer(BaseModel):
    """The key results of `steel_frame_check` (default basis) for a generated problem, SI units."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table_location: str = Field(description="the Table C-3 entry the location resolves to")
    Sa_0_2_g: float
    Sa_0_5_g: float
    Ta_s: float = Field(description="fundamental period used, s")
    W_kN: float = Field(description="seismic weight W, kN")
    V_kN: float = Field(description="design base shear V, kN")
    governing_member: str
    governing_combination: str
    equally_governing_members: list[str]
    max_column_axial_kN: float = Field(description="largest |axial force| in a column under the governing combination")
    max_beam_moment_kNm: float = Field(description="largest |M| in the beam under the governing combination")
    max_brace_axial_kN: float | None = Field(description="|axial force| in the brace then (null: moment frame)")
    max_utilisation: float
    verdict: str


class GeneratedFrameProblem(BaseModel):
    """One generated steel-frame problem: the schema, text stating it, and the tools' answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="'frame-001', 'frame-002', …")
    problem: SteelFrameProblem
    description: str
    expected: FrameExpectedAnswer


def describe(problem: SteelFrameProblem) -> str:
    """The problem in the suite's steel-frame description template (what frame_reader.read_by_rules parses)."""
    p = problem
    if p.lateral_system == "braced":
        system = (
            "The lateral system is a braced frame: the roof beam is pinned to the columns and one diagonal brace "
            "runs from the base of one column to the top of the other; the column bases are pinned."
        )
        shapes = f"The columns are {p.column}, the roof beam is a {p.beam} and the brace is an {p.brace}"
    else:
        system = (
            "The lateral system is a moment frame: the roof beam is rigidly connected to the columns; the column "
            f"bases are {p.base_fixity}."
        )
        shapes = f"The columns are {p.column} and the roof beam is a {p.beam}"
    return (
        f"A single-storey steel building in {p.location}, BC. Its frames are {p.span_m:g} m span and "
        f"{p.eave_height_m:g} m to the eave, spaced {p.frame_spacing_m:g} m apart along the building. {system} "
        f"The roof dead load is {p.roof_dead_kPa:g} kPa and the specified roof snow load is {p.roof_snow_kPa:g} kPa. "
        f"{shapes}; steel E = {p.E_MPa:,.0f} MPa."
    )


@cache
def _properties(designation: str) -> SectionPropertiesOutput:
    return section_properties(section_input(designation))


def _lightest(names: tuple[str, ...], fits) -> str:  # noqa: ANN001 - a predicate on section properties
    """The lightest shape (the tables are ordered by mass) that fits, else the heaviest."""
    return next((name for name in names if fits(_properties(name))), names[-1])


def draw_problem(rng: random.Random, problem_id: str, locations: list[str]) -> SteelFrameProblem:
    """One random bent; lengths in 0.5 m steps, loads in 0.1 kPa steps.

    Sections are sized roughly, as a designer's first guess would be, then scaled by a random factor so that both
    verdicts occur: the beam's plastic modulus against wL²/8 of 1.25D + 1.5S; a moment frame's columns against a
    share of that moment; the brace and braced-frame columns by slenderness (KL/r ≤ 200 with a random margin).
    """
    location = rng.choice(locations)
    braced = rng.random() < 0.5
    # A single diagonal longer than ~14 m cannot meet KL/r ≤ 200 with the table's HSS: braced bays are shorter.
    span = 0.5 * rng.randint(12, 24 if braced else 36)
    eave, spacing = 0.5 * rng.randint(8, 16), 0.5 * rng.randint(10, 18)
    dead, snow = round(0.1 * rng.randint(5, 15), 1), round(0.1 * rng.randint(10, 40), 1)
    moment_kNm = (1.25 * dead + 1.5 * snow) * spacing * span**2 / 8
    z_needed_mm3 = moment_kNm * 1e6 / (0.9 * FY_MPA)
    beam_factor = rng.uniform(0.55, 1.3)
    beam = _lightest(W_SHAPES, lambda s: s.Zx_mm3 >= z_needed_mm3 * beam_factor)
    if braced:
        column_margin, brace_margin = rng.uniform(0.4, 0.9), rng.uniform(0.6, 1.0)
        column = _lightest(W_SHAPES, lambda s: eave * 1000 / s.ry_mm <= 200 * column_margin)
        brace_length_mm = 1000 * (span**2 + eave**2) ** 0.5
        brace = _lightest(HSS_BRACES, lambda s: brace_length_mm / s.r_min_mm <= 200 * brace_margin)
    else:
        column_factor = rng.uniform(0.45, 1.2)
        column = _lightest(W_SHAPES, lambda s: s.Zx_mm3 >= z_needed_mm3 * column_factor)
        brace = None
    return SteelFrameProblem(
        problem_id=problem_id,
        location=location,
        span_m=span,
        eave_height_m=eave,
        frame_spacing_m=spacing,
        lateral_system="braced" if braced else "moment",
        base_fixity="pinned" if braced else rng.choice(("pinned", "fixed")),
        roof_dead_kPa=dead,
        roof_snow_kPa=snow,
        column=column,
        beam=beam,
        brace=brace,
    )


def expected_from(result: SteelFrameCheckOutput) -> FrameExpectedAnswer:
    """The key numbers of a steel_frame_check result, to the generator's significant digits."""
    member, combination, equally_governing = governing_entry(result)
    forces = {f.member: f for f in next(r for r in result.analysis.results if r.name == combination).members}

    def axial(name: str) -> float:
        return max(forces[name].max_tension_kN, forces[name].max_compression_kN)

    return FrameExpectedAnswer(
        **seismic_answer(result),
        governing_member=member,
        governing_combination=combination,
        equally_governing_members=equally_governing,
        max_column_axial_kN=significant(max(axial("left_column"), axial("right_column"))),
        max_beam_moment_kNm=significant(forces["beam"].max_abs_moment_kNm),
        max_brace_axial_kN=significant(axial("brace")) if "brace" in forces else None,
        max_utilisation=significant(result.max_utilisation),
        verdict=result.verdict,
    )


def generate_frame_problems(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[GeneratedFrameProblem]:
    """`count` steel-frame problems with descriptions and expected answers, deterministic for the seed."""
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    rng = random.Random(seed)
    locations = list(load_table_c3())
    problems = []
    for index in range(1, count + 1):
        problem = draw_problem(rng, f"frame-{index:03d}", locations)
        expected = expected_from(steel_frame_check(SteelFrameCheckInput(problem=problem)))
        problems.append(
            GeneratedFrameProblem(
                id=problem.problem_id, problem=problem, description=describe(problem), expected=expected
            )  # fmt: skip
        )
    return problems


def write_frame_set(
    path: Path | str = FRAMES_FILE, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED
) -> list[GeneratedFrameProblem]:
    """Generate the set and write it as JSONL atomically."""
    problems = generate_frame_problems(count, seed)
    write_jsonl_atomically(Path(path), problems)
    return problems


def load_frame_problems(path: Path | str = FRAMES_FILE) -> list[GeneratedFrameProblem]:
    """The shipped steel-frame set (or another JSONL file written by `write_frame_set`)."""
    with Path(path).open(encoding="utf-8") as handle:
        return [GeneratedFrameProblem.model_validate_json(line) for line in handle if line.strip()]
