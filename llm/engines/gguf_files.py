"""The GGUF files llama.cpp's server needs: the model's, and each LoRA adapter's, converted once and cached.

posttrain writes transformers/PEFT folders; llama.cpp reads GGUF. llama.cpp's own convert scripts (kept with the
built server, see :mod:`.llama_server`) do the conversion; the result is cached under the suite's home, keyed by
the source folder's path and its files' modification times, so a retrained adapter is converted again.

Models are served with float16 weights. The embedded model ships as Q4_1, but llama.cpp multiplies Q4_1 weights by
8-bit-quantised activations, and on a 135M model that changes greedy answers: on 16 Recon-Eval prompts (128 tokens)
the shipped Q4_1 file gave the transformers fp32 answer 6 times, an f16 copy of the same weights 15 times, and the
f16 copy was also the faster one with many sequences in flight (docs/benchmarks.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from ..embedded import EMBEDDED_NAME, ensure_embedded_model, suite_home
from .errors import EngineError
from .llama_server import source_dir


def model_gguf(model: str, weights: str = "f16") -> Path:
    """The GGUF file to serve for ``model``: 'embedded', a .gguf file (as it is), or a transformers folder (converted
    to ``weights``: f16, bf16, q8_0 or f32)."""
    if model == EMBEDDED_NAME:
        return _convert(ensure_embedded_model(), "convert_hf_to_gguf.py", [], outtype=weights)
    path = Path(model).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return path
    if path.is_dir() and (path / "config.json").is_file():
        return _convert(path, "convert_hf_to_gguf.py", [], outtype=weights)
    raise EngineError(f"model: {model!r} is neither 'embedded', a .gguf file nor a transformers model folder")


def adapter_gguf(adapter: Path, base_model: str) -> Path:
    """A PEFT LoRA adapter folder (posttrain's ``adapter/``) as a GGUF adapter for the base model's server."""
    adapter = adapter.expanduser()
    if adapter.is_file() and adapter.suffix == ".gguf":
        return adapter
    if not (adapter / "adapter_config.json").is_file():
        raise EngineError(f"lora: {adapter} is not a LoRA adapter folder (no adapter_config.json) nor a .gguf file")
    base = ensure_embedded_model() if base_model == EMBEDDED_NAME else Path(base_model).expanduser()
    if not (base / "config.json").is_file():
        raise EngineError(
            f"lora: converting {adapter} needs the base model as a transformers folder (config.json), not {base}"
        )
    return _convert(adapter, "convert_lora_to_gguf.py", ["--base", str(base)], outtype="f32")


def _convert(folder: Path, script: str, extra: list[str], *, outtype: str) -> Path:
    cached = _cache_path(folder, outtype)
    if cached.is_file():
        return cached
    converter = source_dir() / script
    if not converter.is_file():
        raise EngineError(f"{converter} is missing: run `reasonsuite engine build` (it keeps llama.cpp's scripts)")
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".partial")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(source_dir() / "gguf-py"), str(source_dir())])}
    command = [sys.executable, str(converter), str(folder), *extra, "--outtype", outtype, "--outfile", str(partial)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        raise EngineError(f"{script} could not convert {folder}:\n{(done.stdout + done.stderr)[-2000:]}")
    partial.rename(cached)
    return cached


def _cache_path(folder: Path, outtype: str) -> Path:
    folder = folder.resolve()
    stamps = sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir() if p.is_file())
    key = hashlib.sha256(json.dumps([str(folder), stamps]).encode()).hexdigest()[:16]
    return suite_home() / "engines" / "gguf" / f"{folder.name}-{key}-{outtype}.gguf"
