"""The Training tab: a post-training run's loss and reward curves, read from the run's own log.

The curves are the ones `posttrain plot` writes (:mod:`reasonsuite.posttrain.plot`); the log is the run's
metrics.jsonl, appended at every logging step, or for a plain TRL run the newest trainer_state.json, so a run in
progress can be watched as it goes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from reasonsuite.posttrain.metrics_log import find_runs, read_metrics
from reasonsuite.posttrain.plot import plot_history


def build(root: Path) -> None:
    """The tab's layout and events; training runs are looked for under `root`."""
    with gr.Row():
        run = gr.Dropdown(find_runs(root), value=None, label=f"Training run (folders under {root})", scale=5)
        refresh = gr.Button("↻", scale=0, min_width=40)
    curves = gr.Image(label="Loss and reward curves", type="filepath")
    summary = gr.JSON(label="Last logged entry", elem_id="rs-train-last")

    def show(name: str | None) -> tuple[str | None, dict[str, Any] | None]:
        if not name:
            return None, None
        try:
            history = read_metrics(root / name)
            image = plot_history(history, Path(tempfile.mkdtemp(prefix="rs-train-")) / "curves.png", title=name)
        except (FileNotFoundError, ValueError) as err:
            raise gr.Error(str(err)) from None
        return str(image), history[-1] if history else None

    refresh.click(lambda: gr.update(choices=find_runs(root)), None, [run])
    run.change(show, [run], [curves, summary])
