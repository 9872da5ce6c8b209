"""The MASSE benchmark with exact answers: run the workflow on generated problems and score it stage by stage.

Two structure types: the 120 generated rack side frames and the 40 generated single-storey steel frames.

Each problem's expected numbers were computed by the tools when the set was generated (`data/masse/generated`), so
scoring is a comparison, not an LLM judge. Stages, so a failure shows where the chain broke: the problem read from the
text, the site's spectral values, the base shear, the member forces, the utilisations, the governing member and the
verdict. Every problem leaves a record in samples.jsonl (appended as it finishes, so a killed run resumes) and
results.json holds per-stage accuracy with Wilson intervals, time per problem and the failures with their reasons.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reasonsuite.agents.masse.configuration import MasseConfig
from reasonsuite.agents.masse.runner import run as run_masse
from reasonsuite.agents.masse.structures import structure_of
from reasonsuite.data import frame_generator, masse_generator
from reasonsuite.data.frame_generator import GeneratedFrameProblem
from reasonsuite.data.masse_generator import GeneratedProblem
from reasonsuite.llm import BaseLLM
from reasonsuite.tools.structural.rack import RackCheckOutput, level_loads
from reasonsuite.tools.structural.steel_frame import SteelFrameCheckOutput

from ..atomic_files import write_json_atomically
from .records import append_records, read_records
from .runner import accuracy_cell

STRUCTURES = ("rack", "steel_frame")
STAGES = ("extraction", "seismic", "base_shear", "member_forces", "utilisation", "governing_member", "verdict")
RELATIVE_TOLERANCE = 1e-3


def _close(actual: float, expected: float) -> bool:
    return abs(actual - expected) <= RELATIVE_TOLERANCE * max(abs(expected), 1e-9)


def _check_output(state: dict[str, Any]) -> RackCheckOutput | SteelFrameCheckOutput:
    """The workflow's first round as the one-shot check tool of its structure type would have returned it."""
    problem = state["problem"]
    common = {
        "problem_id": problem.problem_id, "verdict": state["checks"].verdict,
        "governing_member": state["checks"].governing_member, "max_utilisation": state["checks"].max_utilisation,
        "hazard": state["hazard"], "base_shear": state["base_shear"], "frame": state["frame"],
        "analysis": state["analysis"], "members": state["members"], "checks": state["checks"],
        "assumptions": structure_of(problem).assumptions(problem, state["basis"], state["loads"]),
    }  # fmt: skip
    if structure_of(problem).kind == "steel_frame":
        return SteelFrameCheckOutput(**common, loads=state["loads"], sections=state["sections"])
    return RackCheckOutput(
        **common, level_loads=level_loads(state["loads"], state["base_shear"]),
        post_section=state["sections"]["post"], brace_section=state["sections"]["brace"],
    )  # fmt: skip


def answer_of(state: dict[str, Any]) -> Any:
    """The workflow's first-round result reduced to the benchmark's numbers (as the generator reduced the check)."""
    result = _check_output(state)
    if isinstance(result, SteelFrameCheckOutput):
        return frame_generator.expected_from(result)
    return masse_generator.expected_from(result)


def _forces_close(got: Any, expected: Any) -> bool:
    """Member forces under the governing combination: post and brace axial (racks); column axial, beam moment and
    brace axial (steel frames)."""
    if isinstance(expected, masse_generator.ExpectedAnswer):
        return _close(got.max_post_axial_kN, expected.max_post_axial_kN) and _close(
            got.max_brace_axial_kN, expected.max_brace_axial_kN
        )
    brace_ok = (got.max_brace_axial_kN is None) == (expected.max_brace_axial_kN is None) and (
        expected.max_brace_axial_kN is None or _close(got.max_brace_axial_kN, expected.max_brace_axial_kN)
    )
    return (
        _close(got.max_column_axial_kN, expected.max_column_axial_kN)
        and _close(got.max_beam_moment_kNm, expected.max_beam_moment_kNm)
        and brace_ok
    )


