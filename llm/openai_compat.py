"""Backend for any OpenAI-compatible chat endpoint: ``vllm serve``, llama.cpp's server, hosted APIs.

Uses the official ``openai`` client, whose own retry loop (exponential backoff on 408/409/429/5xx and connection
errors) provides the retries; concurrency is bounded by a thread pool so a batch eval cannot flood a server.
Structured output is sent as ``response_format`` with the JSON schema, which the servers enforce by grammar. Servers
differ in the shape they accept: OpenAI and vLLM take ``{"type": "json_schema", "json_schema": {...}}``; llama.cpp's
Python server takes ``{"type": "json_object", "schema": {...}}``. ``structured_mode="auto"`` starts with the former and
switches to the latter for the rest of the session when the server rejects it.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

from .base import BaseLLM
from .errors import BackendUnavailableError
from .types import Conversation, FinishReason, Generation, SamplingParams


class OpenAIBackend(BaseLLM):
    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str,
        max_concurrency: int = 8,
        max_retries: int = 4,
        timeout_s: float = 120.0,
        structured_mode: Literal["auto", "json_schema", "json_object"] = "auto",
        **base_kwargs: Any,
    ):
        super().__init__(**base_kwargs)
        import openai

        self._openai = openai
        self.model = model
        self.base_url = base_url
        self.structured_mode = structured_mode
        self.client = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=max_retries, timeout=timeout_s)
        self._pool = ThreadPoolExecutor(max_workers=max_concurrency, thread_name_prefix="openai-backend")

    @property
    def name(self) -> str:
        return f"openai:{self.model}"

    def _generate_raw(
        self, conversations: list[Conversation], params: SamplingParams, json_schema: dict[str, Any] | None
    ) -> list[Generation]:
        return list(self._pool.map(lambda c: self._complete(c, params, json_schema), conversations))

    def _complete(
        self, conversation: Conversation, params: SamplingParams, json_schema: dict[str, Any] | None
    ) -> Generation:
        request: dict[str, Any] = {
            "model": self.model,
            "messages": [m.model_dump() for m in conversation],
            "max_tokens": params.max_new_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
        }
        if params.seed is not None:
            request["seed"] = params.seed
        if params.stop:
            request["stop"] = params.stop
        started = time.perf_counter()
        response = self._create(request, json_schema)
        latency = time.perf_counter() - started
        choice = response.choices[0]
        usage = response.usage
        return Generation(
            text=choice.message.content or "",
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
            finish_reason=_finish_reason(choice.finish_reason),
            latency_s=latency,
        )

    def _create(self, request: dict[str, Any], json_schema: dict[str, Any] | None) -> Any:
        try:
            if json_schema is None:
                return self.client.chat.completions.create(**request)
            if self.structured_mode == "auto":
                probed = self._probe_json_schema(request, json_schema)
                if probed is not None:
                    return probed
            return self.client.chat.completions.create(
                **request, response_format=_response_format(json_schema, self.structured_mode)
            )
        except self._openai.APIConnectionError as err:
            raise BackendUnavailableError(
                f"cannot reach the OpenAI-compatible endpoint at {self.base_url}: {err}"
            ) from err

    def _probe_json_schema(self, request: dict[str, Any], json_schema: dict[str, Any]) -> Any | None:
        """Try OpenAI's ``json_schema`` shape once, without retries; settle the mode from the server's answer.

        llama.cpp's server rejects that shape with a 500 (not a 400) naming ``response_format``, which the client
        would otherwise retry with backoff. Returns the response, or None when the mode was switched.
        """
        try:
            response = self.client.with_options(max_retries=0).chat.completions.create(
                **request, response_format=_response_format(json_schema, "json_schema")
            )
        except self._openai.APIStatusError as err:
            if "response_format" in str(err):
                self.structured_mode = "json_object"
            return None  # otherwise a different failure: the normal path retries it with backoff
        self.structured_mode = "json_schema"
        return response

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.client.close()


def _response_format(json_schema: dict[str, Any], mode: str) -> dict[str, Any]:
    if mode == "json_object":
        return {"type": "json_object", "schema": json_schema}
    return {
        "type": "json_schema",
        # Not "strict": OpenAI's strict mode demands additionalProperties=false and every field required, which
        # pydantic schemas with defaults do not meet; the pydantic validation after the call is the strict check.
        "json_schema": {"name": json_schema.get("title", "output"), "schema": json_schema},
    }


def _finish_reason(reason: str | None) -> FinishReason:
    if reason == "length":
        return "length"
    return "stop"
