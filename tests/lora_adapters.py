"""A LoRA adapter on the embedded model for the engine tests: untrained but with non-zero weights, so an engine that
applies it visibly changes the answer (and one that ignores it does not)."""

from __future__ import annotations

from pathlib import Path

from reasonsuite.llm.embedded import ensure_embedded_model


def random_lora_adapter(folder: Path, seed: int = 0) -> Path:
    """Save a rank-8 adapter on q_proj/v_proj with the embedded model's tokenizer into ``folder``."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    base = ensure_embedded_model()
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32)
    config = LoraConfig(r=8, lora_alpha=64, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    get_peft_model(model, config).save_pretrained(folder)
    AutoTokenizer.from_pretrained(base).save_pretrained(folder)
    return folder
