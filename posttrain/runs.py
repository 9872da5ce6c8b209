"""The run folder both trainers share: its layout, the metrics log, resuming, and the final save.

Layout of ``output_dir``::

    config.yaml          the validated config the run used (--resume checks it; see prepare_run_dir)
    metrics.jsonl        every logged entry, one JSON object per line (loss, reward, rewards/<name>/mean, …)
    checkpoint-N/        adapter + optimizer + scheduler + RNG + trainer_state.json, every trainer.save_steps
    trainer_state.json   the final state (its log_history is what the UI's Training tab plots)
    adapter/             the final LoRA adapter and tokenizer: load it with the hf backend or `posttrain merge`
"""

from __future__ import annotations

import json
import logging
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from transformers import TrainerCallback

from ..atomic_files import write_text_atomically
from .config import PosttrainConfigError
from .metrics_log import METRICS_FILE

ADAPTER_DIR = "adapter"
CONFIG_FILE = "config.yaml"

log = logging.getLogger(__name__)


def checkpoints(run_dir: Path) -> list[Path]:
    """The run's checkpoint folders, oldest first."""
    found = [p for p in run_dir.glob("checkpoint-*") if p.is_dir() and p.name.split("-")[-1].isdigit()]
    return sorted(found, key=lambda p: int(p.name.split("-")[-1]))


def last_complete_checkpoint(run_dir: Path) -> Path:
    """The newest checkpoint that was written to the end, removing any that a kill cut short.

    transformers writes a checkpoint's files in place and ``trainer_state.json`` last, so a checkpoint without it was
    interrupted mid-save; resuming from it would fail, and a later save of the same step rewrites it anyway.
    """
    found = checkpoints(run_dir)
    while found and not (found[-1] / "trainer_state.json").is_file():
        incomplete = found.pop()
        log.warning("removing %s: it was interrupted while being saved", incomplete)
        shutil.rmtree(incomplete)
    if not found:
        raise PosttrainConfigError(f"--resume: {run_dir} has no complete checkpoint to resume from")
    return found[-1]


# Settings a resumed run may change: how long it runs and how often it logs, evaluates and saves.
RESUMABLE_CHANGES = frozenset(
    {"max_steps", "num_train_epochs", "save_steps", "save_total_limit", "logging_steps", "eval_steps"}
)


def prepare_run_dir(run_dir: Path, config: dict[str, Any], *, resume: bool) -> None:
    """Create the run folder, or check it can be resumed; never mix two runs in one folder.

    A fresh run refuses a folder that already holds checkpoints or an adapter. ``--resume`` needs a checkpoint and
    the config the run started with, except for how long it runs and how often it logs and saves
    (:data:`RESUMABLE_CHANGES`): anything else would continue a different run than the one checkpointed.
    """
    saved = run_dir / CONFIG_FILE
    text = yaml.safe_dump(config, sort_keys=False)
    if resume:
        if not checkpoints(run_dir):
            raise PosttrainConfigError(f"--resume: {run_dir} has no checkpoint-N folder to resume from")
        if saved.is_file():
            changed = _changed_keys(yaml.safe_load(saved.read_text(encoding="utf-8")) or {}, config)
            if changed:
                raise PosttrainConfigError(
                    f"--resume: {', '.join(changed)} differ from the config {run_dir} was started with ({saved}); "
                    "only trainer." + ", trainer.".join(sorted(RESUMABLE_CHANGES)) + " may change on resume"
                )
        write_text_atomically(saved, text)
        return
    if checkpoints(run_dir) or (run_dir / ADAPTER_DIR).is_dir():
        raise PosttrainConfigError(
            f"output_dir: {run_dir} already holds a run; pass --resume to continue it or choose another output_dir"
        )
    run_dir.mkdir(parents=True, exist_ok=True)
    write_text_atomically(saved, text)
    (run_dir / METRICS_FILE).unlink(missing_ok=True)


def _changed_keys(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted keys whose values differ between two configs, ignoring the trainer's resumable settings."""
    changed = []
    for key in sorted(set(old) | set(new)):
        dotted = f"{prefix}{key}"
        a, b = old.get(key), new.get(key)
        if prefix == "trainer." and key in RESUMABLE_CHANGES:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            changed += _changed_keys(a, b, f"{dotted}.")
        elif a != b:
            changed.append(dotted)
    return changed


class MetricsLog(TrainerCallback):
    """Append every logged entry to ``metrics.jsonl``, flushed per line so a killed run keeps what it logged.

    On resume, entries past the checkpoint's step are dropped first: those steps are trained again and would
    otherwise appear twice.
    """

    def __init__(self, run_dir: Path):
        self.path = run_dir / METRICS_FILE

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if state.global_step and self.path.is_file():
            kept = [
                line
                for line in self.path.read_text(encoding="utf-8").splitlines()
                if line.strip() and json.loads(line).get("step", 0) <= state.global_step
            ]
            write_text_atomically(self.path, "".join(f"{line}\n" for line in kept))

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if not logs or not state.is_world_process_zero:
            return
        entry = {"step": state.global_step, "epoch": state.epoch, **logs}
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, default=float) + "\n")
            f.flush()


def finish(trainer: Any, run_dir: Path) -> Path:
    """Save the final adapter (with the tokenizer, so the folder loads on its own) and the trainer state."""
    adapter = run_dir / ADAPTER_DIR
    trainer.save_model(str(adapter))
    trainer.processing_class.save_pretrained(str(adapter))
    trainer.save_state()
    return adapter


def eval_commands(adapter: Path, base: str, name: str) -> str:
    """The commands that evaluate the trained adapter and its base on Recon-Eval and compare them.

    Both on the ``hf`` backend: an adapter is evaluated as trained (fp32, transformers), and the base must be too, or
    the comparison would mix an engine's f16 answers into the difference."""
    trained = Path("runs/eval") / name
    reference = Path("runs/eval") / f"{name}-base"
    lines = [
        f"reasonsuite eval run --task recon-eval --backend hf --model {shlex.quote(str(adapter))} --out {trained}",
        f"reasonsuite eval run --task recon-eval --backend hf --model {shlex.quote(base)} --out {reference}",
        f"reasonsuite eval compare {reference} {trained} --chart {trained}/compare.png",
    ]
    return "\n".join(f"  {line}" for line in lines)


@dataclass(frozen=True)
class RunResult:
    """Where a finished run put its adapter, and the base model it applies to."""

    run_dir: Path
    adapter: Path
    base_model: str
    global_step: int

    def next_steps(self) -> str:
        return eval_commands(self.adapter, self.base_model, self.run_dir.name)
