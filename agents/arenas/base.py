"""What every game definition shares: the error type that names the field, the frozen model base, and the helpers
that turn pydantic's errors into the field paths a person would use to find the problem in their file."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

__all__ = ["GameError", "GameModel", "Label", "field_path", "finite_number", "validated"]

_NAMED = re.compile(r"^([a-z_]+): ")

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class GameError(ValueError):
    """A game file or game definition that cannot be played; the message names the file, the field and the problem."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)


class GameModel(BaseModel):
    """Game definitions are frozen (cached solutions key on them) and reject unknown fields (typos in a file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def field_path(where: str, loc: Iterable[Any]) -> str:
    """('payoffs', 1, 0) under 'games.x' -> 'games.x.payoffs[1][0]'."""
    text = where
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def finite_number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise GameError(field, f"expected a number, got {value!r}")
    if not math.isfinite(value):
        raise GameError(field, f"expected a finite number, got {value!r}")
    return value


def validated(model: type[BaseModel], body: Any, where: str) -> Any:
    """``model.model_validate(body)``, with the first error raised as a GameError naming its field under ``where``."""
    try:
        return model.model_validate(body)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        message = first["msg"].removeprefix("Value error, ")
        loc = list(first["loc"])
        named = _NAMED.match(message)
        if not loc and named:  # a whole-model check that names its field first ("marginal_costs: ...")
            loc, message = [named.group(1)], message[named.end():]
        raise GameError(field_path(where, loc), message) from None
