"""Loaders for the Recon economic-reasoning sets shipped in ``data/recon/`` (see PROVENANCE.md there).

The train and eval CSVs store each chat prompt as a Python-literal list of dicts; it is parsed with
``ast.literal_eval`` (literals only, never ``eval``) and validated into role/content messages.
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path
from typing import Literal

from datasets import Dataset

RECON_DIR = Path(__file__).resolve().parent / "recon"
Split = Literal["train", "eval", "sft_cot"]
AnswerType = Literal["multiple_choice", "yes_no", "ordering", "ne_list"]
_FILES: dict[str, str] = {"train": "train_dataset.csv", "eval": "eval_dataset.csv", "sft_cot": "sft_cot_dataset.csv"}
_OPTION = re.compile(r"^Option \d+:")
_ORDERING = re.compile(r"^[A-Z](?:\s*,\s*[A-Z])+$")


class ReconFormatError(ValueError):
    """A row of a Recon CSV does not have the documented shape."""


def answer_type_of(answer: str) -> AnswerType:
    """Classify a gold answer by its surface form (the four forms that occur in Recon train and eval)."""
    text = answer.strip()
    if _OPTION.match(text):
        return "multiple_choice"
    if text in {"Yes", "No"}:
        return "yes_no"
    if text.startswith("["):
        return "ne_list"
    if _ORDERING.match(text):
        return "ordering"
    raise ReconFormatError(f"answer {answer!r} has none of the known answer forms")


def parse_chat_prompt(cell: str, row: int) -> list[dict[str, str]]:
    """Parse the Python-literal chat list of a train/eval row into role/content dicts."""
    try:
        value = ast.literal_eval(cell)
    except (ValueError, SyntaxError) as err:
        raise ReconFormatError(f"row {row}: prompt is not a Python literal: {err}") from None
    if not isinstance(value, list) or not value:
        raise ReconFormatError(f"row {row}: prompt must be a non-empty list of messages")
    messages = []
    for message in value:
        if not isinstance(message, dict) or set(message) != {"role", "content"}:
            raise ReconFormatError(f"row {row}: each message needs exactly 'role' and 'content'")
        messages.append({"role": str(message["role"]), "content": str(message["content"])})
    return messages


def load_recon(split: Split, data_dir: Path = RECON_DIR) -> Dataset:
    """One Recon split as a ``datasets.Dataset``.

    train/eval rows: ``id``, ``messages`` (chat list), ``answer`` (gold), ``answer_type``.
    sft_cot rows: ``id``, ``prompt`` (plain text), ``response`` (``<think>…</think>`` then ``\\boxed{…}``).
    """
    if split not in _FILES:
        raise ValueError(f"split: unknown Recon split {split!r}; choose one of {sorted(_FILES)}")
    path = data_dir / _FILES[split]
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if split == "sft_cot":
        return Dataset.from_list(
            [{"id": f"recon-sft_cot-{i}", "prompt": r["prompt"], "response": r["response"]} for i, r in enumerate(rows)]
        )
    records = []
    for i, r in enumerate(rows):
        records.append(
            {
                "id": f"recon-{split}-{i}",
                "messages": parse_chat_prompt(r["prompt"], i),
                "answer": r["answer"].strip(),
                "answer_type": answer_type_of(r["answer"]),
            }
        )
    return Dataset.from_list(records)
