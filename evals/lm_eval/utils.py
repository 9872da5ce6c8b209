"""lm-evaluation-harness hooks for the Recon-Eval task: reasonsuite's loader and answer checker, so a score from the
harness and one from ``reasonsuite eval run`` mean the same thing."""

from __future__ import annotations

from typing import Any

from reasonsuite.data import load_recon
from reasonsuite.evals.answers import check_answer


def load_recon_eval(**_: Any) -> dict[str, Any]:
    """The harness's ``custom_dataset`` hook: the shipped Recon-Eval split as the test split."""
    return {"test": load_recon("eval")}


def doc_to_text(doc: dict[str, Any]) -> str:
    """The user message (instructions and question); ``--apply_chat_template`` wraps it in the model's template."""
    return doc["messages"][-1]["content"]


def process_results(doc: dict[str, Any], results: list[str]) -> dict[str, float]:
    verdict = check_answer(results[0], doc["answer"], doc["answer_type"])
    return {"acc": float(verdict.correct), "extracted": float(verdict.extracted is not None)}
