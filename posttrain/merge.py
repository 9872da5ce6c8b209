"""``posttrain merge``: fold a LoRA adapter into its base model and save a plain model folder.

The merged folder (safetensors weights, config, generation config and tokenizer) needs neither PEFT nor the base
model to load, so it serves anywhere a model folder does: the ``hf`` and ``vllm`` backends, or an
OpenAI-compatible server. It is written to a temporary sibling and renamed, so an interrupted merge never leaves a
half-written model behind.
"""

from __future__ import annotations

from pathlib import Path

from ..atomic_files import staged_folder
from .model import ADAPTER_CONFIG, ModelLoadError, adapter_base

_DTYPES = {"float32": "float32", "bfloat16": "bfloat16", "float16": "float16"}


def merge_adapter(adapter_dir: Path, out_dir: Path, *, dtype: str = "float32", overwrite: bool = False) -> Path:
    """Merge ``adapter_dir`` into its base and save the result in ``out_dir``; returns ``out_dir``."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if dtype not in _DTYPES:
        raise ValueError(f"dtype: {dtype!r} is not one of {', '.join(_DTYPES)}")
    if not (adapter_dir / ADAPTER_CONFIG).is_file():
        raise ModelLoadError(f"adapter: {adapter_dir} has no {ADAPTER_CONFIG}, so it is not a LoRA adapter folder")
    if out_dir.exists() and not overwrite:
        raise FileExistsError(f"--out: {out_dir} already exists (pass --overwrite to replace it)")
    base = adapter_base(adapter_dir)
    model = AutoModelForCausalLM.from_pretrained(base, dtype=getattr(torch, dtype))
    merged = PeftModel.from_pretrained(model, adapter_dir).merge_and_unload()
    tokenizer_source = adapter_dir if (adapter_dir / "tokenizer_config.json").is_file() else base
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_source)

    with staged_folder(out_dir) as staging:
        merged.save_pretrained(staging, safe_serialization=True)
        tokenizer.save_pretrained(staging)
    return out_dir
