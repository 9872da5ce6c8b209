"""Compare evaluation runs: a per-category Markdown table with intervals, paired McNemar tests, a bar chart.

Runs are compared on the items they share (by doc id), so a partial run is never set against a complete one as if
they had answered the same questions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..atomic_files import save_figure_atomically
from .records import read_records
from .runner import accuracy_table, format_accuracy
from .stats import mcnemar_exact


@dataclass(frozen=True)
class RunRecords:
    name: str
    model: str
    correct: dict[str, bool]  # doc id -> verdict
    category: dict[str, str]  # doc id -> category


def load_run(path: Path) -> RunRecords:
    """The verdicts of a run folder (its samples.jsonl and the model named in results.json or run.json)."""
    meta_path = path / "results.json" if (path / "results.json").is_file() else path / "run.json"
    if not meta_path.is_file():
        raise FileNotFoundError(f"runs: {path} is not a run folder (no results.json or run.json)")
    model = json.loads(meta_path.read_text())["model"]
    records = read_records(path / "samples.jsonl")
    return RunRecords(
        name=path.name,
        model=model,
        correct={r["doc_id"]: bool(r["correct"]) for r in records},
        category={r["doc_id"]: r["category"] for r in records},
    )


def shared_items(runs: list[RunRecords]) -> list[str]:
    """Doc ids answered by every run, in the first run's order."""
    first, *rest = runs
    return [doc for doc in first.correct if all(doc in run.correct for run in rest)]


def tables(runs: list[RunRecords]) -> tuple[list[str], dict[str, dict]]:
    """Shared doc ids and each run's accuracy table on them."""
    docs = shared_items(runs)
    return docs, {run.name: accuracy_table([(run.category[d], run.correct[d]) for d in docs]) for run in runs}


def mcnemar_against_first(runs: list[RunRecords], docs: list[str]) -> list[tuple[str, int, int, float]]:
    """For each later run: (name, items only the first got right, items only it got right, exact p-value)."""
    first = runs[0]
    rows = []
    for run in runs[1:]:
        only_first = sum(first.correct[d] and not run.correct[d] for d in docs)
        only_run = sum(run.correct[d] and not first.correct[d] for d in docs)
        rows.append((run.name, only_first, only_run, mcnemar_exact(only_first, only_run)))
    return rows


def markdown(runs: list[RunRecords]) -> str:
    """The comparison as Markdown: accuracy per category with 95% Wilson intervals, then McNemar tests."""
    docs, by_run = tables(runs)
    if not docs:
        raise ValueError("runs: the runs share no items")
    categories = sorted({runs[0].category[d] for d in docs})
    header = "| category | n | " + " | ".join(f"{r.name} ({r.model})" for r in runs) + " |"
    lines = [header, "|" + "---|" * (len(runs) + 2)]
    for category in categories:
        n = by_run[runs[0].name]["per_category"][category]["n"]
        cells = [format_accuracy(by_run[r.name]["per_category"][category]) for r in runs]
        lines.append(f"| {category} | {n} | " + " | ".join(cells) + " |")
    lines.append(
        f"| **overall** | {len(docs)} | " + " | ".join(format_accuracy(by_run[r.name]["overall"]) for r in runs) + " |"
    )
    if len(runs) > 1:
        lines += [
            "",
            f"Paired McNemar tests against {runs[0].name} (exact, two-sided), on the {len(docs)} shared items:",
            "",
        ]
        lines += ["| run | only first correct | only this run correct | p |", "|---|---|---|---|"]
        for name, only_first, only_run, p in mcnemar_against_first(runs, docs):
            lines.append(f"| {name} | {only_first} | {only_run} | {p:.3g} |")
    return "\n".join(lines) + "\n"


def bar_chart(runs: list[RunRecords], path: Path) -> None:
    """Grouped bars of per-category accuracy with 95% Wilson intervals as error bars, saved as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    docs, by_run = tables(runs)
    categories = sorted({runs[0].category[d] for d in docs}) + ["overall"]
    width = 0.8 / len(runs)
    # About 0.3 inch a bar, within 8-20 inches: 16 categories of 3 runs once made a 45-inch strip nobody could read.
    figure, axes = plt.subplots(figsize=(min(20, max(8, 0.3 * len(categories) * len(runs) + 2)), 5))
    for index, run in enumerate(runs):
        table = by_run[run.name]
        cells = [table["per_category"][c] if c != "overall" else table["overall"] for c in categories]
        heights = [c["accuracy"] for c in cells]
        errors = [
            [h - c["ci95"][0] for h, c in zip(heights, cells, strict=True)],
            [c["ci95"][1] - h for h, c in zip(heights, cells, strict=True)],
        ]
        positions = [i + (index - (len(runs) - 1) / 2) * width for i in range(len(categories))]
        axes.bar(positions, heights, width, yerr=errors, capsize=2, label=f"{run.name} ({run.model})")
    axes.set_xticks(range(len(categories)), [c.replace("_", " ") for c in categories], rotation=40, ha="right")
    axes.set_ylabel("accuracy (95% Wilson interval)")
    axes.set_ylim(0, 1)
    axes.legend(fontsize="small")
    figure.tight_layout()
    save_figure_atomically(figure, path, dpi=120)
    plt.close(figure)
