"""Engine set-up without starting one: command lines, specs for adapters, config checks and the serve CLI's errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reasonsuite.cli import app
from reasonsuite.llm import ConfigError, LLMConfig
from reasonsuite.llm.embedded import EMBEDDED_NAME, ensure_embedded_model
from reasonsuite.llm.engines import EngineError, EngineSpec, engine_command, llama_server, spec_for_model


@pytest.fixture
def fake_engine_home(tmp_path, monkeypatch) -> Path:
    """A suite home whose llama-server is a placeholder executable (command lines only; nothing is started)."""
    monkeypatch.setenv("REASONSUITE_HOME", str(tmp_path))
    binary = llama_server.engine_dir() / "bin" / llama_server.BINARY_NAME
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\nexit 1\n")
    binary.chmod(0o755)
    return tmp_path


def test_the_llamacpp_command_serves_a_gguf_with_one_slot_per_sequence(fake_engine_home, tmp_path) -> None:
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    spec = EngineSpec(model=str(gguf), parallel=8, ctx_per_sequence=2048, threads=2, api_key="k")
    command = engine_command(spec, port=9001)
    assert command[0].endswith("bin/llama-server")
    options = dict(zip(command[1::2], command[2::2], strict=False))
    assert options["--model"] == str(gguf)
    assert (options["--parallel"], options["--ctx-size"], options["--threads"]) == ("8", str(8 * 2048), "2")
    assert (options["--host"], options["--port"], options["--alias"]) == ("127.0.0.1", "9001", "smollm2")
    assert command[-2:] == ["--api-key", "k"]


def test_a_missing_llama_server_says_how_to_build_it(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("REASONSUITE_HOME", str(tmp_path))
    with pytest.raises(EngineError, match="reasonsuite engine build"):
        engine_command(EngineSpec(), port=9001)


def test_a_posttrain_adapter_is_served_on_the_base_model_it_names(tmp_path) -> None:
    adapter = tmp_path / "rlvr-run" / "adapter"
    adapter.mkdir(parents=True)
    base = str(ensure_embedded_model())
    (adapter / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": base, "r": 8}))
    spec = spec_for_model(str(adapter), parallel=4)
    assert spec.model == EMBEDDED_NAME, "the shipped GGUF is served, not the de-quantised copy converted back"
    assert spec.loras == {"rlvr-run": adapter} and spec.parallel == 4
    assert spec.label == "embedded+rlvr-run/adapter", "records must tell the adapter's run from its base's"
    assert spec_for_model("embedded").loras == {} and spec_for_model("embedded").label == "embedded"


def test_llamacpp_serves_at_most_one_adapter(fake_engine_home, tmp_path) -> None:
    with pytest.raises(EngineError, match="one adapter per server"):
        engine_command(EngineSpec(loras={"a": tmp_path / "a", "b": tmp_path / "b"}), port=9001)


def test_a_folder_that_is_not_an_adapter_is_refused_by_name(fake_engine_home, tmp_path) -> None:
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    with pytest.raises(EngineError, match="lora: .* is not a LoRA adapter folder"):
        engine_command(EngineSpec(model=str(gguf), loras={"mine": tmp_path / "empty"}), port=9001)


def test_the_vllm_command_names_each_adapter(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr("shutil.which", lambda name: f"/opt/bin/{name}")
    spec = EngineSpec(engine="vllm", model=str(tmp_path), loras={"sft": tmp_path / "a", "grpo": tmp_path / "b"})
    command = engine_command(spec, port=8100)
    assert command[:3] == ["/opt/bin/vllm", "serve", str(tmp_path)]
    assert command[command.index("--lora-modules") + 1 :] == [f"sft={tmp_path / 'a'}", f"grpo={tmp_path / 'b'}"]


def test_backend_llamacpp_checks_the_model_before_starting_anything(tmp_path) -> None:
    assert LLMConfig.load(backend="llamacpp").model == EMBEDDED_NAME
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    assert LLMConfig.load(backend="llamacpp", model=str(gguf)).model == str(gguf)
    with pytest.raises(ConfigError, match="model: .* is not a .gguf file"):
        LLMConfig.load(backend="llamacpp", model=str(tmp_path))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lora", "no-equals-sign"], "--lora: expected NAME=ADAPTER_DIR"),
        (["--lora", "a=x", "--lora", "a=y"], "given twice"),
        (["--host", "0.0.0.0"], "needs --api-key"),
        (["--engine", "tgi"], "--engine: Input should be 'llamacpp' or 'vllm'"),
    ],
)
def test_serve_refuses_bad_options_by_name(args, message, fake_engine_home) -> None:
    result = CliRunner().invoke(app, ["serve", *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
