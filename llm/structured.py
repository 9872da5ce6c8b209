"""Schema-constrained generation shared by all backends: validate, retry a bounded number of times, then fail loudly.

Each backend constrains decoding with its engine's own machinery (outlines logits processors for ``hf``,
``response_format`` JSON schema for OpenAI-compatible servers, guided decoding for vLLM). Constraining makes valid
JSON likely, not certain: output can still be cut off by ``max_new_tokens`` or break a pydantic validator. This module
holds the one retry policy, so that no backend quietly substitutes a default for a failed parse.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import StructuredOutputError
from .types import Generation, SamplingParams

# Sampling settings for retries after a greedy attempt failed: greedy decoding would repeat the same output.
RETRY_TEMPERATURE = 0.7


def json_schema_of(schema: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema handed to constrained decoders (pydantic's, so field docs reach the model)."""
    return schema.model_json_schema()


def parse_into(schema: type[BaseModel], text: str) -> BaseModel:
    """Validate raw model text against ``schema``; raises pydantic's ValidationError or ValueError."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("empty output")
    return schema.model_validate_json(stripped)


def retry_params(params: SamplingParams, attempt: int) -> SamplingParams:
    """Parameters for retry number ``attempt`` (1-based): sample instead of repeating a failed greedy output."""
    temperature = params.temperature if params.temperature > 0 else RETRY_TEMPERATURE
    seed = None if params.seed is None else params.seed + attempt
    return params.model_copy(update={"temperature": temperature, "seed": seed})


def generate_validated(
    generate_raw: Callable[[list[int], SamplingParams], list[Generation]],
    count: int,
    schema: type[BaseModel],
    params: SamplingParams,
    max_retries: int,
) -> list[Generation]:
    """Run ``generate_raw`` for ``count`` prompts and retry only the ones whose output failed validation.

    ``generate_raw(indices, params)`` generates for the prompts at ``indices`` (constrained to ``schema``) and returns
    one Generation per index, in order. After ``max_retries`` retries a prompt that still fails raises
    StructuredOutputError with every raw text it produced.
    """
    results = validate_each(generate_raw, count, schema, params, max_retries)
    failure = next((r for r in results if isinstance(r, StructuredOutputError)), None)
    if failure is not None:
        raise failure
    return results  # type: ignore[return-value]


def validate_each(
    generate_raw: Callable[[list[int], SamplingParams], list[Generation]],
    count: int,
    schema: type[BaseModel] | Sequence[type[BaseModel]],
    params: SamplingParams,
    max_retries: int,
) -> list[Generation | StructuredOutputError]:
    """As `generate_validated`, but a prompt that still fails after the retries gets its own StructuredOutputError in
    its place instead of failing the whole batch: one bad answer in a batch of questions costs only that answer.

    ``schema`` may be one schema for every prompt or a sequence with one per prompt."""
    schemas = [schema] * count if isinstance(schema, type) else list(schema)
    if len(schemas) != count:
        raise ValueError(f"schemas: expected {count}, one per prompt, got {len(schemas)}")
    results: list[Generation | StructuredOutputError | None] = [None] * count
    raw_texts: dict[int, list[str]] = {i: [] for i in range(count)}
    errors: dict[int, list[str]] = {i: [] for i in range(count)}
    pending = list(range(count))
    for attempt in range(max_retries + 1):
        attempt_params = params if attempt == 0 else retry_params(params, attempt)
        outputs = generate_raw(pending, attempt_params)
        still_failing = []
        for index, generation in zip(pending, outputs, strict=True):
            raw_texts[index].append(generation.text)
            try:
                parsed = parse_into(schemas[index], generation.text)
            except (ValidationError, ValueError, json.JSONDecodeError) as err:
                errors[index].append(_short_error(err, generation))
                still_failing.append(index)
                continue
            results[index] = generation.model_copy(update={"parsed": parsed, "attempts": attempt + 1})
        pending = still_failing
        if not pending:
            break
    for index in pending:
        results[index] = StructuredOutputError(schemas[index].__name__, raw_texts[index], errors[index])
    return [r for r in results if r is not None]


def _short_error(err: Exception, generation: Generation) -> str:
    suffix = " (output hit max_new_tokens)" if generation.finish_reason == "length" else ""
    if isinstance(err, ValidationError):
        first = err.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "<root>"
        return f"{where}: {first.get('msg')}{suffix}"
    return f"{err}{suffix}"


def select(items: Sequence[Any], indices: Sequence[int]) -> list[Any]:
    """The items at ``indices``, in that order (helper for backends that retry a subset)."""
    return [items[i] for i in indices]
