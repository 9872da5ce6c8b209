"""The MASSE storage-rack problems shipped in ``data/masse`` (see PROVENANCE.md), parsed into RackProblem."""

from __future__ import annotations

import json
from pathlib import Path

from reasonsuite.tools.structural.rack_problem import RackProblem

MASSE_DIR = Path(__file__).parent / "masse"


def masse_records() -> dict[str, dict]:
    """The raw records keyed by problem id, with MASSE's own field names and the generated description."""
    with (MASSE_DIR / "problem_descriptions.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def load_rack_problems() -> dict[str, RackProblem]:
    """Every shipped MASSE problem as a validated RackProblem, keyed by problem id."""
    return {key: RackProblem.from_masse_record(record) for key, record in masse_records().items()}


def problem_description(problem_id: str) -> str:
    """The problem's text as MASSE gives it to the agents (the `generated_description` field)."""
    records = masse_records()
    if problem_id not in records:
        raise KeyError(f"no MASSE problem {problem_id!r}; shipped: {', '.join(sorted(records))}")
    return records[problem_id]["generated_description"]