def score(generated: GeneratedProblem | GeneratedFrameProblem, state: dict[str, Any]) -> dict[str, bool]:
    """Stage by stage: is the workflow's result the expected one? A stage that did not run scores False."""
    scores = dict.fromkeys(STAGES, False)
    scores["extraction"] = state.get("problem") == generated.problem
    if "checks" not in state:
        if "hazard" in state:
            hazard, expected = state["hazard"], generated.expected
            scores["seismic"] = (hazard.Sa_0_2, hazard.Sa_0_5) == (expected.Sa_0_2_g, expected.Sa_0_5_g)
        return scores
    got, expected = answer_of(state), generated.expected
    scores["seismic"] = got.table_location == expected.table_location and (got.Sa_0_2_g, got.Sa_0_5_g) == (
        expected.Sa_0_2_g,
        expected.Sa_0_5_g,
    )
    scores["base_shear"] = _close(got.V_kN, expected.V_kN) and _close(got.Ta_s, expected.Ta_s)
    scores["member_forces"] = _forces_close(got, expected)
    scores["utilisation"] = _close(got.max_utilisation, expected.max_utilisation)
    scores["governing_member"] = got.governing_member in expected.equally_governing_members
    scores["verdict"] = got.verdict == expected.verdict
    return scores


def benchmark_problems(structures: tuple[str, ...] = STRUCTURES) -> list[GeneratedProblem | GeneratedFrameProblem]:
    """The generated problems of the chosen structure types: racks first, then steel frames."""
    problems: list[GeneratedProblem | GeneratedFrameProblem] = []
    if "rack" in structures:
        problems += masse_generator.load_generated_problems()
    if "steel_frame" in structures:
        problems += frame_generator.load_frame_problems()
    return problems


def run_masse_eval(
    out: Path,
    *,
    mode: str,
    llm: BaseLLM | None = None,
    limit: int | None = None,
    structures: tuple[str, ...] = STRUCTURES,
    model_name: str = "",
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Run the workflow (no redesign: the verdict scored is the design's as given) on the generated problems.

    `limit` takes the first problems of each structure type, so a short run still covers every type.
    """
    problems = [p for kind in structures for p in benchmark_problems((kind,))[:limit]]
    out.mkdir(parents=True, exist_ok=True)
    samples = out / "samples.jsonl"
    done = {record["doc_id"] for record in read_records(samples)} if samples.exists() else set()
    config = MasseConfig(mode=mode, max_redesign_rounds=0, on_missing="fail")
    for index, generated in enumerate(problems, start=1):
        if generated.id in done:
            continue
        started = time.perf_counter()
        state = run_masse(generated.description, config=config, llm=llm, problem_id=generated.id).state
        seconds = time.perf_counter() - started
        scores = score(generated, state)
        append_records(samples, [{
            "doc_id": generated.id, "structure": structure_of(generated.problem).kind, "mode": mode,
            "scores": scores, "correct": scores["verdict"],
            "failure": state.get("failure"), "seconds": round(seconds, 3),
            "verdict": state.get("verdict"), "expected_verdict": generated.expected.verdict,
        }])  # fmt: skip
        if on_progress is not None:
            on_progress(index, len(problems))
    results = summarise(read_records(samples), mode=mode, model_name=model_name)
    write_json_atomically(out / "results.json", results)
    return results


def summarise(records: list[dict[str, Any]], *, mode: str, model_name: str) -> dict[str, Any]:
    """Per-stage accuracy with 95% Wilson intervals (in all and per structure type), time per problem, failures."""
    seconds = [record["seconds"] for record in records]
    kinds = sorted({record.get("structure", "rack") for record in records})
    return {
        "task": "masse",
        "mode": mode,
        "model": model_name or "(none: rules and tools)",
        "completed": len(records),
        "stages": _stage_accuracy(records),
        "stages_by_structure": {
            kind: _stage_accuracy([r for r in records if r.get("structure", "rack") == kind]) for kind in kinds
        },
        "seconds_per_problem": {
            "mean": statistics.fmean(seconds) if seconds else 0.0,
            "median": statistics.median(seconds) if seconds else 0.0,
            "max": max(seconds, default=0.0),
        },
        "failures": [{"doc_id": r["doc_id"], "failure": r["failure"]} for r in records if r["failure"]],
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _stage_accuracy(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {stage: accuracy_cell([record["scores"][stage] for record in records]) for stage in STAGES}
