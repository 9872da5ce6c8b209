"""The tool registry: every calculator the agents may call, under a stable name, with typed input and output.

A tool is a pure function ``fn(inp: InputModel) -> OutputModel``. The pydantic input model is the contract the LLM
sees (its JSON schema, field descriptions included); the output model is what reports and rewards read. Registering
is a decorator on the function, so the name, the one-line summary (the docstring's first line) and both models come
from one place and cannot drift apart.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, get_type_hints

from pydantic import BaseModel, ConfigDict, ValidationError

__all__ = [
    "Tool",
    "ToolInput",
    "ToolInputError",
    "ToolOutput",
    "get_tool",
    "list_tools",
    "register_tool",
]


class ToolInput(BaseModel):
    """Base of every tool's input: unknown fields are an error (a misspelt field must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ToolOutput(BaseModel):
    """Base of every tool's output."""

    model_config = ConfigDict(frozen=True)


class ToolInputError(ValueError):
    """Input that a tool cannot work with, naming the field and the problem.

    Raised for schema violations (converted from pydantic) and for problems only the calculation can see, such as a
    structure that is a mechanism or a game whose payoff matrices are ragged. ``field`` is a dotted path into the
    input ("members.3.end_node"); an empty string means the input as a whole.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)

    @classmethod
    def from_validation_error(cls, err: ValidationError) -> ToolInputError:
        """One message listing every invalid field of a pydantic error, without pydantic's URLs."""
        errors = err.errors(include_url=False)
        problems = []
        for item in errors:
            field = ".".join(str(part) for part in item["loc"])
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{field}: {message}" if field else message)
        error = cls("", "; ".join(problems))  # the message names each field itself
        error.field = ".".join(str(part) for part in errors[0]["loc"]) if errors else ""
        return error


InputT = TypeVar("InputT", bound=ToolInput)
OutputT = TypeVar("OutputT", bound=ToolOutput)


@dataclass(frozen=True)
class Tool:
    """One registered calculator."""

    name: str
    summary: str
    description: str
    input_model: type[ToolInput]
    output_model: type[ToolOutput]
    fn: Callable[[Any], ToolOutput]

    def run(self, payload: Mapping[str, Any] | ToolInput) -> ToolOutput:
        """Validate ``payload`` against the input model and compute; bad input raises ToolInputError."""
        if isinstance(payload, self.input_model):
            inp = payload
        elif isinstance(payload, Mapping):
            try:
                inp = self.input_model.model_validate(dict(payload))
            except ValidationError as err:
                raise ToolInputError.from_validation_error(err) from None
        else:
            raise ToolInputError("", f"expected a JSON object for {self.name}, got {type(payload).__name__}")
        try:
            return self.fn(inp)
        except ValidationError as err:
            raise ToolInputError.from_validation_error(err) from None

    def run_json(self, payload: Mapping[str, Any] | ToolInput) -> str:
        """Run and return the output as JSON text (what an LLM tool message carries)."""
        return self.run(payload).model_dump_json()

    def input_schema(self) -> dict[str, Any]:
        """The JSON schema of the input, the contract shown to an LLM."""
        return self.input_model.model_json_schema()

    def output_schema(self) -> dict[str, Any]:
        return self.output_model.model_json_schema()


_REGISTRY: dict[str, Tool] = {}


def register_tool(name: str) -> Callable[[Callable[[InputT], OutputT]], Callable[[InputT], OutputT]]:
    """Register ``fn(inp: SomeInput) -> SomeOutput`` under ``name``; the models come from the type hints."""

    def decorate(fn: Callable[[InputT], OutputT]) -> Callable[[InputT], OutputT]:
        if name in _REGISTRY:
            raise RuntimeError(f"tool {name!r} registered twice")
        hints = get_type_hints(fn)
        parameters = list(inspect.signature(fn).parameters)
        if len(parameters) != 1:
            raise TypeError(f"tool {name!r} must take exactly one input model")
        input_model, output_model = hints[parameters[0]], hints.get("return")
        if not (isinstance(input_model, type) and issubclass(input_model, ToolInput)):
            raise TypeError(f"tool {name!r}: the input must be a ToolInput subclass")
        if not (isinstance(output_model, type) and issubclass(output_model, ToolOutput)):
            raise TypeError(f"tool {name!r}: the return type must be a ToolOutput subclass")
        doc = inspect.cleandoc(fn.__doc__ or "")
        if not doc:
            raise TypeError(f"tool {name!r} needs a docstring: it is the description the LLM reads")
        _REGISTRY[name] = Tool(
            name=name,
            summary=doc.splitlines()[0],
            description=doc,
            input_model=input_model,
            output_model=output_model,
            fn=fn,
        )
        return fn

    return decorate


def _load_catalog() -> None:
    # Importing the catalog registers every tool; done on first use so `import reasonsuite.tools.registry` stays light.
    from . import catalog  # noqa: F401


def get_tool(name: str) -> Tool:
    """The tool registered as ``name``; an unknown name raises ToolInputError listing the closest names."""
    _load_catalog()
    if name in _REGISTRY:
        return _REGISTRY[name]
    import difflib

    close = difflib.get_close_matches(name, list(_REGISTRY), n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; known tools: {', '.join(sorted(_REGISTRY))}"
    raise ToolInputError("tool", f"unknown tool {name!r}{hint}")


def list_tools() -> list[Tool]:
    """All registered tools, sorted by name."""
    _load_catalog()
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def dumps(output: ToolOutput) -> str:
    """Output as indented JSON for people (the CLI)."""
    return json.dumps(output.model_dump(mode="json"), indent=2)
