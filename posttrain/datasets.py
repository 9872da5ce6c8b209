"""The training sets as TRL wants them: prompt-completion chats for SFT, prompts with gold columns for GRPO.

Hygiene is decided here, not left to the trainer: the CoT set loses the questions that are also in Recon-Eval (a
model trained on them would score them from memory) and is split by question (the same question with two
reasoning traces never lands on both sides of the held-out split). GRPO prompts come from the deduplicated
Recon-Train, which already excludes Recon-Eval questions.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from datasets import Dataset

from ..data import load_recon
from .config import PosttrainConfigError, RlvrData, SftData
from .rewards import has_answer_format

log = logging.getLogger(__name__)


def _question_key(text: str) -> str:
    """Whitespace-insensitive identity of a question."""
    return " ".join(text.split())


@dataclass(frozen=True)
class SftSplit:
    """The SFT train and held-out sets, and what was removed on the way (reported at the start of a run)."""

    train: Dataset
    held_out: Dataset | None
    eval_overlap_removed: int
    unformatted_removed: int
    too_long_removed: int


def _chat_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "prompt": [{"role": "user", "content": row["prompt"]}],
        "completion": [{"role": "assistant", "content": row["response"]}],
    }


def _question_of(row: dict[str, Any]) -> str:
    return _question_key(row["prompt"][0]["content"])


def _token_length(tokenizer: Any, row: dict[str, Any]) -> int:
    """Tokens of the whole rendered chat (the model's template, its default system prompt included)."""
    ids = tokenizer.apply_chat_template(row["prompt"] + row["completion"], tokenize=True, return_dict=False)
    return len(ids)


def sft_split(data: SftData, tokenizer: Any, max_length: int, seed: int) -> SftSplit:
    """Prompt-completion chats from the CoT set: eval overlap and unformatted responses removed, split by question.

    The held-out questions are drawn with ``seed`` before any length filter or ``limit``, so changing those never
    moves a question between the two sides.
    """
    cot = load_recon("sft_cot")
    eval_questions = {_question_key(m[-1]["content"]) for m in load_recon("eval")["messages"]}
    rows = [_chat_row(r) for r in cot if _question_key(r["prompt"]) not in eval_questions]
    overlap = len(cot) - len(rows)
    # A response that fails the format reward (one shipped response boxes its answer inside the reasoning) would
    # teach the very shape GRPO then penalises.
    formatted = [r for r in rows if has_answer_format(r["completion"][0]["content"])]
    unformatted = len(rows) - len(formatted)
    rows = formatted

    per_question = Counter(_question_of(r) for r in rows)
    questions = sorted(per_question)
    random.Random(seed).shuffle(questions)
    held_questions: set[str] = set()
    for question in questions:
        if sum(per_question[q] for q in held_questions) >= data.eval_examples:
            break
        held_questions.add(question)
    train = [r for r in rows if _question_of(r) not in held_questions]
    held = [r for r in rows if _question_of(r) in held_questions]

    too_long = 0
    if data.long_examples == "drop":
        before = len(train) + len(held)
        train = [r for r in train if _token_length(tokenizer, r) <= max_length]
        held = [r for r in held if _token_length(tokenizer, r) <= max_length]
        too_long = before - len(train) - len(held)
    random.Random(seed).shuffle(train)
    if data.limit is not None:
        train = train[: data.limit]
    if not train:
        raise PosttrainConfigError("data: no SFT examples left (is trainer.max_length shorter than every example?)")
    log.info(
        "SFT data: %d train, %d held out; removed %d in Recon-Eval, %d without the answer format, %d over %d tokens",
        len(train), len(held), overlap, unformatted, too_long, max_length,
    )  # fmt: skip
    held_out = Dataset.from_list(held) if held else None
    return SftSplit(Dataset.from_list(train), held_out, overlap, unformatted, too_long)


_RECON_COLUMNS = {"answer": None, "answer_type": None, "category": None}
_ARENA_COLUMNS = {"game": None, "seat": None}


def rlvr_prompts(data: RlvrData, tokenizer: Any, seed: int) -> Dataset:
    """GRPO prompts: chat ``prompt`` plus the columns the rewards read (Recon: answer, answer_type; arenas: game, seat).

    Rows of a mixed dataset carry every column, None where it does not apply, so each reward can tell which rows
    are its own.
    """
    rows: list[dict[str, Any]] = []
    if "recon-train" in data.datasets:
        for r in load_recon("train"):
            rows.append(
                {
                    **_ARENA_COLUMNS,
                    "id": r["id"],
                    "prompt": r["messages"],
                    "answer": r["answer"],
                    "answer_type": r["answer_type"],
                    "category": r["category"],
                }
            )
    if "arena-single-step" in data.datasets:
        from ..agents.arenas.rewards import single_step_prompts

        for r in single_step_prompts():
            rows.append({**_RECON_COLUMNS, "id": f"arena-{r['game']}-{r['seat']}", **r})
    if data.max_prompt_length is not None:
        rows = [r for r in rows if _prompt_length(tokenizer, r["prompt"]) <= data.max_prompt_length]
    random.Random(seed).shuffle(rows)
    if data.limit is not None:
        rows = rows[: data.limit]
    if not rows:
        raise PosttrainConfigError("data: no prompts left (is data.max_prompt_length shorter than every prompt?)")
    return Dataset.from_list(rows)


def _prompt_length(tokenizer: Any, messages: list[dict[str, str]]) -> int:
    return len(tokenizer.apply_chat_template(messages, tokenize=True, add_generation_prompt=True, return_dict=False))
