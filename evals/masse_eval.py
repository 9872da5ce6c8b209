"""The MASSE benchmark with exact answers: run the workflow on generated rack problems and score it stage by stage.

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
from reasonsuite.data.masse_generator import ExpectedAnswer, GeneratedProblem, expected_from, load_generated_problems
from reasonsuite.llm import BaseLLM
from reasonsuite.tools.structural.rack import RackCheckOutput, level_loads, rack_assumptions

from .records import append_records, read_records, write_json_atomically
from .runner import accuracy_cell

STAGES = ("extraction", "seismic", "base_shear", "member_forces", "utilisation", "governing_member", "verdict")
RELATIVE_TOLERANCE = 1e-3


def _close(actual: float, expected: float) -> bool:
    return abs(actual - expected) <= RELATIVE_TOLERANCE * max(abs(expected), 1e-9)


def answer_of(state: dict[str, Any]) -> ExpectedAnswer:
    """The workflow's first-round result reduced to the benchmark's numbers (as the generator reduced rack_check)."""
    as_rack_check = RackCheckOutput(
        problem_id=state["problem"].problem_id,
        verdict=state["checks"].verdict,
        governing_member=state["checks"].governing_member,
        max_utilisation=state["checks"].max_utilisation,
        hazard=state["hazard"],
        level_loads=level_loads(state["loads"], state["base_shear"]),
        base_shear=state["base_shear"],
        post_section=state["post_section"],
        brace_section=state["brace_section"],
        frame=state["frame"],
        analysis=state["analysis"],
        members=state["members"],
        checks=state["checks"],
        assumptions=rack_assumptions(state["problem"], state["basis"], state["loads"]),
    )
    return expected_from(as_rack_check)


def score(generated: GeneratedProblem, state: dict[str, Any]) -> dict[str, bool]:
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
    scores["member_forces"] = _close(got.max_post_axial_kN, expected.max_post_axial_kN) and _close(
        got.max_brace_axial_kN, expected.max_brace_axial_kN
    )
    scores["utilisation"] = _close(got.max_utilisation, expected.max_utilisation)
    scores["governing_member"] = got.governing_member in expected.equally_governing_members
    scores["verdict"] = got.verdict == expected.verdict
    return scores


def run_masse_eval(
    out: Path,
    *,
    mode: str,
    llm: BaseLLM | None = None,
    limit: int | None = None,
    model_name: str = "",
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Run the workflow (no redesign: the verdict scored is the design's as given) on the generated problems."""
    problems = load_generated_problems()[:limit]
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
            "doc_id": generated.id, "mode": mode, "scores": scores, "correct": scores["verdict"],
            "failure": state.get("failure"), "seconds": round(seconds, 3),
            "verdict": state.get("verdict"), "expected_verdict": generated.expected.verdict,
        }])  # fmt: skip
        if on_progress is not None:
            on_progress(index, len(problems))
    results = summarise(read_records(samples), mode=mode, model_name=model_name)
    write_json_atomically(out / "results.json", results)
    return results


def summarise(records: list[dict[str, Any]], *, mode: str, model_name: str) -> dict[str, Any]:
    """Per-stage accuracy with 95% Wilson intervals, time per problem, and each failure's reason."""
    stages = {stage: accuracy_cell([record["scores"][stage] for record in records]) for stage in STAGES}
    seconds = [record["seconds"] for record in records]
    return {
        "task": "masse",
        "mode": mode,
        "model": model_name or "(none: rules and tools)",
        "completed": len(records),
        "stages": stages,
        "seconds_per_problem": {
            "mean": statistics.fmean(seconds) if seconds else 0.0,
            "median": statistics.median(seconds) if seconds else 0.0,
            "max": max(seconds, default=0.0),
        },
        "failures": [{"doc_id": r["doc_id"], "failure": r["failure"]} for r in records if r["failure"]],
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
