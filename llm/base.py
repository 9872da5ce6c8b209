"""The one protocol every backend implements, and the shared front half of ``generate``.

Agents, evals and posttrain type against :class:`LLM` only. A backend subclasses :class:`BaseLLM` and implements
``_generate_raw`` (plain or schema-constrained text for a batch of conversations); input normalisation and the
structured-output retry policy live here, once.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

from .errors import StructuredOutputError
from .structured import generate_validated, json_schema_of, select, validate_each
from .types import Conversation, Generation, Message, SamplingParams, as_conversation

PromptLike = str | Sequence[Message] | Sequence[dict[str, str]]
SchemaT = TypeVar("SchemaT", bound=BaseModel)


@runtime_checkable
class LLM(Protocol):
    """A chat model that generates for a batch of conversations."""

    @property
    def name(self) -> str:
        """Backend and model, e.g. ``hf:SmolLM2-135M-Instruct``; recorded in every eval result."""
        ...

    def generate(
        self,
        prompts: Sequence[PromptLike],
        params: SamplingParams | None = None,
        *,
        schema: type[BaseModel] | None = None,
    ) -> list[Generation]:
        """One Generation per prompt, in order; with ``schema``, each carries a validated ``parsed`` instance."""
        ...

    def generate_each(
        self, prompts: Sequence[PromptLike], params: SamplingParams | None, schema: type[BaseModel]
    ) -> list[Generation | StructuredOutputError]:
        """Schema-constrained generation where each prompt that never validates gets its own error in its place."""
        ...

    def generate_each_schema(
        self, prompts: Sequence[PromptLike], schemas: Sequence[type[BaseModel]], params: SamplingParams | None = None
    ) -> list[Generation | StructuredOutputError]:
        """As ``generate_each`` with a schema per prompt."""
        ...

    def close(self) -> None:  # noqa: B027 - an optional hook, not an abstract method
        """Release the engine, threads or server connections the backend holds."""
        ...


class BaseLLM(ABC):
    """Shared implementation of :meth:`LLM.generate`; subclasses implement ``_generate_raw``."""

    def __init__(self, *, default_params: SamplingParams | None = None, structured_retries: int = 2):
        self.default_params = default_params or SamplingParams()
        self.structured_retries = structured_retries

    @property
    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    def _generate_raw(
        self,
        conversations: list[Conversation],
        params: SamplingParams,
        json_schema: dict[str, Any] | None,
    ) -> list[Generation]:
        """Generate for ``conversations``; constrain decoding to ``json_schema`` when it is given."""

    def generate(
        self,
        prompts: Sequence[PromptLike],
        params: SamplingParams | None = None,
        *,
        schema: type[BaseModel] | None = None,
    ) -> list[Generation]:
        conversations = [as_conversation(p) for p in prompts]  # type: ignore[arg-type]
        params = params or self.default_params
        if not conversations:
            return []
        if schema is None:
            return self._generate_raw(conversations, params, None)
        json_schema = json_schema_of(schema)
        return generate_validated(
            lambda indices, p: self._generate_raw(select(conversations, indices), p, json_schema),
            len(conversations),
            schema,
            params,
            self.structured_retries,
        )

    def generate_each(
        self, prompts: Sequence[PromptLike], params: SamplingParams | None, schema: type[BaseModel]
    ) -> list[Generation | StructuredOutputError]:
        """As ``generate`` with a schema, but a prompt whose output never validates gets its StructuredOutputError in
        its place and the others keep their answers (for batches of independent questions)."""
        conversations = [as_conversation(p) for p in prompts]  # type: ignore[arg-type]
        if not conversations:
            return []
        json_schema = json_schema_of(schema)
        return validate_each(
            lambda indices, p: self._generate_raw(select(conversations, indices), p, json_schema),
            len(conversations),
            schema,
            params or self.default_params,
            self.structured_retries,
        )

    def generate_each_schema(
        self, prompts: Sequence[PromptLike], schemas: Sequence[type[BaseModel]], params: SamplingParams | None = None
    ) -> list[Generation | StructuredOutputError]:
        """As ``generate_each``, with a schema per prompt: independent questions of different shapes answered in one
        batch where the backend can (hf decodes them together, each row under its own grammar), each failing alone."""
        conversations = [as_conversation(p) for p in prompts]  # type: ignore[arg-type]
        if len(schemas) != len(conversations):
            raise ValueError(f"schemas: expected {len(conversations)}, one per prompt, got {len(schemas)}")
        if not conversations:
            return []
        json_schemas = [json_schema_of(schema) for schema in schemas]

        def generate_raw(indices: list[int], params: SamplingParams) -> list[Generation]:
            return self._generate_raw_each(select(conversations, indices), params, select(json_schemas, indices))

        return validate_each(
            generate_raw,
            len(conversations),
            schemas,
            params or self.default_params,
            self.structured_retries,
        )

    def _generate_raw_each(
        self, conversations: list[Conversation], params: SamplingParams, json_schemas: list[dict[str, Any]]
    ) -> list[Generation]:
        """Generate each conversation under its own JSON schema. This default groups the prompts by schema and makes
        a call per group; a backend that can constrain rows of one batch separately overrides it."""
        groups: dict[str, list[int]] = {}
        for index, json_schema in enumerate(json_schemas):
            groups.setdefault(json.dumps(json_schema, sort_keys=True), []).append(index)
        results: list[Generation | None] = [None] * len(conversations)
        for indices in groups.values():
            generated = self._generate_raw(select(conversations, indices), params, json_schemas[indices[0]])
            for index, generation in zip(indices, generated, strict=True):
                results[index] = generation
        return [r for r in results if r is not None]

    def structured(self, prompt: PromptLike, schema: type[SchemaT], params: SamplingParams | None = None) -> SchemaT:
        """A validated ``schema`` instance for one prompt (raises StructuredOutputError after the retries)."""
        parsed = self.generate([prompt], params, schema=schema)[0].parsed
        assert isinstance(parsed, schema)
        return parsed

    def close(self) -> None:  # noqa: B027 - an optional hook, not an abstract method
        """Most backends hold nothing that outlives garbage collection; those that do override this."""

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RowSchemaLLM(BaseLLM):
    """A backend that constrains each row of a batch to a schema of its own (or none), so that one batch serves both
    a single schema and a schema per prompt: subclasses implement ``_generate_rows`` only."""

    def _generate_raw(
        self, conversations: list[Conversation], params: SamplingParams, json_schema: dict[str, Any] | None
    ) -> list[Generation]:
        return self._generate_rows(conversations, params, [json_schema] * len(conversations))

    def _generate_raw_each(
        self, conversations: list[Conversation], params: SamplingParams, json_schemas: list[dict[str, Any]]
    ) -> list[Generation]:
        return self._generate_rows(conversations, params, list(json_schemas))

    @abstractmethod
    def _generate_rows(
        self, conversations: list[Conversation], params: SamplingParams, json_schemas: list[dict[str, Any] | None]
    ) -> list[Generation]:
        """Generate for ``conversations``; row i constrained to ``json_schemas[i]`` (None: free text)."""
