"""Loaders for the Recon economic-reasoning sets shipped in ``data/recon/`` (see PROVENANCE.md there).

The train and eval CSVs store each chat prompt as a Python-literal list of dicts; it is parsed with
``ast.literal_eval`` (literals only, never ``eval``) and validated into role/content messages.
"""

from __future__ import annotations

import ast
import csv
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from datasets import Dataset

from .recon_categories import category_of

RECON_DIR = Path(__file__).resolve().parent / "recon"
Split = Literal["train", "eval", "sft_cot"]
AnswerType = Literal["multiple_choice", "yes_no", "ordering", "ne_list"]
_FILES: dict[str, str] = {"train": "train_dataset.csv", "eval": "eval_dataset.csv", "sft_cot": "sft_cot_dataset.csv"}
_OPTION = re.compile(r"^Option \d+:")
_ORDERING = re.compile(r"^[A-Z](?:\s*,\s*[A-Z])+$")
_OPTION_LINE = re.compile(r"^Option (\d+):\s*(.*?)\s*$", re.MULTILINE)


log = logging.getLogger(__name__)


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


def options_of(question: str) -> list[str]:
    """The texts of a multiple-choice question's options, in order (``Option 1: …`` lines after ``Options:``)."""
    _, found, listing = question.rpartition("Options:")
    if not found:
        return []
    numbered = _OPTION_LINE.findall(listing)
    if [int(n) for n, _ in numbered] != list(range(1, len(numbered) + 1)):
        raise ReconFormatError(f"options are not numbered 1..n: {[n for n, _ in numbered]}")
    return [text for _, text in numbered]


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


@dataclass(frozen=True)
class TrainHygiene:
    """What cleaning removed from Recon-Train: exact duplicate rows, and rows whose question is also in Recon-Eval."""

    rows_read: int
    duplicates_removed: int
    eval_overlap_removed: int

    @property
    def rows_kept(self) -> int:
        return self.rows_read - self.duplicates_removed - self.eval_overlap_removed


def _read_rows(split: Split, data_dir: Path) -> list[dict[str, str]]:
    with (data_dir / _FILES[split]).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _question_key(prompt_cell: str) -> str:
    """Whitespace-insensitive identity of a question, for duplicate and overlap checks."""
    return " ".join(prompt_cell.split())


def clean_train_rows(
    train: list[dict[str, str]], eval_rows: list[dict[str, str]]
) -> tuple[list[dict[str, str]], TrainHygiene]:
    """Drop exact duplicates within train (first copy kept) and train rows whose question appears in eval."""
    eval_questions = {_question_key(r["prompt"]) for r in eval_rows}
    seen: set[tuple[str, str]] = set()
    kept, duplicates, overlap = [], 0, 0
    for row in train:
        key = (_question_key(row["prompt"]), row["answer"].strip())
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        if key[0] in eval_questions:
            overlap += 1
            continue
        kept.append(row)
    return kept, TrainHygiene(len(train), duplicates, overlap)


def train_hygiene(data_dir: Path = RECON_DIR) -> TrainHygiene:
    """The counts that cleaning removes from the shipped Recon-Train (see :func:`clean_train_rows`)."""
    return clean_train_rows(_read_rows("train", data_dir), _read_rows("eval", data_dir))[1]


def load_recon(split: Split, data_dir: Path = RECON_DIR, *, clean: bool = True) -> Dataset:
    """One Recon split as a ``datasets.Dataset``.

    train/eval rows: ``id`` (row number in the shipped CSV), ``messages`` (chat list), ``answer`` (gold),
    ``answer_type``, ``category`` and ``options`` (option texts of multiple-choice questions, else empty).
    sft_cot rows: ``id``, ``prompt`` (plain text), ``response`` (``<think>…</think>`` then ``\\boxed{…}``).
    With ``clean`` (default), train drops duplicates and eval overlap
    (:func:`clean_train_rows`); the counts are logged.
    """
    if split not in _FILES:
        raise ValueError(f"split: unknown Recon split {split!r}; choose one of {sorted(_FILES)}")
    rows = _read_rows(split, data_dir)
    for number, row in enumerate(rows):
        row["_row"] = str(number)
    if split == "train" and clean:
        rows, hygiene = clean_train_rows(rows, _read_rows("eval", data_dir))
        log.info(
            "Recon-Train: %d duplicate rows and %d rows also in Recon-Eval removed; %d kept",
            hygiene.duplicates_removed,
            hygiene.eval_overlap_removed,
            hygiene.rows_kept,
        )
    if split == "sft_cot":
        return Dataset.from_list(
            [{"id": f"recon-sft_cot-{r['_row']}", "prompt": r["prompt"], "response": r["response"]} for r in rows]
        )
    records = []
    for r in rows:
        messages = parse_chat_prompt(r["prompt"], int(r["_row"]))
        answer_type = answer_type_of(r["answer"])
        records.append(
            {
                "id": f"recon-{split}-{r['_row']}",
                "messages": messages,
                "answer": r["answer"].strip(),
                "answer_type": answer_type,
                "category": category_of(messages[-1]["content"], answer_type),
                "options": options_of(messages[-1]["content"]) if answer_type == "multiple_choice" else [],
            }
        )
    return Dataset.from_list(records)
