"""Backend ``openvino``: OpenVINO GenAI's continuous-batching pipeline, in process, on the model's f16 GGUF.

Measured on the suite's 2-core CPU (docs/benchmarks.md), it decodes 32 prompts together about 1.4x as fast as
llama.cpp's server on the same f16 weights and prefills long prompts about twice as fast, so ``auto`` picks it for
batch work (``workload: batch``) on the embedded model. It reads the GGUF file directly (the same cached f16
conversion the llama.cpp engine serves), renders the chat template stored in it and enforces JSON schemas with its
own grammar engine.

One request alone runs at about two thirds of llama.cpp's speed, so agents, which send one structured call at a time,
stay on ``llamacpp``. It has no server: concurrent callers take turns (one ``generate`` at a time, each over a whole
batch); many clients at once, LoRA adapters and an OpenAI-compatible endpoint are ``llamacpp``'s and
``reasonsuite serve``'s work.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from .base import RowSchemaLLM
from .embedded import EMBEDDED_NAME
from .errors import BackendUnavailableError
from .types import Conversation, FinishReason, Generation, SamplingParams, cut_at_stop

# GiB of KV cache the scheduler may hold; the embedded model's K and V take ~23 KiB a token in f16, so ~90k tokens.
KV_CACHE_GIB = 2


class OpenVINOBackend(RowSchemaLLM):
    """A GGUF model (the embedded one converted to f16 once, or a .gguf file as it is) on OpenVINO's CPU plugin."""

    def __init__(self, model: str, *, batch_size: int = 16, threads: int | None = None, **base_kwargs: Any):
        super().__init__(**base_kwargs)
        try:
            import openvino_genai
        except ImportError as err:  # pragma: no cover - a dependency of the package
            raise BackendUnavailableError(f"backend 'openvino' needs openvino-genai: {err}") from err
        from .engines.gguf_files import model_gguf

        self._og = openvino_genai
        self.model = model
        self.gguf = model_gguf(model)
        scheduler = openvino_genai.SchedulerConfig()
        scheduler.cache_size = KV_CACHE_GIB
        scheduler.max_num_seqs = batch_size
        scheduler.dynamic_split_fuse = True  # prefill long prompts in chunks beside the sequences already decoding
        self.pipeline = openvino_genai.ContinuousBatchingPipeline(
            str(self.gguf), scheduler, "CPU", {"INFERENCE_NUM_THREADS": threads or os.cpu_count() or 1}
        )
        self.tokenizer = self.pipeline.get_tokenizer()
        self._eos = self.tokenizer.get_eos_token_id()
        # One pipeline, one caller at a time: generate() steps the shared scheduler until its own requests finish.
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"openvino:{self.model if self.model == EMBEDDED_NAME else Path(self.model).name}"

    def _generate_rows(
        self, conversations: list[Conversation], params: SamplingParams, json_schemas: list[dict[str, Any] | None]
    ) -> list[Generation]:
        """One pipeline call for the whole batch: each request carries its own config, schema included."""
        prompts = [self._encode(conversation) for conversation in conversations]
        configs = [self._config(params, json_schema) for json_schema in json_schemas]
        with self._lock:
            started = time.perf_counter()
            results = self.pipeline.generate(prompts, configs)
            latency = time.perf_counter() - started
        generations = []
        for prompt, result in zip(prompts, results, strict=True):
            tokens = list(result.m_generation_ids[0])
            ended = bool(tokens) and tokens[-1] == self._eos
            text, stopped = cut_at_stop(self.tokenizer.decode(tokens, skip_special_tokens=True), params.stop)
            finish: FinishReason = "length" if len(tokens) >= params.max_new_tokens and not ended else "stop"
            generations.append(
                Generation(
                    text=text,
                    prompt_tokens=prompt.get_shape()[1],
                    completion_tokens=len(tokens),
                    finish_reason="stop" if stopped else finish,
                    latency_s=latency,
                )
            )
        return generations

    def _encode(self, conversation: Conversation) -> Any:
        """Token ids of the conversation under the chat template stored in the GGUF file (the model's own)."""
        messages = [{"role": m.role, "content": m.content} for m in conversation]
        text = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True)
        return self.tokenizer.encode(text, add_special_tokens=False).input_ids

    def _config(self, params: SamplingParams, json_schema: dict[str, Any] | None) -> Any:
        config = self._og.GenerationConfig()
        config.max_new_tokens = params.max_new_tokens
        config.do_sample = params.temperature > 0
        if config.do_sample:
            config.temperature = params.temperature
            config.top_p = params.top_p
            if params.seed is not None:
                config.rng_seed = params.seed
        if params.stop:
            config.stop_strings = set(params.stop)
            config.include_stop_str_in_output = True  # cut from the decoded text, as on the other backends
        if json_schema is not None:
            config.structured_output_config = self._og.StructuredOutputConfig(json_schema=json.dumps(json_schema))
        return config
