"""Reference answerers scored on the same items as every model, so a model's accuracy has something to beat.

- ``always_option_1``: "Option 1" for multiple choice (46.3% on Recon-Eval: the options are not balanced); no answer
  for other question forms.
- ``random_valid``: a uniformly random well-formed answer of the item's form (seeded, so reruns agree).
- ``category_majority``: per category, the answer form most common among the gold answers of a reference split (the
  task's ``majority_from``; option number for multiple choice).
Each produces the text a model would write (``\\boxed{…}``), and the same checker scores it.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

Item = Mapping[str, Any]
Baseline = Callable[[Item], str]


def _boxed(answer: str) -> str:
    return f"\\boxed{{{answer}}}"


def always_option_1(item: Item) -> str:
    return _boxed("Option 1") if item["answer_type"] == "multiple_choice" else ""


def _letters(item: Item) -> list[str]:
    return sorted(re.findall(r"^([A-Z]):", item["messages"][-1]["content"], re.MULTILINE)) or list("ABCD")


def _matrix_shape(item: Item) -> tuple[int, int]:
    """Rows and columns of the first payoff matrix in a normal-form question (3 × 3 if none is found)."""
    match = re.search(r"payoff matrix:\s*(\[\[.*?\]\])", item["messages"][-1]["content"])
    if not match:
        return (3, 3)
    rows = re.findall(r"\[([^\[\]]*)\]", match.group(1))
    return (len(rows), len(rows[0].split(",")))


def make_random_valid(seed: int = 0) -> Baseline:
    """A random answer of the right form for each item (the same item always gets the same answer for a seed)."""

    def answer(item: Item) -> str:
        rng = random.Random(f"{seed}:{item['id']}")
        kind = item["answer_type"]
        if kind == "multiple_choice":
            return _boxed(f"Option {rng.randint(1, max(1, len(item['options'])))}")
        if kind == "yes_no":
            return _boxed(rng.choice(["Yes", "No"]))
        if kind == "ordering":
            letters = _letters(item)
            rng.shuffle(letters)
            return _boxed(", ".join(letters))
        rows, cols = _matrix_shape(item)
        cells = [[i, j] for i in range(rows) for j in range(cols)]
        return _boxed(str(rng.sample(cells, rng.randint(0, 2))))

    return answer


def majority_key(item: Item) -> str:
    """The part of a gold answer a majority vote counts: the option number for multiple choice, else the answer."""
    if item["answer_type"] == "multiple_choice":
        return item["answer"].split(":", 1)[0]
    return item["answer"]


def make_category_majority(reference: Iterable[Item]) -> Baseline:
    """Answer each item with its category's most common gold answer in ``reference``."""
    votes: dict[str, Counter[str]] = {}
    for item in reference:
        votes.setdefault(item["category"], Counter())[majority_key(item)] += 1
    winners = {category: counter.most_common(1)[0][0] for category, counter in votes.items()}

    def answer(item: Item) -> str:
        winner = winners.get(item["category"])
        return _boxed(winner) if winner is not None else ""

    return answer
