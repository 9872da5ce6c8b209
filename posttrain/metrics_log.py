"""A training run's logged metrics, read back for curves: light enough for the UI to import without transformers.

The trainers append every logged entry to ``metrics.jsonl`` as they go (see :mod:`.runs`), so a run in progress can
be watched step by step; a folder written by plain TRL or transformers has only ``trainer_state.json`` (in the run
folder and in each ``checkpoint-N``), whose ``log_history`` holds the same entries up to the last save.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

METRICS_FILE = "metrics.jsonl"
TRAINER_STATE = "trainer_state.json"


def read_metrics(run_dir: Path) -> list[dict[str, Any]]:
    """The run's logged entries: metrics.jsonl, else the newest trainer_state.json's log_history."""
    path = run_dir / METRICS_FILE
    if path.is_file():
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    existing = [p for p in (run_dir / TRAINER_STATE, *run_dir.glob(f"checkpoint-*/{TRAINER_STATE}")) if p.is_file()]
    if not existing:
        raise FileNotFoundError(f"{run_dir} has no {METRICS_FILE} or {TRAINER_STATE}")
    newest = max(existing, key=lambda p: p.stat().st_mtime)
    return json.loads(newest.read_text(encoding="utf-8")).get("log_history", [])


def find_runs(root: Path) -> list[str]:
    """Training run folders under ``root`` (relative names): those with a metrics log or a trainer state."""
    if not root.is_dir():
        return []
    logs = [*root.rglob(METRICS_FILE), *root.rglob(TRAINER_STATE)]
    runs = {p.parent.parent if p.parent.name.startswith("checkpoint-") else p.parent for p in logs}
    return sorted(str(run.relative_to(root)) for run in runs)
