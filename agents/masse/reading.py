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
from dataclasses import dataclass, field, replace
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
    BCBC 2018 Table C-3 (the seismic data the check has: a site outside it could not be checked anyway).

    ``lengths`` holds list lengths an earlier part has read ("3 floors, 8 braces"): a list part then asks for exactly
    that many items, so constrained decoding closes the list where the text's list ends instead of running on to the
    token budget (a small model rarely stops a long list by itself)."""

    number: Any
    count: Any
    location: Any
    lengths: dict[str, int] = field(default_factory=dict)

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
    constrained answer then costs seconds, not minutes, before the part is asked again. ``needs`` names parts whose
    answers (list lengths) this part's schema uses: it is asked in a second batch once they are answered.
    """

    name: str
    ask: str
    fields: Callable[[Choices], dict[str, Any]]
    to_problem: Callable[[dict[str, Any]], dict[str, Any]]
    problem_fields: tuple[str, ...]
    max_new_tokens: int = 96
    needs: tuple[str, ...] = ()  # parts answered first, in an earlier batch (their answers shape this part's schema)

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


def lengths_part(ask: str, lists: dict[str, int], problem_fields: tuple[str, ...]) -> ReadingPart:
    """A question for how many items each list holds (``lists``: name → largest plausible count), asked before the
    lists themselves. Counts only shape the later schemas; they are not problem values, so a count the text writes
    as a word ("three floors") may be chosen too. Its ``problem_fields`` are those of the lists it sizes, so a list
    the problem schema rejects is asked again together with its length."""
    return ReadingPart(
        "lengths",
        ask,
        lambda c: {name: (Literal[tuple(range(1, top + 1))], ...) for name, top in lists.items()},  # type: ignore[misc]
        lambda a: {},
        problem_fields,
    )


def read_in_parts(
    llm: BaseLLM,
    text: str,
    parts: tuple[ReadingPart, ...],
    build: Callable[[dict[str, Any]], Any],
    attempts: int,
    on_answer: Callable[[str, int, str, float], None] | None = None,
) -> tuple[Any, int]:
    """Ask the parts, merge the answers, validate with ``build``; re-ask only the parts that failed.

    The parts of a round are asked together, one batched call for those that need nothing and a second for those
    whose schema needs an earlier answer (list lengths). ``build(values)`` validates the merged fields into the
    problem and raises ExtractionError naming bad fields. Returns the problem and the number of rounds used; raises
    ModelReadingError after ``attempts`` rounds. ``on_answer(part, round, outcome, seconds)`` is told of every
    answer (for the trace).
    """
    choices = Choices.of(text)
    answers: dict[str, dict[str, Any]] = {}
    raw: dict[str, dict[str, Any]] = {}
    feedback: dict[str, str] = {}
    pending = list(parts)
    for round_number in range(1, attempts + 1):
        waiting = list(pending)
        while waiting:
            waiting_names = {part.name for part in waiting}
            ready = [p for p in waiting if all(n in raw and n not in waiting_names for n in p.needs)]
            if not ready:
                break  # what is left needs an answer that failed this round
            sized = replace(choices, lengths=raw.get("lengths", {}))
            _ask_together(llm, text, ready, sized, feedback, answers, raw, round_number, on_answer)
            waiting = [part for part in waiting if part not in ready]
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
                raw.pop(part.name, None)
    unread = sorted({field for part in pending for field in part.problem_fields})
    raise ModelReadingError(
        f"after {attempts} rounds these parts were still unread or invalid: {', '.join(p.name for p in pending)}",
        unread,
        _merged(answers),
    )


def _ask_together(
    llm: BaseLLM,
    text: str,
    ready: list[ReadingPart],
    choices: Choices,
    feedback: dict[str, str],
    answers: dict[str, dict[str, Any]],
    raw: dict[str, dict[str, Any]],
    round_number: int,
    on_answer: Callable[[str, int, str, float], None] | None,
) -> None:
    """One batched call for the ``ready`` parts, each under its own schema; records answers and failures."""
    questions = [prompts.READ_PART.format(ask=p.ask, problem=text, feedback=feedback.get(p.name, "")) for p in ready]
    budget = max(part.max_new_tokens for part in ready)
    params = llm.default_params.model_copy(update={"max_new_tokens": budget})
    started = time.perf_counter()
    results = llm.generate_each_schema(questions, [part.schema(choices) for part in ready], params)
    for part, result in zip(ready, results, strict=True):
        if isinstance(result, StructuredOutputError):
            answers.pop(part.name, None)
            raw.pop(part.name, None)
            feedback[part.name] = prompts.READ_PART_FEEDBACK.format(problem="it did not fit the schema")
            _tell(on_answer, part.name, round_number, f"no valid answer ({result.errors[-1]})", started)
            continue
        answer = result.parsed.model_dump()
        raw[part.name] = answer
        answers[part.name] = part.to_problem(answer)
        _tell(on_answer, part.name, round_number, result.parsed.model_dump_json(), started)


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
