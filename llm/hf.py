"""In-process transformers backend: batched chat generation with left padding, fp32 on CPU.

Batching is the point on a CPU: one forward pass over 32 sequences costs little more than over one, so prompts are
grouped into batches of similar length (less padding) and restored to their original order afterwards.
Structured output uses outlines' JSON-schema logits processor (outlines-core, a Rust index over the vocabulary),
cached per schema.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from .base import RowSchemaLLM
from .types import Conversation, FinishReason, Generation, SamplingParams, cut_at_stop

# Between JSON tokens allow at most one space: small models otherwise fill the budget with whitespace.
_JSON_WHITESPACE = r"[ ]?"


class HFBackend(RowSchemaLLM):
    """Transformers model loaded from a local folder (no hub access at run time)."""

    def __init__(
        self,
        model_dir: str | Path,
        *,
        display_name: str | None = None,
        dtype: str = "float32",
        device: str = "cpu",
        batch_size: int = 16,
        **base_kwargs: Any,
    ):
        super().__init__(**base_kwargs)
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self._torch = torch
        self.model_dir = Path(model_dir)
        self._name = f"hf:{display_name or _folder_label(self.model_dir)}"
        self.batch_size = batch_size
        self.tokenizer = AutoTokenizer.from_pretrained(self.model_dir)
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = AutoModelForCausalLM.from_pretrained(self.model_dir, dtype=getattr(torch, dtype))
        self.model.to(device).eval()
        self.device = device
        self._processors: dict[str, list[Any]] = {}
        # generate() is not re-entrant for a stateful logits processor; serialise calls from threads (UI, API).
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    def _render(self, conversation: Conversation) -> str:
        messages = [m.model_dump() for m in conversation]
        return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)

    def _generate_rows(
        self, conversations: list[Conversation], params: SamplingParams, json_schemas: list[dict[str, Any] | None]
    ) -> list[Generation]:
        """Generate in batches of similar prompt length; row i is constrained to json_schemas[i] (None: free text)."""
        texts = [self._render(c) for c in conversations]
        lengths = [len(ids) for ids in self.tokenizer(texts, add_special_tokens=False)["input_ids"]]
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        results: list[Generation | None] = [None] * len(texts)
        with self._lock:
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                batch = self._generate_batch([texts[i] for i in chunk], params, [json_schemas[i] for i in chunk])
                for index, generation in zip(chunk, batch, strict=True):
                    results[index] = generation
        return [r for r in results if r is not None]

    def _generate_batch(
        self, texts: list[str], params: SamplingParams, json_schemas: list[dict[str, Any] | None]
    ) -> list[Generation]:
        torch = self._torch
        from transformers import LogitsProcessorList

        encoded = self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(self.device)
        kwargs: dict[str, Any] = {
            "max_new_tokens": params.max_new_tokens,
            "pad_token_id": self.tokenizer.pad_token_id,
            "do_sample": params.temperature > 0,
        }
        if params.temperature > 0:
            kwargs.update(temperature=params.temperature, top_p=params.top_p, top_k=0)
        else:
            kwargs.update(temperature=None, top_p=None, top_k=None)
        if params.stop:
            kwargs.update(stop_strings=params.stop, tokenizer=self.tokenizer)
        processor = self._constraint(json_schemas)
        if processor is not None:
            kwargs["logits_processor"] = LogitsProcessorList([processor])
        if params.seed is not None:
            torch.manual_seed(params.seed)
        started = time.perf_counter()
        with torch.inference_mode():
            output = self.model.generate(**encoded, **kwargs)
        latency = time.perf_counter() - started
        prompt_width = encoded["input_ids"].shape[1]
        prompt_tokens = encoded["attention_mask"].sum(dim=1).tolist()
        eos_ids = self._eos_ids()
        generations = []
        for row, n_prompt in zip(output[:, prompt_width:].tolist(), prompt_tokens, strict=True):
            tokens, finish = self._trim(row, eos_ids, params)
            text = self.tokenizer.decode(tokens, skip_special_tokens=True)
            text, stopped = cut_at_stop(text, params.stop)
            generations.append(
                Generation(
                    text=text,
                    prompt_tokens=int(n_prompt),
                    completion_tokens=len(tokens),
                    finish_reason="stop" if stopped else finish,
                    latency_s=latency,
                )
            )
        return generations

    def _constraint(self, json_schemas: list[dict[str, Any] | None]) -> Any:
        """The logits processor for a batch: none, one grammar for every row, or a grammar per row."""
        keys = [None if s is None else json.dumps(s, sort_keys=True) for s in json_schemas]
        if all(key is None for key in keys):
            return None
        if len(set(keys)) == 1:
            processor = self._json_processors(keys[0], json_schemas[0], 1)[0]
            processor.reset()
            return processor
        taken: dict[str, int] = {}
        row_processors = []
        for key, json_schema in zip(keys, json_schemas, strict=True):
            if key is None:
                row_processors.append(None)
                continue
            taken[key] = taken.get(key, 0) + 1
            processor = self._json_processors(key, json_schema, taken[key])[taken[key] - 1]
            processor.reset()
            row_processors.append(processor)
        return _PerRowProcessor(row_processors)

    def _eos_ids(self) -> set[int]:
        ids = self.model.generation_config.eos_token_id
        ids = ids if isinstance(ids, list) else [ids]
        # Rows that ended early (end token or stop string) are padded to the batch's width with the pad token.
        return {i for i in ids if i is not None} | {self.tokenizer.eos_token_id, self.tokenizer.pad_token_id}

    def _trim(self, row: list[int], eos_ids: set[int], params: SamplingParams) -> tuple[list[int], FinishReason]:
        """Cut a generated row at its first end token; padding after it belongs to other rows of the batch."""
        for position, token in enumerate(row):
            if token in eos_ids:
                return row[: position + 1], "stop"
        finish: FinishReason = "length" if len(row) >= params.max_new_tokens else "stop"
        return row, finish

    def _json_processors(self, key: str, json_schema: dict[str, Any] | None, count: int) -> list[Any]:
        """At least ``count`` processors for one schema (a processor keeps per-row state, so two rows of one batch
        under the same schema need two); built once each and reused, since compiling a grammar takes a while."""
        pool = self._processors.setdefault(key, [])
        while len(pool) < count:
            import outlines
            from outlines.backends import get_json_schema_logits_processor

            wrapped = outlines.models.Transformers(self.model, self.tokenizer)
            pool.append(
                get_json_schema_logits_processor(
                    "outlines_core", wrapped, json.dumps(json_schema), whitespace_pattern=_JSON_WHITESPACE
                )
            )
        return pool


class _PerRowProcessor:
    """A logits processor that constrains each row of the batch with its own processor (None: the row is free)."""

    def __init__(self, row_processors: list[Any]) -> None:
        self.row_processors = row_processors

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        for row, processor in enumerate(self.row_processors):
            if processor is not None:
                scores[row : row + 1] = processor(input_ids[row : row + 1], scores[row : row + 1])
        return scores


def _folder_label(folder: Path) -> str:
    """A model's name in records: its folder, with the run folder in front for a LoRA adapter (``run/adapter``).

    transformers loads an adapter folder (``adapter_config.json``) on its base model by itself when PEFT is
    installed; its own folder name (``adapter``, ``checkpoint-40``) alone would not tell runs apart.
    """
    if (folder / "adapter_config.json").is_file():
        return f"{folder.parent.name}/{folder.name}"
    return folder.name
