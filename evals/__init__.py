"""Evaluation of any backend on the reasoning benchmarks, with per-sample records."""

from .answers import Verdict, check_answer, extract_answer
from .runner import run_eval
from .tasks import TaskSpec, load_task, task_names

__all__ = ["TaskSpec", "Verdict", "check_answer", "extract_answer", "load_task", "run_eval", "task_names"]
