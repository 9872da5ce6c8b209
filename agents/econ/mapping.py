"""From a solver's claims to the answer the question asks for, by rules, never by a model.

The question's own text says what form its answer takes (options listed after "Options:", a ``\\boxed{[[i, j]]}``
profile list, a Yes/No box); the solver's claims (strategy profiles, chosen names, computed numbers) are matched
against it. An option is chosen only when exactly one option matches; no match, or several, is a mapping failure that
the agent reports and answers by plain reasoning instead, so a tool never turns an ambiguous match into an answer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from reasonsuite.data.recon import ReconFormatError, options_of

from .bindings import Claims

__all__ = ["AnswerFormat", "Mapped", "MappingError", "answer_format", "map_claims"]

AnswerFormat = Literal["multiple_choice", "ne_list", "yes_no", "ordering", "free"]

_OPTION_LABEL = re.compile(r"^\s*option\s*(\d+)\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.(\d+))?")
_SUFFIXES = ("ing", "es", "ed", "s", "e")


class MappingError(ValueError):
    """The solver's result does not single out an answer in the question's format; the message says why."""


@dataclass(frozen=True)
class Mapped:
    """The answer text (with its ``\\boxed{}``), the boxed answer alone, and which rule chose it."""

    response: str
    answer: str
    rule: str


def answer_format(question: str) -> AnswerFormat:
    """The answer form the question asks for, read from the question's text (never from a gold answer)."""
    try:
        if options_of(question):
            return "multiple_choice"
    except ReconFormatError:
        pass
    if re.search(r"\\boxed\{\[\[?i, j\]", question) or re.search(r"\\boxed\{\[\]\}", question):
        return "ne_list"
    if "\\boxed{Yes}" in question or "\\boxed{No}" in question:
        return "yes_no"
    if re.search(r"\\boxed\{A, B", question):
        return "ordering"
    return "free"


def _words(text: str) -> list[str]:
    """Lower-case words without light English suffixes, so "finalizes" and "finalize" compare equal."""
    text = unicodedata.normalize("NFKC", text).lower()
    words = re.findall(r"[a-z0-9]+", text)
    return [_stem(word) for word in words]


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _label_matches(label: str, number: int, text: str) -> bool:
    """A label names option ``number`` ("Option 2") or all its words occur in the option's text."""
    named = _OPTION_LABEL.match(label)
    if named:
        return int(named.group(1)) == number
    wanted = set(_words(label))
    return bool(wanted) and wanted <= set(_words(text))


def _numbers_match(text: str, numbers: list[float]) -> bool:
    """Every number written in the option equals a claimed number rounded to the option's decimals."""
    written = _NUMBER.findall(text)
    if not written or not numbers:
        return False
    for match in _NUMBER.finditer(text):
        value = float(match.group().replace(",", ""))
        decimals = len(match.group(1) or "")
        tolerance = 0.5 * 10.0**-decimals + 1e-9 * max(1.0, abs(value))
        if not any(abs(value - number) <= tolerance for number in numbers):
            return False
    return True


def _choose_option(claims: Claims, options: list[str]) -> Mapped:
    rules = (
        ("label", lambda number, text: any(_label_matches(label, number, text) for label in claims.labels)),
        ("number", lambda number, text: _numbers_match(text, claims.numbers)),
    )
    for rule, matches in rules:
        chosen = [number for number, text in enumerate(options, start=1) if matches(number, text)]
        if len(chosen) == 1:
            number = chosen[0]
            answer = f"Option {number}: {options[number - 1]}"
            return Mapped(response=f"{claims.summary}\n\n\\boxed{{{answer}}}", answer=answer, rule=f"option by {rule}")
        if len(chosen) > 1:
            raise MappingError(f"the result matches options {chosen} by {rule}; it does not single one out")
    raise MappingError("the result matches none of the options")


def map_claims(claims: Claims, question: str, form: AnswerFormat) -> Mapped:
    """The answer in ``form`` that the claims support; MappingError when they support none or several."""
    if form == "multiple_choice":
        return _choose_option(claims, options_of(question))
    if form == "ne_list":
        if claims.profiles is None:
            raise MappingError("the question asks for strategy profiles and the tool gives none")
        answer = "[" + ", ".join(str(list(profile)) for profile in claims.profiles) + "]"
        return Mapped(response=f"{claims.summary}\n\n\\boxed{{{answer}}}", answer=answer, rule="profiles")
    if form == "free":
        return Mapped(response=claims.summary, answer=claims.summary, rule="summary")
    raise MappingError(f"no tool result maps onto a {form.replace('_', ' ')} answer")
