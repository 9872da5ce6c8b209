"""Generated storage-rack problems in the MASSE format, each with the answer the suite's `rack_check` gives.

MASSE ships one rack problem (``data/masse``); this module draws more from the same family so that agents can be
scored on a set: a BC location of BCBC 2018 Table C-3, 1–4 bays, 1–3 pallets per beam, 2–6 beam levels, a 3–4.5 ft
wide side frame braced like MASSE's sample (a horizontal 0.5 ft above the floor, zig-zag diagonals about every
2.5 ft, a horizontal near the top) and post / brace channels from a small catalogue of cold-formed rack sections.
Each problem is written in MASSE's description template (``describe``), which ``read_by_rules`` parses back into the
same RackProblem, and its expected answer is ``rack_check`` with the default RackDesignBasis (``expected_answer``).

Everything is a deterministic function of (count, seed): problem i depends only on the first i draws, so a shorter
run is a prefix of a longer one. The shipped set is ``data/masse/generated/problems.jsonl`` (see PROVENANCE.md).
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from reasonsuite.atomic_files import write_text_atomically
from reasonsuite.tools.structural.hazard import load_table_c3
from reasonsuite.tools.structural.rack import RackCheckInput, RackCheckOutput, rack_check
from reasonsuite.tools.structural.rack_problem import BraceFt, RackProblem

GENERATED_DIR = Path(__file__).parent / "masse" / "generated"
GENERATED_FILE = GENERATED_DIR / "problems.jsonl"
DEFAULT_COUNT = 120
DEFAULT_SEED = 2026
SIGNIFICANT_DIGITS = 6
"""Expected numbers are stored to 6 significant digits, so the file does not depend on the last bits of the solver."""
TIE_TOLERANCE = 1e-9
"""Relative difference below which two utilisations (or axial forces) count as equal."""

# Cold-formed rack sections, (flange width, web depth, thickness) in inches, as MASSE writes them (its sample post
# is 3.079 x 2.795 x 0.0787, its brace 1.0 x 1.0 x 0.054). Thicknesses are common sheet gauges.
POST_SECTIONS_IN: tuple[tuple[float, float, float], ...] = (
    (3.0, 2.75, 0.0747),
    (3.0, 3.0, 0.0897),
    (3.0, 3.1, 0.1046),
    (3.0, 3.1, 0.12),
    (3.079, 2.795, 0.0787),
    (3.079, 3.0, 0.0966),
)
BRACE_SECTIONS_IN: tuple[tuple[float, float, float], ...] = (
    (1.0, 1.0, 0.054),
    (1.25, 1.25, 0.0747),
    (1.5, 1.25, 0.0897),
    (1.5, 1.5, 0.0966),
    (1.5, 1.5, 0.105),
)
BEAM_Z_SIZES_IN = (3, 4, 5)
"""The load beam's Z-section depth: part of the text only (rack_check does not model the load beams)."""

BRACE_PANEL_FT = 2.5
BRACE_END_CLEARANCE_FT = 0.5
_COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


class ExpectedAnswer(BaseModel):
    """The key results of `rack_check` (default RackDesignBasis) for a generated problem, SI units."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table_location: str = Field(description="the Table C-3 entry the location resolves to")
    Sa_0_2_g: float = Field(description="Sa(0.2), g")
    Sa_0_5_g: float = Field(description="Sa(0.5), g")
    Ta_s: float = Field(description="fundamental period used, s")
    W_kN: float = Field(description="seismic weight W, kN")
    V_kN: float = Field(description="design base shear V, kN")
    Fx_kN: list[float] = Field(description="lateral force per beam level, lowest first, kN")
    governing_member: str = Field(description="the member with the largest utilisation, e.g. 'brace_2'")
    governing_combination: str = Field(description="the load combination that governs that member")
    equally_governing_members: list[str] = Field(
        description="every member whose utilisation equals the largest (round-off aside), the governing one included; "
        "several where equal-length braces are governed by KL/r <= 200"
    )
    max_post_axial_kN: float = Field(description="largest |axial force| in a post under the governing combination")
    max_brace_axial_kN: float = Field(description="largest |axial force| in a brace under the governing combination")
    max_utilisation: float = Field(description="largest demand / resistance of any member")
    verdict: str = Field(description="ADEQUATE or INADEQUATE")


class GeneratedProblem(BaseModel):
    """One generated rack problem: the schema, MASSE-style text stating it, and the tools' answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="'gen-001', 'gen-002', …")
    problem: RackProblem
    description: str = Field(description="the problem in MASSE's `generated_description` template")
    expected: ExpectedAnswer


def significant(value: float) -> float:
    """A number to SIGNIFICANT_DIGITS, as the expected answers store it."""
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def brace_heights_ft(height_ft: float) -> list[float]:
    """Brace node heights: 0.5 ft, then steps of about 2.5 ft up to 0.5 ft below the top.

    The inner nodes are rounded to 0.5 ft (Python's round, halves to even), so every height is a multiple of 0.5 ft.
    """
    low, high = BRACE_END_CLEARANCE_FT, height_ft - BRACE_END_CLEARANCE_FT
    panels = max(1, round((high - low) / BRACE_PANEL_FT))
    inner = [low + round((high - low) * i / panels * 2) / 2 for i in range(1, panels)]
    return [low, *inner, high]


