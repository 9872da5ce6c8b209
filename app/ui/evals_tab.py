"""The Evaluations tab: pick run folders, compare them per category, browse their samples.

Any folder with a samples.jsonl and a results.json or run.json is a run, whether the command line, the API or this UI
made it; the comparison is `reasonsuite.evals.compare`, the same as `reasonsuite eval compare`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from reasonsuite.evals.compare import bar_chart, load_run, markdown
from reasonsuite.evals.records import read_records

SAMPLE_COLUMNS = ["doc_id", "category", "correct", "extracted", "target", "response"]
OUTCOMES = ["all", "correct", "incorrect", "extraction failed"]


def find_runs(root: Path, limit: int = 200) -> list[str]:
    """Run folders under `root` (relative paths, newest first) that hold per-sample records."""
    if not root.is_dir():
        return []
    folders = [
        path.parent
        for path in root.rglob("samples.jsonl")
        if (path.parent / "results.json").is_file() or (path.parent / "run.json").is_file()
    ]
    folders.sort(key=lambda folder: -folder.stat().st_mtime)
    return [str(folder.relative_to(root)) for folder in folders[:limit]]


def compare(root: Path, names: list[str]) -> tuple[str, str | None]:
    """The per-category comparison as Markdown and a bar chart PNG of it."""
    if not names:
        return "Pick one or more runs.", None
    try:
        runs = [load_run(root / name) for name in names]
        table = markdown(runs)
    except (FileNotFoundError, ValueError, KeyError) as err:
        raise gr.Error(f"runs: {err}") from None
    chart = Path(tempfile.mkdtemp(prefix="rs-compare-")) / "comparison.png"
    bar_chart(runs, chart)
    return table, str(chart)


def samples(root: Path, name: str | None, category: str, outcome: str) -> pd.DataFrame:
    """A run's records filtered by category and outcome, as a table of the fields a reviewer reads."""
    if not name:
        return pd.DataFrame(columns=SAMPLE_COLUMNS)
    records = read_records(root / name / "samples.jsonl")
    if category and category != "all":
        records = [r for r in records if _category(r) == category]
    if outcome == "correct":
        records = [r for r in records if r.get("correct")]
    elif outcome == "incorrect":
        records = [r for r in records if not r.get("correct")]
    elif outcome == "extraction failed":
        records = [r for r in records if "extracted" in r and r["extracted"] is None]
    rows = [
        [
            r.get("doc_id"),
            r.get("category", r.get("structure", "")),
            bool(r.get("correct")),
            r.get("extracted"),
            r.get("target", r.get("expected_verdict")),
            str(r.get("response", r.get("verdict", "")))[:2000],
        ]
        for r in records
    ]
    return pd.DataFrame(rows, columns=SAMPLE_COLUMNS)


def categories(root: Path, name: str | None) -> list[str]:
    if not name:
        return ["all"]
    records = read_records(root / name / "samples.jsonl")
    return ["all", *sorted({_category(r) for r in records})]


def _category(record: dict[str, Any]) -> str:
    """The record's category; MASSE benchmark records are grouped by structure type instead."""
    return str(record.get("category", record.get("structure", "")))


def build(root: Path) -> None:
    """The tab's layout and events; run folders are looked for under `root`."""
    with gr.Row():
        chosen = gr.Dropdown(find_runs(root), value=[], multiselect=True, label=f"Runs (folders under {root})", scale=5)
        refresh = gr.Button("↻", scale=0, min_width=40)
        go = gr.Button("Compare", variant="primary", scale=1)
    with gr.Row():
        table = gr.Markdown("Pick one or more runs.")
        chart = gr.Image(label="Accuracy per category (95% Wilson intervals)", type="filepath")
    gr.Markdown("### Samples")
    with gr.Row():
        run = gr.Dropdown(find_runs(root), value=None, label="Run", scale=3)
        category = gr.Dropdown(["all"], value="all", label="Category", scale=2)
        outcome = gr.Radio(OUTCOMES, value="all", label="Show", scale=3)
    records = gr.Dataframe(headers=SAMPLE_COLUMNS, wrap=True, max_height=500)

    def refreshed() -> tuple[Any, Any]:
        names = find_runs(root)
        return gr.update(choices=names), gr.update(choices=names)

    refresh.click(refreshed, None, [chosen, run])
    go.click(lambda names: compare(root, names), [chosen], [table, chart])
    run.change(lambda name: gr.update(choices=categories(root, name), value="all"), [run], [category])
    for trigger in (run.change, category.change, outcome.change):
        trigger(lambda name, cat, out: samples(root, name, cat, out), [run, category, outcome], [records])
