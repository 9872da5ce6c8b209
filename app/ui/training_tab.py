"""The Training tab: a post-training run's loss and reward curves, read from the trainer's own log.

TRL's trainers (SFT, GRPO) are transformers Trainers, which write `trainer_state.json` with the logged metrics
(`log_history`) at each checkpoint and at the end; this tab reads the newest one in a run folder, so a run in progress
can be watched as its checkpoints land.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

# Curves worth a panel each, with the log keys TRL and transformers use for them.
PANELS: dict[str, tuple[str, ...]] = {
    "loss": ("loss", "eval_loss"),
    "reward": ("reward", "eval_reward"),
    "reward per function": (),  # every rewards/<name>/mean key
    "learning rate": ("learning_rate",),
}


def find_training_runs(root: Path) -> list[str]:
    """Folders under `root` with a trainer_state.json (in them or in a checkpoint-N subfolder)."""
    if not root.is_dir():
        return []
    runs = {
        path.parent.parent if path.parent.name.startswith("checkpoint-") else path.parent
        for path in root.rglob("trainer_state.json")
    }
    return sorted(str(run.relative_to(root)) for run in runs)


def log_history(run: Path) -> list[dict[str, Any]]:
    """The newest trainer_state.json's log: the run folder's own, else its latest checkpoint's."""
    candidates = [run / "trainer_state.json", *run.glob("checkpoint-*/trainer_state.json")]
    existing = [path for path in candidates if path.is_file()]
    if not existing:
        raise FileNotFoundError(f"{run} has no trainer_state.json")
    newest = max(existing, key=lambda path: path.stat().st_mtime)
    return json.loads(newest.read_text(encoding="utf-8")).get("log_history", [])


def series(history: list[dict[str, Any]], key: str) -> tuple[list[float], list[float]]:
    points = [(entry["step"], entry[key]) for entry in history if key in entry and "step" in entry]
    return [step for step, _ in points], [value for _, value in points]


def plot(history: list[dict[str, Any]], out: Path) -> Path:
    """One PNG with a panel per curve family that the log has."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = {key for entry in history for key in entry}
    panels = {title: [k for k in wanted if k in keys] for title, wanted in PANELS.items()}
    panels["reward per function"] = sorted(k for k in keys if k.startswith("rewards/") and k.endswith("/mean"))
    panels = {title: chosen for title, chosen in panels.items() if chosen}
    if not panels:
        raise ValueError("the log has no loss, reward or learning-rate entries yet")
    figure, axes = plt.subplots(1, len(panels), figsize=(4.5 * len(panels), 3.4), squeeze=False)
    for axis, (title, chosen) in zip(axes[0], panels.items(), strict=True):
        for key in chosen:
            steps, values = series(history, key)
            axis.plot(steps, values, marker="o" if len(steps) < 30 else None, label=key)
        axis.set_title(title)
        axis.set_xlabel("step")
        axis.legend(fontsize=7)
        axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(out, dpi=110)
    plt.close(figure)
    return out


def build(root: Path) -> None:
    """The tab's layout and events; training runs are looked for under `root`."""
    with gr.Row():
        run = gr.Dropdown(find_training_runs(root), value=None, label=f"Training run (folders under {root})", scale=5)
        refresh = gr.Button("↻", scale=0, min_width=40)
    curves = gr.Image(label="Loss and reward curves", type="filepath")
    summary = gr.JSON(label="Last logged entry", elem_id="rs-train-last")

    def show(name: str | None) -> tuple[str | None, dict[str, Any] | None]:
        if not name:
            return None, None
        try:
            history = log_history(root / name)
            image = plot(history, Path(tempfile.mkdtemp(prefix="rs-train-")) / "curves.png")
        except (FileNotFoundError, ValueError) as err:
            raise gr.Error(str(err)) from None
        return str(image), history[-1] if history else None

    refresh.click(lambda: gr.update(choices=find_training_runs(root)), None, [run])
    run.change(show, [run], [curves, summary])
