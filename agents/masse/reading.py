"""A model reads a problem text in small parts, choosing every number from the numbers the text states.

Why parts: asked for a whole 40-field problem in one JSON answer, a small model (the embedded 135M one) runs out of
tokens or loses track of which number goes where; a question per part ("the frame's width and height") keeps each
answer a few dozen tokens and each mistake local, so only the parts that went wrong are asked again.

Why choices: every numeric field of a part's schema is a `Literal` of the numbers written in the text, and the site a
`Literal` of the Table C-3 locations, so constrained decoding cannot emit a number the text lacks or a site the
seismic data does not know. The grounding rule that the answer's numbers must occur in
the text holds by construction; what the model can still get wrong is *which* stated number a field takes, and the
problem schema's validators (levels bottom up, one weight per level, braces on the posts, …) catch much of that.
A part whose merged answer breaks a validator is asked again with the validator's message, a bounded number of times.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, create_model

from reasonsuite.llm import BaseLLM, StructuredOutputError
from reasonsuite.tools.structural.hazard import load_table_c3

from . import prompts
from .extraction import ExtractionError, numbers_in


class ModelReadingError(ValueError):
    """The model did not turn the text into a valid problem within its attempts.

    ``unread`` names the problem fields of the parts that never gave a valid answer and ``answer`` holds what the
    other parts read, so a person can be asked for just the missing values.
    """

    def __init__(self, message: str, unread: list[str] | None = None, answer: dict[str, Any] | None = None):
        super().__init__(message)
        self.unread = unread or []
        self.answer = answer or {}
        self.kind: str | None = None  # the structure type being read, once the model has named it
        self.events: list[Any] = []  # the trace of the reading so far, kept for the report of the failure


@dataclass(frozen=True)
class Choices:
    """The values a part's fields may take: the numbers the text states (counts: the whole ones), and the sites of
    BCBC 2018 Table C-3 (the seismic data the check has: a site outside it could not be checked anyway)."""

    number: Any
    count: Any
    location: Any

    @classmethod
    def of(cls, text: str) -> Choices:
        numbers = sorted(numbers_in(text))
        if not numbers:
            raise ModelReadingError("the problem text states no numbers")
        as_written = tuple(int(n) if n.is_integer() else n for n in numbers)
        whole = tuple(int(n) for n in numbers if n.is_integer() and n >= 1) or (1,)
        sites = tuple(load_table_c3())
        return cls(number=Literal[as_written], count=Literal[whole], location=Literal[sites])  # type: ignore[valid-type]


@dataclass(frozen=True)
class ReadingPart:
    """One question of the reading: which fields it asks for, in what shape, and which problem fields it fills.

    ``fields(choices)`` gives the part's schema fields for `create_model` (types built on the text's choices);
    ``to_problem(answer)`` turns the validated answer into problem-schema fields named in ``problem_fields``.
    ``max_new_tokens`` bounds the answer at a few times its expected length: a small model that loops inside a
    constrained answer then costs seconds, not minutes, before the part is asked again.
    """

    name: str
    ask: str
    fields: Callable[[Choices], dict[str, Any]]
    to_problem: Callable[[dict[str, Any]], dict[str, Any]]
    problem_fields: tuple[str, ...]
    max_new_tokens: int = 96

    def schema(self, choices: Choices) -> type[BaseModel]:
        title = "".join(word.capitalize() for word in self.name.split("_"))
        return create_model(title, **self.fields(choices))


SITE_PART = ReadingPart(
    "site", "the site's town or city", lambda c: {"location": (c.location, ...)}, dict, ("location",)
)
"""Every structure's first question: the site, one of the Table C-3 locations."""


def modulus_part(field: str, unit: str) -> ReadingPart:
    """The steel's modulus of elasticity, optional (the schemas have a documented default)."""
    return ReadingPart(
        "modulus",
        f"the steel's modulus of elasticity E in {unit} (null if the text does not give it)",
        lambda c: {field: (c.number | None, ...)},
        lambda a: {} if a[field] is None else {field: a[field]},
        (field,),
    )


def read_in_parts(
    llm: BaseLLM,
    text: str,
    parts: tuple[ReadingPart, ...],
    build: Callable[[dict[str, Any]], Any],
    attempts: int,
    on_answer: Callable[[str, int, str, float], None] | None = None,
) -> tuple[Any, int]:
    """Ask each part, merge the answers, validate with ``build``; re-ask only the parts that failed.

    ``build(values)`` validates the merged fields into the problem and raises ExtractionError naming bad fields.
    Returns the problem and the number of rounds used; raises ModelReadingError after ``attempts`` rounds.
    ``on_answer(part, round, outcome, seconds)`` is told of every answer (for the trace).
    """
    choices = Choices.of(text)
    answers: dict[str, dict[str, Any]] = {}
    feedback: dict[str, str] = {}
    pending = list(parts)
    for round_number in range(1, attempts + 1):
        for part in pending:
            prompt = prompts.READ_PART.format(ask=part.ask, problem=text, feedback=feedback.get(part.name, ""))
            started = time.perf_counter()
            params = llm.default_params.model_copy(update={"max_new_tokens": part.max_new_tokens})
            try:
                answer = llm.structured(prompt, part.schema(choices), params)
            except StructuredOutputError as err:
                answers.pop(part.name, None)
                feedback[part.name] = prompts.READ_PART_FEEDBACK.format(problem="it did not fit the schema")
                _tell(on_answer, part.name, round_number, f"no valid answer ({err.errors[-1]})", started)
                continue
            answers[part.name] = part.to_problem(answer.model_dump())
            _tell(on_answer, part.name, round_number, answer.model_dump_json(), started)
        values = _merged(answers)
        pending = [part for part in parts if part.name not in answers]
        if pending:
            continue
        try:
            return build(values), round_number
        except ExtractionError as err:
            pending = _parts_to_ask_again(parts, err)
            for part in pending:
                feedback[part.name] = prompts.READ_PART_FEEDBACK.format(problem=str(err))
                answers.pop(part.name)
    unread = sorted({field for part in pending for field in part.problem_fields})
    raise ModelReadingError(
        f"after {attempts} rounds these parts were still unread or invalid: {', '.join(p.name for p in pending)}",
        unread,
        _merged(answers),
    )


def _parts_to_ask_again(parts: tuple[ReadingPart, ...], err: ExtractionError) -> list[ReadingPart]:
    """The parts whose fields the validation error names (by location, else in its message), else all of them."""
    named = {field.split(".")[0] for field in err.missing}
    by_location = [part for part in parts if named & set(part.problem_fields)]
    if by_location:
        return by_location
    by_message = [part for part in parts if any(field in str(err) for field in part.problem_fields)]
    return by_message or list(parts)


def _merged(answers: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {key: value for part_fields in answers.values() for key, value in part_fields.items()}


def _tell(
    on_answer: Callable[[str, int, str, float], None] | None, part: str, round_number: int, outcome: str, started: float
) -> None:
    if on_answer is not None:
        on_answer(part, round_number, outcome, time.perf_counter() - started)
