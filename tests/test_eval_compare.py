"""Comparing run folders: shared items only, per-category intervals, McNemar, and a real PNG chart."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from reasonsuite.evals.compare import bar_chart, load_run, markdown, mcnemar_against_first, shared_items
from reasonsuite.evals.records import append_records


def make_run(folder: Path, model: str, verdicts: dict[str, tuple[str, bool]]) -> Path:
    folder.mkdir()
    (folder / "run.json").write_text(json.dumps({"task": "recon-eval", "model": model, "params": {}}))
    append_records(
        folder / "samples.jsonl",
        [{"doc_id": doc, "category": cat, "correct": ok} for doc, (cat, ok) in verdicts.items()],
    )
    return folder


def test_compare_uses_shared_items_and_pairs_them(tmp_path) -> None:
    a = make_run(tmp_path / "a", "m1", {f"d{i}": ("x" if i < 6 else "y", i < 8) for i in range(12)})
    b = make_run(tmp_path / "b", "m2", {f"d{i}": ("x" if i < 6 else "y", i >= 4) for i in range(10)})
    runs = [load_run(a), load_run(b)]
    assert shared_items(runs) == [f"d{i}" for i in range(10)]
    # d0-d3 only a right, d8-d9 only b right, d4-d7 both right
    assert mcnemar_against_first(runs, shared_items(runs)) == [
        ("b", 4, 2, mcnemar_against_first(runs, shared_items(runs))[0][3])
    ]
    table = markdown(runs)
    assert "| x | 6 | 100.0% (61%–100%) | 33.3% (10%–70%) |" in table
    assert "| **overall** | 10 |" in table
    assert "| b | 4 | 2 | 0.688 |" in table


def test_cli_writes_markdown_and_a_png_chart(tmp_path) -> None:
    a = make_run(tmp_path / "a", "m1", {"d0": ("x", True), "d1": ("y", False)})
    b = make_run(tmp_path / "b", "m2", {"d0": ("x", False), "d1": ("y", True)})
    chart, table = tmp_path / "chart.png", tmp_path / "table.md"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "reasonsuite",
            "eval",
            "compare",
            str(a),
            str(b),
            "--chart",
            str(chart),
            "--markdown",
            str(table),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "McNemar" in table.read_text()


def test_chart_draws_categories_at_none_and_all_correct(tmp_path) -> None:
    # 0 of 6 and 7 of 7 right: the Wilson bounds at 0 successes once carried a 2.8e-17 residue above the estimate,
    # and matplotlib refused the negative error bar (the recipe run's compare crashed on it).
    verdicts = {f"d{i}": ("none", False) for i in range(6)} | {f"e{i}": ("all", True) for i in range(7)}
    runs = [load_run(make_run(tmp_path / "a", "m1", verdicts)), load_run(make_run(tmp_path / "b", "m2", verdicts))]
    bar_chart(runs, tmp_path / "chart.png")
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_refuses_a_folder_that_is_not_a_run(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reasonsuite", "eval", "compare", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "is not a run folder" in result.stderr
