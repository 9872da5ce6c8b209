"""``posttrain plot``: a run's loss and reward curves as PNG files, from its metrics log.

One file per family that the log has, so a glance tells whether training moved: ``loss.png`` (train and eval
loss), ``reward.png`` (total reward and each reward function's mean) and ``learning_rate.png``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .runs import read_metrics


def _curve_keys(history: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The log keys to draw, grouped into one figure each (only families the log actually has)."""
    keys = {key for entry in history for key in entry}
    families = {
        "loss": [k for k in ("loss", "eval_loss") if k in keys],
        "reward": [k for k in ("reward",) if k in keys]
        + sorted(k for k in keys if k.startswith("rewards/") and k.endswith("/mean")),
        "learning_rate": [k for k in ("learning_rate",) if k in keys],
    }
    return {name: chosen for name, chosen in families.items() if chosen}


def series(history: list[dict[str, Any]], key: str) -> tuple[list[int], list[float]]:
    """(steps, values) of one key; entries without it (eval entries lack ``loss``, …) are skipped."""
    points = [(int(e["step"]), float(e[key])) for e in history if key in e and "step" in e]
    return [s for s, _ in points], [v for _, v in points]


def plot_run(run_dir: Path, out_dir: Path | None = None) -> list[Path]:
    """Write the run's curves as PNG files (into ``out_dir``, default the run folder); returns their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    history = read_metrics(run_dir)
    families = _curve_keys(history)
    if not families:
        raise ValueError(f"{run_dir}: the log has no loss, reward or learning-rate entries yet")
    out_dir = out_dir or run_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, keys in families.items():
        figure, axis = plt.subplots(figsize=(6, 3.6))
        for key in keys:
            steps, values = series(history, key)
            axis.plot(steps, values, marker="o" if len(steps) < 30 else None, label=key)
        axis.set_title(f"{run_dir.name}: {name.replace('_', ' ')}")
        axis.set_xlabel("step")
        axis.grid(alpha=0.3)
        axis.legend(fontsize=7)
        figure.tight_layout()
        path = out_dir / f"{name}.png"
        figure.savefig(path, dpi=110)
        plt.close(figure)
        written.append(path)
    return written
