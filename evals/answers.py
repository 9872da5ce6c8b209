"""Final-answer extraction and checking for the Recon answer forms.

One module, so that evaluation and (later) the RL rewards judge answers identically. A false positive is the worst
failure: anything that cannot be read unambiguously is reported as an extraction failure with a reason, never
guessed into a match.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from typing import Literal

from pydantic import BaseModel

AnswerType = Literal["multiple_choice", "yes_no", "ordering", "ne_list"]

_THINK_BLOCK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_ANSWER_LINE = re.compile(r"^\s*(?:final answer|answer)\s*[:：]\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
# An equilibrium list longer than this is not an answer but runaway output; it is not parsed.
_MAX_PROFILE_CHARS = 2000
_OPTION = re.compile(r"^\s*option\s*(\d+)\s*(?:[:.)-]\s*(.*))?$", re.IGNORECASE | re.DOTALL)


class Verdict(BaseModel):
    """What the checker found: the extracted answer (if any), whether it is correct, and why not when it failed."""

    extracted: str | None
    correct: bool
    reason: str | None = None


def strip_reasoning(text: str) -> str:
    """Drop ``<think>…</think>`` blocks; an unclosed ``<think>`` means the answer is still inside the reasoning."""
    text = _THINK_BLOCK.sub(" ", text)
    opened = text.lower().rfind("<think>")
    return text[:opened] if opened != -1 else text


def last_boxed(text: str) -> str | None:
    """Content of the last complete ``\\boxed{…}``, with nested braces; None when there is none."""
    start = text.rfind("\\boxed{")
    while start != -1:
        depth, i = 0, start + len("\\boxed")
        for i in range(start + len("\\boxed"), len(text)):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    return text[start + len("\\boxed{") : i].strip()
        start = text.rfind("\\boxed{", 0, start)  # unclosed (truncated): look for an earlier complete one
    return None


def extract_answer(text: str) -> tuple[str | None, str | None]:
    """``(answer, None)`` or ``(None, reason)``: the last boxed answer outside reasoning, else an ``Answer:`` line."""
    if not text or not text.strip():
        return None, "empty output"
    visible = strip_reasoning(text)
    boxed = last_boxed(visible)
    if boxed:
        return boxed, None
    lines = _ANSWER_LINE.findall(visible)
    if lines:
        return lines[-1], None
    if last_boxed(text):
        return None, "answer only inside unfinished reasoning"
    return None, "no \\boxed{} answer or 'Answer:' line"


def normalise(text: str) -> str:
    """Case-, width- and punctuation-insensitive form for comparing option texts."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2212", "-").lower()
    text = re.sub(r"\\text\{([^}]*)\}", r"\1", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def check_answer(output: str, gold: str, answer_type: AnswerType) -> Verdict:
    """Extract the final answer from model ``output`` and compare it with ``gold`` by answer type."""
    extracted, reason = extract_answer(output)
    if extracted is None:
        return Verdict(extracted=None, correct=False, reason=reason)
    comparers = {
        "multiple_choice": _same_option,
        "yes_no": _same_yes_no,
        "ordering": _same_ordering,
        "ne_list": _same_equilibria,
    }
    correct, why = comparers[answer_type](extracted, gold)
    return Verdict(extracted=extracted, correct=correct, reason=why)


def _same_option(extracted: str, gold: str) -> tuple[bool, str | None]:
    gold_match = _OPTION.match(gold)
    assert gold_match, f"gold {gold!r} is not an option"
    gold_number, gold_text = gold_match.group(1), normalise(gold_match.group(2) or "")
    found = _OPTION.match(extracted)
    if not found:
        # A bare option text counts only when it is the gold text itself.
        same = normalise(extracted) == gold_text
        return same, None if same else "no option number, and the text is not the gold option's"
    if found.group(1) != gold_number:
        return False, f"option {found.group(1)}, gold is option {gold_number}"
    text = normalise(found.group(2) or "")
    if text and not (gold_text.startswith(text) or text.startswith(gold_text)):
        return False, "option number matches but its text is another option's"
    return True, None


def _same_yes_no(extracted: str, gold: str) -> tuple[bool, str | None]:
    words = normalise(extracted).split()
    if not words or words[0] not in {"yes", "no"}:
        return False, "not a yes/no answer"
    same = words[0] == gold.strip().lower()
    return same, None if same else "opposite answer"


def _letters(text: str) -> list[str]:
    return re.findall(r"[A-Z]", re.sub(r"\\text\{([^}]*)\}", r"\1", text).upper())


def _same_ordering(extracted: str, gold: str) -> tuple[bool, str | None]:
    same = _letters(extracted) == _letters(gold)
    return same, None if same else "different order"


def parse_equilibria(text: str) -> frozenset[tuple[int, ...]] | None:
    """A list of strategy profiles such as ``[[0, 1], [1, 0]]`` as a set; None when it is not one."""
    if len(text) > _MAX_PROFILE_CHARS:
        return None
    cleaned = unicodedata.normalize("NFKC", text).replace("\u2212", "-").replace("(", "[").replace(")", "]")
    try:
        value = ast.literal_eval(cleaned)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(value, list | tuple):
        return None
    profiles = []
    for profile in value:
        if not isinstance(profile, list | tuple) or not all(isinstance(a, int) for a in profile):
            return None
        profiles.append(tuple(profile))
    return frozenset(profiles)


def _same_equilibria(extracted: str, gold: str) -> tuple[bool, str | None]:
    found, expected = parse_equilibria(extracted), parse_equilibria(gold)
    if found is None:
        return False, "not a list of strategy profiles"
    same = found == expected
    return same, None if same else "different set of equilibria"
