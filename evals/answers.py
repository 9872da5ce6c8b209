"""Final-answer extraction and checking for the Recon answer forms and numeric answers.

One module, so that evaluation and (later) the RL rewards judge answers identically. A false positive is the worst
failure: an RL policy learns to exploit whatever the checker lets through, so anything that cannot be read
unambiguously (hedges, contradictions, truncation, answers left inside the reasoning) is reported as wrong with a
reason, never guessed into a match.

Extraction: reasoning in ``<think>…</think>`` is dropped; the last complete ``\\boxed{…}`` (or ``\\fbox{…}``) outside
it is the answer, else the last ``Answer:`` / ``Final answer:`` / ``The answer is`` line. Every scan is linear in the
length of the output, so a runaway generation of megabytes is judged in well under a second.

Comparison by answer type: option number (and text, when given) for ``multiple_choice``; one unhedged word for
``yes_no``; the exact letter sequence for ``ordering``; the set of strategy profiles for ``ne_list`` (parsed with
``ast.literal_eval`` only after character, size and depth checks); and for ``numeric`` a single finite real number,
compared with a relative tolerance, where LaTeX is parsed by ``math_verify`` (its LaTeX parser only: its plain
expression parser runs ``sympy.parse_expr``, which evaluates Python).
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from .numeric_answers import same_number

AnswerType = Literal["multiple_choice", "yes_no", "ordering", "ne_list", "numeric"]

# An answer longer than this is runaway output, not an answer; it is not compared at all.
_MAX_ANSWER_CHARS = 5000
# An equilibrium list longer than this is not an answer but runaway output; it is not parsed.
_MAX_PROFILE_CHARS = 2000
_THINK_TAG = re.compile(r"<\s*(/?)\s*think\s*>", re.IGNORECASE)
_BOX_OPEN = re.compile(r"\\(?:boxed|fbox)\s*\{")
# A backslash pair first, so that ``\\{`` is a literal backslash followed by a grouping brace.
_BRACE = re.compile(r"\\\\|\\[{}]|[{}]")
# "Answer:", "Final answer:", "**Answer:**", "The (final) answer is"; what follows on the line is the answer.
_ANSWER_MARKER = re.compile(r"\b(?:final\s+)?answer\b[ \t*_]*(?:is\b[ \t*_]*:?|[:：])", re.IGNORECASE)
_WRAPPER = re.compile(r"\\(?:text|textbf|textit|mathrm|mathbf|mathit|boldsymbol|bm|mbox|emph)\s*\{([^{}]*)\}")

_OPTION = re.compile(r"^\s*(?:option\s*)?#?\(?(\d+)\)?\s*(?:[:.)\-\u2013\u2014]\s*(.*))?$", re.IGNORECASE | re.DOTALL)
_OPTION_MENTION = re.compile(r"\boptions?\s*#?\(?\d+", re.IGNORECASE)
# "Option 2 or 3", "2/3", "Options 1 and 2": two numbers where one option number belongs.
_OPTION_HEDGE = re.compile(
    r"^\s*(?:options?\s*)?#?\(?\d+\)?\s*(?:or|and|/|,|&)\s*(?:option\s*)?#?\(?\d+", re.IGNORECASE
)
_ARROWS = re.compile(r"\\(?:to|rightarrow|Rightarrow|longrightarrow|gt)\b|->|=>|[>\u2192\u27f6\u21d2]")
_NEGATIONS = frozenset({"not", "never", "cannot", "cant", "t", "nor", "neither", "false", "incorrect"})

_PROFILE_CHARS = re.compile(r"[\[\]\d,\s+-]*")


class Verdict(BaseModel):
    """What the checker found: the extracted answer (if any), whether it is correct, and why not when it failed."""

    extracted: str | None
    correct: bool
    reason: str | None = None


# --------------------------------------------------------------------------------------------------- extraction


def _split_reasoning(text: str) -> tuple[str, bool]:
    """The text outside ``<think>`` blocks, and whether a ``<think>`` is still open at the end.

    An orphan ``</think>`` (chat templates that open the reasoning inside the prompt) marks everything before it as
    reasoning. Nested openers inside a block are ignored. One regex pass: linear in the length of the text.
    """
    parts: list[str] = []
    position, inside = 0, False
    for tag in _THINK_TAG.finditer(text):
        closing = bool(tag.group(1))
        if not inside and not closing:
            parts.append(text[position : tag.start()])
            inside = True
        elif inside and closing:
            inside = False
        elif closing:
            parts = []
        position = tag.end()
    if not inside:
        parts.append(text[position:])
    return "".join(parts), inside


def strip_reasoning(text: str) -> str:
    """Drop ``<think>…</think>`` blocks (and text before an orphan ``</think>``); an unclosed block is dropped too."""
    return _split_reasoning(text)[0]


@dataclass(frozen=True)
class _Boxes:
    """Complete boxes as ``(content_start, content_end)`` and the brace positions of unclosed box openers."""

    complete: list[tuple[int, int]]
    unclosed: list[int]


def _scan_boxes(text: str) -> _Boxes:
    """Match every box opener with its closing brace in one pass with a stack (never one scan per opener).

    Scanning forward from each opener would be quadratic on a megabyte of ``\\boxed{`` without closing braces.
    """
    openers = {match.end() - 1 for match in _BOX_OPEN.finditer(text)}
    if not openers:
        return _Boxes([], [])
    stack: list[int] = []
    complete: list[tuple[int, int]] = []
    for brace in _BRACE.finditer(text, min(openers)):
        token = brace.group()
        if token == "{":
            stack.append(brace.start())
        elif token == "}" and stack:
            opened = stack.pop()
            if opened in openers:
                complete.append((opened + 1, brace.start()))
    unclosed = sorted(position for position in stack if position in openers)
    return _Boxes(complete, unclosed)


def _unwrap(text: str, boxes: _Boxes, start: int, end: int) -> tuple[int, int]:
    """``\\boxed{\\boxed{x}}`` → ``x``: a box holding nothing but another box is that box.

    Uses the boxes already matched, so a hundred thousand nested boxes unwrap in linear time, not by rescanning.
    """
    ends = {content_start: content_end for content_start, content_end in boxes.complete}
    while True:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        inner = _BOX_OPEN.match(text, start, end)
        if not inner or ends.get(inner.end()) != end - 1:
            return start, end
        start, end = inner.end(), end - 1


def last_boxed(text: str) -> str | None:
    """Content of the last complete ``\\boxed{…}`` (or ``\\fbox{…}``), with nested braces; None when there is none.

    "Last" is the box that closes last, so a box nested in another yields the outer one. An unclosed (truncated) box
    is skipped here; ``extract_answer`` refuses such output instead of falling back to an earlier box.
    """
    boxes = _scan_boxes(text)
    if not boxes.complete:
        return None
    start, end = _unwrap(text, boxes, *max(boxes.complete, key=lambda box: box[1]))
    return text[start:end]


def _last_answer_line(text: str) -> str | None:
    """Text after the last ``Answer:`` / ``Final answer:`` / ``The answer is``; the next line when that is empty.

    The markers are short, non-overlapping matches, so finding the last one is linear even on a megabyte of them.
    """
    last = None
    for last in _ANSWER_MARKER.finditer(text):  # noqa: B007 - only the last match is wanted
        pass
    if last is None:
        return None
    following = text[last.end() :].split("\n", 3)[:3]  # the marker's line, or the next non-empty one
    for line in following:
        answer = re.sub(r"^[\s*_]+|[\s*_.]+$", "", line)
        if answer:
            return answer
    return None


def extract_answer(text: str) -> tuple[str | None, str | None]:
    """``(answer, None)`` or ``(None, reason)``: the last boxed answer outside reasoning, else an ``Answer:`` line.

    Boxes win over answer lines because the prompts ask for a box. Refused: empty output, an unclosed ``<think>``
    (the model never finished reasoning), an unclosed box (truncated output: an earlier box may be the answer the
    model was revising), an empty box and an answer too long to be one.
    """
    if not text or not text.strip():
        return None, "empty output"
    visible, unfinished = _split_reasoning(text)
    if unfinished:
        return None, "answer only inside unfinished reasoning"
    boxes = _scan_boxes(visible)
    if boxes.unclosed:  # the output ends inside a box: whatever came before may be the answer being revised
        return None, "a \\boxed{} is unclosed (truncated output)"
    if boxes.complete and _boxes_offered_as_alternatives(visible, boxes):
        return None, "the last boxes are alternatives (\\boxed{A} or \\boxed{B}), as when the format is echoed"
    answer = last_boxed(visible) if boxes.complete else _last_answer_line(visible)
    if answer is None or not answer.strip():
        return None, _missing_answer_reason(text, visible, boxes)
    if len(answer) > _MAX_ANSWER_CHARS:
        return None, f"answer longer than {_MAX_ANSWER_CHARS} characters"
    return answer.strip(), None


_ALTERNATIVE_JOINER = re.compile(r"\s*(?:,?\s*or|/|\|)\s*", re.IGNORECASE)


def _boxes_offered_as_alternatives(text: str, boxes: _Boxes) -> bool:
    """True when the last box is joined to the one before by "or" or "/": ``\\boxed{Yes} or \\boxed{No}``.

    Small models echo the prompt's format line ("give your answer as \\boxed{Yes} or \\boxed{No}"); taking its
    last box as the answer would score a coin toss as a decision.
    """
    ordered = sorted(boxes.complete, key=lambda box: box[1])
    if len(ordered) < 2:
        return False
    previous_end, (last_start, _) = ordered[-2][1], ordered[-1]
    opener = text.rfind("\\", 0, last_start)
    between = text[previous_end + 1 : opener] if opener > previous_end else ""
    return bool(_ALTERNATIVE_JOINER.fullmatch(between))


def _missing_answer_reason(text: str, visible: str, boxes: _Boxes) -> str:
    """Why no answer was found: an empty box, an answer only inside the reasoning, or none at all."""
    if boxes.complete:
        return "empty \\boxed{}"
    if visible != text and (_scan_boxes(text).complete or _last_answer_line(text)):
        return "answer only inside the reasoning"
    return "no \\boxed{} answer or 'Answer:' line"


# --------------------------------------------------------------------------------------------------- text forms


def normalise(text: str) -> str:
    """Case-, width- and punctuation-insensitive form for comparing option texts."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2212", "-").lower()
    text = _WRAPPER.sub(r"\1", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _clean(text: str) -> str:
    """An extracted answer without LaTeX text wrappers, math dollars, markdown emphasis or a final full stop."""
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    for _ in range(3):  # \textbf{\text{x}}: a few levels, never a loop on hostile input
        text = _WRAPPER.sub(r"\1", text)
    text = re.sub(r"\\[()\[\]]|\$|\*\*|__", "", text)
    return text.strip().rstrip(".").strip()


def _same_option(extracted: str, gold: str) -> tuple[bool, str | None]:
    """Same option number, and (when the answer quotes one) text that is the start of the gold option's text."""
    gold_match = _OPTION.match(gold)
    if not gold_match:
        raise ValueError(f"gold {gold!r} is not an option")
    gold_number, gold_words = gold_match.group(1), normalise(gold_match.group(2) or "").split()
    answer = _clean(extracted)
    if len(_OPTION_MENTION.findall(answer)) > 1 or _OPTION_HEDGE.search(answer):
        return False, "names several options (hedged)"
    found = _OPTION.match(answer)
    if not found:
        # A bare option text counts only when it is the gold text itself.
        same = bool(gold_words) and normalise(answer).split() == gold_words
        return same, None if same else "no option number, and the text is not the gold option's"
    if found.group(1) != gold_number:
        return False, f"option {found.group(1)}, gold is option {gold_number}"
    words = normalise(found.group(2) or "").split()
    if words and words != gold_words[: len(words)]:
        return False, "option number matches but its text is another option's"
    return True, None


def _same_yes_no(extracted: str, gold: str) -> tuple[bool, str | None]:
    """One of yes/no, never both, and no negation after a yes ("Yes, but no" and "Yes, it does not" are wrong)."""
    expected = normalise(gold)
    if expected not in {"yes", "no"}:
        raise ValueError(f"gold {gold!r} is not Yes or No")
    words = normalise(_clean(extracted)).split()
    if not words or words[0] not in {"yes", "no"}:
        return False, "not a yes/no answer"
    if len({word for word in words if word in {"yes", "no"}}) > 1:
        return False, "says both yes and no"
    if words[0] == "yes" and _NEGATIONS.intersection(words[1:]):
        return False, "a yes with a negation is ambiguous"
    same = words[0] == expected
    return same, None if same else "opposite answer"


def _ordering(text: str) -> list[str] | None:
    """``B, A, D, C`` (commas, arrows, ``>`` or spaces between) or ``BADC`` as letters; None when it is not one."""
    cleaned = re.sub(_ARROWS, ",", _clean(text))
    tokens = [token for token in re.split(r"[\s,;]+", cleaned) if token]
    if len(tokens) == 1 and re.fullmatch(r"[A-Z]{2,26}", tokens[0]):
        return list(tokens[0])
    if not tokens or not all(re.fullmatch(r"[A-Za-z]", token) for token in tokens):
        return None
    return [token.upper() for token in tokens]


def _same_ordering(extracted: str, gold: str) -> tuple[bool, str | None]:
    """The same letters in the same order; a missing, extra or repeated letter is named as such."""
    expected = _ordering(gold)
    if expected is None:
        raise ValueError(f"gold {gold!r} is not an ordering")
    found = _ordering(extracted)
    if found is None:
        return False, "not an ordering of letters"
    if len(set(found)) != len(found):
        return False, "repeats a letter"
    if set(found) != set(expected):
        return False, "letters missing or not in the question"
    same = found == expected
    return same, None if same else "different order"


# --------------------------------------------------------------------------------------------------- equilibria


def _nesting_depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        depth += (char == "[") - (char == "]")
        deepest = max(deepest, depth)
    return deepest


def parse_equilibria(text: str) -> frozenset[tuple[int, ...]] | None:
    """A list of strategy profiles such as ``[[0, 1], [1, 0]]`` as a set; None when it is not one.

    ``ast.literal_eval`` sees only brackets, digits, signs, commas and spaces, at most two levels deep and at most
    ``_MAX_PROFILE_CHARS`` long, so no name, call, string or pathological nesting ever reaches it.
    """
    if len(text) > _MAX_PROFILE_CHARS:
        return None
    cleaned = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    cleaned = re.sub(r"\\left|\\right|\$", "", cleaned).replace("\\{", "[").replace("\\}", "]")
    cleaned = cleaned.replace("(", "[").replace(")", "]").strip()
    if not _PROFILE_CHARS.fullmatch(cleaned) or _nesting_depth(cleaned) > 2:
        return None
    try:
        value = ast.literal_eval(cleaned)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return None
    return _profiles(value)


def _profiles(value: object) -> frozenset[tuple[int, ...]] | None:
    """Non-empty profiles of non-negative integers, all of one length; None for anything else.

    A flat list of at least two actions is one profile: the perfectly-transparent-equilibrium questions ask for
    ``\\boxed{[i, j]}`` while their gold answers are written ``[[i, j]]``.
    """
    if not isinstance(value, list | tuple):
        return None
    if len(value) >= 2 and all(type(action) is int for action in value):
        value = [value]
    profiles = []
    for profile in value:
        if not isinstance(profile, list | tuple) or not profile:
            return None
        if not all(type(action) is int and action >= 0 for action in profile):
            return None
        profiles.append(tuple(profile))
    if len({len(profile) for profile in profiles}) > 1:
        return None
    return frozenset(profiles)


def _same_equilibria(extracted: str, gold: str) -> tuple[bool, str | None]:
    expected = parse_equilibria(gold)
    if expected is None:
        raise ValueError(f"gold {gold!r} is not a list of strategy profiles")
    found = parse_equilibria(extracted)
    if found is None:
        return False, "not a list of strategy profiles"
    same = found == expected
    return same, None if same else "different set of equilibria"


_COMPARERS: dict[str, Callable[[str, str], tuple[bool, str | None]]] = {
    "multiple_choice": _same_option,
    "yes_no": _same_yes_no,
    "ordering": _same_ordering,
    "ne_list": _same_equilibria,
    "numeric": same_number,
}


def check_answer(output: str, gold: str, answer_type: AnswerType) -> Verdict:
    """Extract the final answer from model ``output`` and compare it with ``gold`` by answer type.

    Raises ValueError for an unknown answer type or a gold answer that is not of its type (a data error, never a
    model error); whatever the model wrote yields a Verdict.
    """
    comparer = _COMPARERS.get(answer_type)
    if comparer is None:
        raise ValueError(f"unknown answer type {answer_type!r}")
    extracted, reason = extract_answer(output)
    if extracted is None:
        return Verdict(extracted=None, correct=False, reason=reason)
    correct, why = comparer(extracted, gold)
    return Verdict(extracted=extracted, correct=correct, reason=why)
