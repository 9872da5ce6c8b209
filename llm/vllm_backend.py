"""vLLM's offline engine, for batch evals and rollouts on a GPU (``pip install 'reasonsuite[gpu]'``).

vLLM is imported only when this backend is constructed, so the CPU install never needs it. Structured output uses
vLLM's own structured-outputs decoding (``StructuredOutputsParams(json=...)``, vLLM ≥ 0.11).
"""

from __future__ import annotations

import time
from typing import Any

from .base import BaseLLM
from .errors import BackendUnavailableError
from .types import Conversation, FinishReason, Generation, SamplingParams


class VLLMBackend(BaseLLM):
    def __init__(
        self, model: str, *, dtype: str = "auto", engine_kwargs: dict[str, Any] | None = None, **base_kwargs: Any
    ):
        super().__init__(**base_kwargs)
        try:
            import vllm
        except ImportError as err:
            raise BackendUnavailableError(
                "backend 'vllm' needs vLLM, which is not installed: `pip install 'reasonsuite[gpu]'` on a CUDA "
                "machine, "
                "or use backend 'hf' (in-process) or 'openai' (any OpenAI-compatible server)"
            ) from err
        self._vllm = vllm
        self.model = model
        self.engine = vllm.LLM(model=model, dtype=dtype, **(engine_kwargs or {}))

    @property
    def name(self) -> str:
        return f"vllm:{self.model}"

    def _sampling(self, params: SamplingParams, json_schema: dict[str, Any] | None) -> Any:
        extra: dict[str, Any] = {}
        if json_schema is not None:
            from vllm.sampling_params import StructuredOutputsParams

            extra["structured_outputs"] = StructuredOutputsParams(json=json_schema)
        return self._vllm.SamplingParams(
            max_tokens=params.max_new_tokens,
            temperature=params.temperature,
            top_p=params.top_p,
            seed=params.seed,
            stop=params.stop or None,
            **extra,
        )

    def _generate_raw(
        self, conversations: list[Conversation], params: SamplingParams, json_schema: dict[str, Any] | None
    ) -> list[Generation]:
        messages = [[m.model_dump() for m in c] for c in conversations]
        started = time.perf_counter()
        outputs = self.engine.chat(messages, self._sampling(params, json_schema), use_tqdm=False)
        latency = time.perf_counter() - started
        generations = []
        for output in outputs:
            completion = output.outputs[0]
            finish: FinishReason = "length" if completion.finish_reason == "length" else "stop"
            generations.append(
                Generation(
                    text=completion.text,
                    prompt_tokens=len(output.prompt_token_ids or []),
                    completion_tokens=len(completion.token_ids),
                    finish_reason=finish,
                    latency_s=latency,
                )
            )
        return generations
