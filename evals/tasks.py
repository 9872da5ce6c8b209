"""Evaluation tasks declared as data: one YAML file per task in ``evals/tasks/`` (name, dataset, split, …).

A new benchmark over an existing dataset loader is a new YAML file, not code; tasks over new kinds of data (the MASSE
benchmark, the arenas) add a loader to ``_DATASETS`` and declare themselves the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

import yaml
from datasets import Dataset
from pydantic import BaseModel, ConfigDict, ValidationError

from ..data import load_recon

TASKS_DIR = Path(__file__).resolve().parent / "tasks"

# Loaders by dataset name: each returns rows with id, messages, answer, answer_type, category (and options).
_DATASETS: dict[str, Callable[[str], Dataset]] = {"recon": load_recon}  # type: ignore[dict-item]


class TaskSpec(BaseModel):
    """One evaluation task as declared in its YAML file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    dataset: Literal["recon"]
    split: str
    majority_from: str | None = None

    def documents(self) -> Dataset:
        """The task's items, in their shipped order."""
        return _DATASETS[self.dataset](self.split)

    def majority_source(self) -> Dataset | None:
        """Items whose gold answers define the per-category majority baseline (None: no such baseline)."""
        return _DATASETS[self.dataset](self.majority_from) if self.majority_from else None


class UnknownTaskError(ValueError):
    """The task name is not in the registry (the message lists the known ones)."""


def task_names() -> list[str]:
    return sorted(path.stem for path in TASKS_DIR.glob("*.yaml"))


def load_task(name: str) -> TaskSpec:
    """The task declared in ``evals/tasks/<name>.yaml``."""
    path = TASKS_DIR / f"{name}.yaml"
    if not path.is_file():
        raise UnknownTaskError(f"task: unknown task {name!r}; known tasks: {', '.join(task_names())}")
    try:
        spec = TaskSpec.model_validate(yaml.safe_load(path.read_text()))
    except ValidationError as err:
        raise UnknownTaskError(f"task file {path} is invalid: {err}") from None
    if spec.name != name:
        raise UnknownTaskError(f"task file {path} declares name {spec.name!r}; it must match the file name")
    return spec
