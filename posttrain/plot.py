"""A run's loss and reward curves as one PNG: ``posttrain plot`` writes it, the UI's Training tab shows it.

One panel per family that the log has, so a glance tells whether training moved: loss (train and eval), reward
(total and each reward function's mean) and learning rate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..atomic_files import save_figure_atomically
from .metrics_log import read_metrics

CURVES_FILE = "curves.png"


def curve_families(history: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The log keys to draw, one panel per family (only families the log actually has)."""
    keys = {key for entry in history for key in entry}
    families = {
        "loss": [k for k in ("loss", "eval_loss") if k in keys],
        "reward": [k for k in ("reward", "eval_reward") if k in keys]
        + sorted(k for k in keys if k.startswith("rewards/") and k.endswith("/mean")),
        "learning rate": [k for k in ("learning_rate",) if k in keys],
    }
    return {name: chosen for name, chosen in families.items() if chosen}


def series(history: list[dict[str, Any]], key: str) -> tuple[list[int], list[float]]:
    """(steps, values) of one key; entries without it (eval entries lack ``loss``, …) are skipped."""
    points = [(int(e["step"]), float(e[key])) for e in history if key in e and "step" in e]
    return [s for s, _ in points], [v for _, v in points]


def plot_history(history: list[dict[str, Any]], out: Path, title: str = "") -> Path:
    """Draw the logged curves into ``out`` (PNG); a ValueError if the log has nothing to draw yet."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    families = curve_families(history)
    if not families:
        raise ValueError(f"{title or 'the run'}: the log has no loss, reward or learning-rate entries yet")
    figure, axes = plt.subplots(1, len(families), figsize=(4.5 * len(families), 3.4), squeeze=False)
    for axis, (name, keys) in zip(axes[0], families.items(), strict=True):
        for key in keys:
            steps, values = series(history, key)
            axis.plot(steps, values, marker="o" if len(steps) < 30 else None, label=key)
        axis.set_title(name)
        axis.set_xlabel("step")
        axis.grid(alpha=0.3)
        axis.legend(fontsize=7)
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    save_figure_atomically(figure, out, dpi=110)
    plt.close(figure)
    return out


def plot_run(run_dir: Path, out_dir: Path | None = None) -> Path:
    """Write the run's curves to ``curves.png`` in ``out_dir`` (default the run folder); returns its path."""
    return plot_history(read_metrics(run_dir), (out_dir or run_dir) / CURVES_FILE, title=run_dir.name)
