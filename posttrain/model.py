"""Load the model to train: the embedded model, a local model folder, or a LoRA adapter folder to keep training.

Only local folders: nothing is downloaded at run time (a GPU recipe names a folder fetched once beforehand).
Training an adapter folder continues that adapter on its own base, so ``posttrain rlvr`` after ``posttrain sft``
yields one adapter (SFT + GRPO) that loads on the original base model.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..llm.embedded import EMBEDDED_NAME, embedded_model_dir, ensure_embedded_model

log = logging.getLogger(__name__)

ADAPTER_CONFIG = "adapter_config.json"
_DTYPES = {"fp32": "float32", "bf16": "bfloat16", "fp16": "float16"}


class ModelLoadError(ValueError):
    """The configured model cannot be loaded; the message names the ``model`` setting and the folder."""


@dataclass
class Policy:
    """The model to train, its tokenizer, and whether it already carries the (trainable) adapter."""

    model: Any
    tokenizer: Any
    source: Path
    base: Path
    is_adapter: bool

    def base_name(self) -> str:
        """The base model as a user names it: ``embedded`` for the shipped model, else its folder."""
        return EMBEDDED_NAME if self.base.resolve() == embedded_model_dir().resolve() else str(self.base)


def resolve_model_dir(model: str) -> Path:
    """``embedded`` → the converted SmolLM2 folder; otherwise a local model or adapter folder, checked."""
    if model == EMBEDDED_NAME:
        return ensure_embedded_model()
    path = Path(model).expanduser()
    if not path.is_dir():
        hint = (
            "the adapter of a run that has not finished: run its `posttrain sft` config first"
            if path.name == "adapter"
            else f"posttrain loads local folders only; use '{EMBEDDED_NAME}' for the shipped model, or download "
            "the base once and name its folder"
        )
        raise ModelLoadError(f"model: folder {model!r} does not exist ({hint})")
    if not (path / "config.json").is_file() and not (path / ADAPTER_CONFIG).is_file():
        raise ModelLoadError(f"model: {model!r} has neither config.json (a model) nor {ADAPTER_CONFIG} (an adapter)")
    return path


def adapter_base(adapter_dir: Path) -> Path:
    """The base model folder an adapter was trained on (``base_model_name_or_path`` in its config)."""
    config = json.loads((adapter_dir / ADAPTER_CONFIG).read_text(encoding="utf-8"))
    base = Path(str(config.get("base_model_name_or_path") or "")).expanduser()
    if not base.is_dir():
        raise ModelLoadError(
            f"model: adapter {adapter_dir} was trained on {str(base)!r}, which is not a local folder here"
        )
    return base


def load_policy(model: str, precision: str) -> Policy:
    """The model and tokenizer to train, in the dtype the precision asks for (fp32 weights on a CPU)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    source = resolve_model_dir(model)
    dtype = getattr(torch, _DTYPES[precision])
    is_adapter = (source / ADAPTER_CONFIG).is_file()
    base = adapter_base(source) if is_adapter else source
    tokenizer = AutoTokenizer.from_pretrained(source if (source / "tokenizer_config.json").is_file() else base)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    network = AutoModelForCausalLM.from_pretrained(base, dtype=dtype)
    if is_adapter:
        from peft import PeftModel

        network = PeftModel.from_pretrained(network, source, is_trainable=True)
        log.info("continuing adapter %s on base %s", source, base)
    return Policy(model=network, tokenizer=tokenizer, source=source, base=base, is_adapter=is_adapter)
