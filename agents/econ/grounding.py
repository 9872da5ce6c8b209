"""Every number the model put into a tool input must be one the question states.

A 135M model asked to copy a payoff matrix will sometimes invent a payoff; the tool would then solve a game nobody
asked about, exactly and confidently. So a filled input is accepted only when each numeric leaf equals a number
written in the question (MASSE's `ungrounded_numbers` idea, extended to the ways economics questions write numbers:
percentages for probabilities, signs, exact fractions "a/b", rational strings the tool schemas accept, and 0 and 1,
which questions write as words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

__all__ = ["numbers_stated", "ungrounded_numbers"]

_NUMBER = re.compile(r"(?<![\w.])(-?)(\d[\d,]*(?:\.\d+)?|\.\d+)(\s*%)?")
_FRACTION = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")
_RELATIVE = 1e-9
_IMPLIED = {0.0, 1.0}
"""Numbers a question states in words as often as in digits: "today" and "tomorrow" (delays 0 and 1), "for sure"
(probability 1), "nothing" (0). They are always grounded; every other number must be written."""


def numbers_stated(text: str) -> set[float]:
    """Every number written in ``text``: "29,000" and "29000" alike, "-3" and 3 both, and "66.92%" also as 0.6692."""
    stated: set[float] = set()
    for sign, digits, percent in _NUMBER.findall(text):
        value = float(digits.replace(",", ""))
        stated.update({value, -value} if sign else {value})
        if percent:
            stated.add(value / 100)
    return stated


def _leaves(value: Any, path: str) -> Iterable[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}".lstrip("."))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}.{index}".lstrip("."))
    else:
        yield path, value


def _close(value: float, stated: set[float]) -> bool:
    return any(abs(value - number) <= _RELATIVE * max(1.0, abs(number)) for number in stated)


def _grounded(value: Any, stated: set[float]) -> bool:
    """A numeric leaf (int, float or a numeric string) is grounded when the text states it; other leaves always are."""
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int | float):
        return _close(float(value), stated)
    if isinstance(value, str):
        fraction = _FRACTION.match(value)
        if fraction:  # "2/3" is grounded by a stated 2/3, or by its numerator and denominator both being stated
            numerator, denominator = (float(part) for part in fraction.groups())
            if denominator and _close(numerator / denominator, stated):
                return True
            return _close(numerator, stated) and _close(denominator, stated)
        try:
            return _close(float(Fraction(value.strip())), stated)
        except (ValueError, ZeroDivisionError):
            return True  # a label or an expression: not a number the text must state
    return True


def ungrounded_numbers(filled: dict[str, Any], text: str, exempt: Iterable[str] = ()) -> list[str]:
    """The numeric leaves of ``filled`` that ``text`` does not state, as "path = value" (empty: all grounded).

    ``exempt`` names fields (a path's last named part, e.g. "player") whose numbers are structure the tool needs,
    not quantities read from the text.
    """
    stated = numbers_stated(text) | _IMPLIED
    skip = set(exempt)
    found = []
    for path, value in _leaves(filled, ""):
        named = [part for part in path.split(".") if not part.isdigit()]
        if named and named[-1] in skip:
            continue
        if not _grounded(value, stated):
            found.append(f"{path} = {value}")
    return found