def brace_pattern(width_ft: float, height_ft: float) -> list[list[tuple[float, float]]]:
    """MASSE's sample bracing: a bottom horizontal, zig-zag diagonals between the posts, a top horizontal."""
    heights = brace_heights_ft(height_ft)
    side = [0.0, width_ft]
    braces = [[(0.0, heights[0]), (width_ft, heights[0])]]
    for i, (low, high) in enumerate(zip(heights, heights[1:], strict=False)):
        braces.append([(side[(i + 1) % 2], low), (side[i % 2], high)])
    top_x = braces[-1][1][0]
    braces.append([(top_x, heights[-1]), (width_ft - top_x, heights[-1])])
    return braces


def _ft(value: float) -> str:
    return f"{value:.1f}"


def _coord(value: float) -> str:
    return f"{value:g}"


def _point(x: float, y: float) -> str:
    return f"({_coord(x)}, {_coord(y)})"


def _series(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _brace_length_ft(brace: BraceFt) -> float:
    return math.hypot(brace.end.x_ft - brace.start.x_ft, brace.end.y_ft - brace.start.y_ft)


def _count_word(count: int) -> str:
    return _COUNT_WORDS.get(count, str(count))


def _pallets(count: int) -> str:
    return "there is 1 pallet" if count == 1 else f"there are {count} pallets"


def describe(problem: RackProblem, beam_z_size_in: int) -> str:
    """The problem in MASSE's `generated_description` template (same sentences and number formats).

    Lengths are written to 0.1 ft as the sample does ("8.0 ft"), so they round-trip for the generated multiples of
    0.5 ft. Words agree with a count of 1 ("1 bay", "there is 1 pallet").
    """
    p = problem
    levels = [f"{_ft(h)} ft" for h in p.level_elevations_ft]
    weights = [f"{w:g} lbs at {_ft(h)} ft" for w, h in zip(p.pallet_weights_lb, p.level_elevations_ft, strict=True)]
    column, brace = p.column, p.brace_section
    width, height = _coord(p.frame_width_ft), _ft(p.frame_height_ft)
    links = ", ".join(f"{_point(b.start.x_ft, b.start.y_ft)}->{_point(b.end.x_ft, b.end.y_ft)}" for b in p.braces)
    return (
        f"A racking system in {p.location}, BC. This system has {p.bays} bay{'s' * (p.bays != 1)} with "
        f"{_ft(p.beam_length_ft)} ft beam length; {_pallets(p.pallets_per_beam)} on each beam. "
        f"The beam is a {beam_z_size_in} inch Z-section beam; "
        f"on the side elevation the gap between two posts is {_ft(p.frame_width_ft)} ft wide and the post is {height} "
        f"ft tall with {_count_word(len(levels))} floor{'s' * (len(levels) != 1)} at {_series(levels)}; pallet "
        f"weights are {', '.join(weights)}. The columns are steel U-channels ({column.width_in!r} in x "
        f"{column.depth_in!r} in x {column.thickness_in!r} in, {height} ft long, E = {p.E_ksi:,.0f} kip/in^2) and the "
        f"braces are steel U-channels ({brace.width_in!r} in x {brace.depth_in!r} in x {brace.thickness_in!r} in, "
        f"length {max(_brace_length_ft(b) for b in p.braces):.1f} ft). Two elastic beam-columns run from "
        f"(0, 0)->(0, {height}) and ({width}, 0)->({width}, {height}). {len(p.braces)} pin-ended truss braces link "
        f"{links}. Fixed supports at (0, 0) and ({width}, 0). Point loads applied to the left column at "
        f"{', '.join(levels)}. Coordinates in feet (1 ft = 12 in), forces in kip, stiffness in kip/in^2."
    )


def _section(dims: tuple[float, float, float]) -> dict[str, float]:
    return dict(zip(("width_in", "depth_in", "thickness_in"), dims, strict=True))


def draw_problem(rng: random.Random, problem_id: str, locations: list[str]) -> tuple[RackProblem, int]:
    """One random rack (and its load beam's Z size), every length a multiple of 0.5 ft."""
    location = rng.choice(locations)
    bays, pallets = rng.randint(1, 4), rng.randint(1, 3)
    level_count = rng.randint(2, 6)
    levels = [0.5 * rng.randint(1, 10)]
    for _ in range(level_count - 1):
        levels.append(levels[-1] + 0.5 * rng.randint(6, 12))
    height = levels[-1] + 0.5 * rng.randint(4, 8)
    weights = [50.0 * rng.randint(5, 50) for _ in levels]
    width = 0.5 * rng.randint(6, 9)
    beam_length = 0.5 * rng.randint(12, 24)
    beam_z = rng.choice(BEAM_Z_SIZES_IN)
    post, brace = rng.choice(POST_SECTIONS_IN), rng.choice(BRACE_SECTIONS_IN)
    problem = RackProblem(
        problem_id=problem_id,
        location=location,
        bays=bays,
        pallets_per_beam=pallets,
        beam_length_ft=beam_length,
        frame_width_ft=width,
        frame_height_ft=height,
        level_elevations_ft=levels,
        pallet_weights_lb=weights,
        braces=brace_pattern(width, height),
        column=_section(post),
        brace_section=_section(brace),
    )
    return problem, beam_z


def governing_entry(result: RackCheckOutput | Any) -> tuple[str, str, list[str]]:
    """(member, combination, every member as utilised as it): the governing check, free of round-off ties.

    Equal-length braces governed by the KL/r <= 200 limit have the same utilisation in every combination, and
    `rack_check` picks among them by round-off. Works on any check output with `analysis`, `checks` and `members`
    (the steel-frame check too). Here all (member, combination) pairs within TIE_TOLERANCE of the
    largest utilisation tie; of those the one with the largest |axial force| governs (the first in `rack_check`'s
    order if forces tie too).
    """
    axial = {
        (force.member, combination.name): max(force.max_tension_kN, force.max_compression_kN)
        for combination in result.analysis.results
        for force in combination.members
    }
    top = result.checks.max_utilisation
    tied = [tuple(c.name.split(" | ", 1)) for c in result.checks.members if c.utilisation >= top * (1 - TIE_TOLERANCE)]
    strongest = max(axial[key] for key in tied)
    member, combination = next(key for key in tied if axial[key] >= strongest * (1 - TIE_TOLERANCE))
    order = {verdict.member: index for index, verdict in enumerate(result.members)}
    return member, combination, sorted({name for name, _ in tied}, key=order.__getitem__)


def seismic_answer(result: RackCheckOutput | Any) -> dict[str, Any]:
    """The expected answer's site and seismic fields, shared by every structure type's check output."""
    return {
        "table_location": result.hazard.location,
        "Sa_0_2_g": result.hazard.Sa_0_2,
        "Sa_0_5_g": result.hazard.Sa_0_5,
        "Ta_s": significant(result.base_shear.Ta_s),
        "W_kN": significant(result.base_shear.W_kN),
        "V_kN": significant(result.base_shear.V_kN),
    }


def expected_from(result: RackCheckOutput) -> ExpectedAnswer:
    """The key numbers of a rack_check result, to SIGNIFICANT_DIGITS."""
    member, combination, equally_governing = governing_entry(result)
    forces = next(r for r in result.analysis.results if r.name == combination).members

    def largest_axial(brace: bool) -> float:
        return max(max(f.max_tension_kN, f.max_compression_kN) for f in forces if f.member.startswith("brace") == brace)

    return ExpectedAnswer(
        **seismic_answer(result),
        Fx_kN=[significant(level.Fx_kN) for level in result.base_shear.levels],
        governing_member=member,
        governing_combination=combination,
        equally_governing_members=equally_governing,
        max_post_axial_kN=significant(largest_axial(brace=False)),
        max_brace_axial_kN=significant(largest_axial(brace=True)),
        max_utilisation=significant(result.max_utilisation),
        verdict=result.verdict,
    )


def expected_answer(problem: RackProblem) -> ExpectedAnswer:
    """`rack_check` with the default RackDesignBasis, reduced to the key numbers."""
    return expected_from(rack_check(RackCheckInput(problem=problem)))


def draw_problems(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[tuple[RackProblem, str]]:
    """The problems and their descriptions without the (slower) rack checks; a prefix of any longer draw."""
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    rng = random.Random(seed)
    locations = list(load_table_c3())
    drawn = []
    for index in range(1, count + 1):
        problem, beam_z = draw_problem(rng, f"gen-{index:03d}", locations)
        drawn.append((problem, describe(problem, beam_z)))
    return drawn


def generate_rack_problems(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[GeneratedProblem]:
    """`count` rack problems with descriptions and expected answers, deterministic for the seed."""
    return [
        GeneratedProblem(id=problem.problem_id, problem=problem, description=text, expected=expected_answer(problem))
        for problem, text in draw_problems(count, seed)
    ]


def to_jsonl(problems: list[BaseModel]) -> str:
    """One JSON object per line, keys in schema order."""
    return "".join(json.dumps(p.model_dump(mode="json"), ensure_ascii=False) + "\n" for p in problems)


def write_generated_set(
    path: Path | str = GENERATED_FILE, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED
) -> list[GeneratedProblem]:
    """Generate the set and write it as JSONL atomically (a temporary file, fsynced, then renamed over `path`)."""
    problems = generate_rack_problems(count, seed)
    write_jsonl_atomically(Path(path), problems)
    return problems


def write_jsonl_atomically(path: Path, problems: list[BaseModel]) -> None:
    """Write JSONL through a temporary file, fsynced, then renamed over `path`: a crash leaves the old file whole."""
    write_text_atomically(path, to_jsonl(problems))


def load_generated_problems(path: Path | str = GENERATED_FILE) -> list[GeneratedProblem]:
    """The shipped generated set (or another JSONL file written by `write_generated_set`)."""
    with Path(path).open(encoding="utf-8") as handle:
        return [GeneratedProblem.model_validate_json(line) for line in handle if line.strip()]
