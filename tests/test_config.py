"""Config errors name the field; precedence is flags > environment > file > defaults."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reasonsuite.llm import ConfigError, LLMConfig
from reasonsuite.llm.engines.llama_server import server_is_built


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REASONSUITE_BACKEND", "REASONSUITE_MODEL", "REASONSUITE_BASE_URL", "REASONSUITE_TEMPERATURE"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_pick_the_embedded_model_on_the_fastest_built_engine(tmp_path, monkeypatch) -> None:
    config = LLMConfig.load()
    assert (config.model, config.dtype, config.temperature) == ("embedded", None, 0.0)
    assert config.backend == ("llamacpp" if server_is_built() else "hf")
    assert LLMConfig.load(workload="batch").backend == ("openvino" if server_is_built() else "hf")
    monkeypatch.setenv("REASONSUITE_HOME", str(tmp_path))  # a home where llama.cpp's server was never built
    assert LLMConfig.load().backend == "hf"
    assert LLMConfig.load(backend="auto", model=str(_model_folder(tmp_path))).backend == "hf"


def test_openvino_refuses_a_lora_adapter_by_name(tmp_path) -> None:
    (tmp_path / "adapter_config.json").write_text("{}")
    with pytest.raises(ConfigError, match=r"model: .* is a LoRA adapter folder; backend 'openvino' runs base models"):
        LLMConfig.load(backend="openvino", model=str(tmp_path))


def _model_folder(tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.json").write_text("{}")
    return tmp_path / "model"


def test_unknown_backend_names_the_field() -> None:
    with pytest.raises(
        ConfigError,
        match=r"backend: Input should be 'auto', 'hf', 'llamacpp', 'openvino', 'openai' or 'vllm' \(got 'llamafile'\)",
    ):
        LLMConfig.load(backend="llamafile")


def test_missing_model_path_names_the_field(tmp_path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(ConfigError, match=r"model: folder .*nowhere' does not exist"):
        LLMConfig.load(backend="hf", model=str(missing))


def test_folder_without_config_json_is_rejected(tmp_path) -> None:
    with pytest.raises(ConfigError, match="has no config.json"):
        LLMConfig.load(backend="hf", model=str(tmp_path))


@pytest.mark.parametrize("value", [-0.1, 2.5])
def test_bad_temperature_names_the_field(value: float) -> None:
    with pytest.raises(ConfigError, match=r"temperature: Input should be (greater|less) than or equal to"):
        LLMConfig.load(temperature=value)


def test_non_numeric_temperature_names_the_field() -> None:
    with pytest.raises(ConfigError, match=r"temperature: Input should be a valid number"):
        LLMConfig.load(temperature="hot")


def test_openai_needs_a_base_url() -> None:
    with pytest.raises(ConfigError, match="base_url is required for backend 'openai'"):
        LLMConfig.load(backend="openai", model="served")


def test_unknown_key_in_file_is_an_error(tmp_path) -> None:
    path = tmp_path / "llm.yaml"
    path.write_text("backend: hf\ntemprature: 0.3\n")
    with pytest.raises(ConfigError, match=r"temprature: Extra inputs are not permitted"):
        LLMConfig.load(path)


def test_missing_and_malformed_files_are_reported(tmp_path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        LLMConfig.load(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("backend: [hf\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        LLMConfig.load(bad)
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("just text\n")
    with pytest.raises(ConfigError, match="must hold a mapping"):
        LLMConfig.load(scalar)


def test_precedence_flags_over_env_over_file(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "llm.yaml"
    path.write_text("temperature: 0.2\ntop_p: 0.5\nseed: 3\n")
    monkeypatch.setenv("REASONSUITE_TEMPERATURE", "0.4")
    monkeypatch.setenv("REASONSUITE_TOP_P", "0.6")
    config = LLMConfig.load(path, temperature=0.9)
    assert (config.temperature, config.top_p, config.seed) == (0.9, 0.6, 3)


def test_api_key_is_never_written_out() -> None:
    config = LLMConfig.load(backend="openai", base_url="http://127.0.0.1:9/v1", model="m", api_key="sk-secret")
    assert "sk-secret" not in json.dumps(config.public_dict())
    assert "sk-secret" not in repr(config)


def test_cli_reports_bad_config_with_exit_code_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reasonsuite", "config", "--backend", "hf", "--temperature", "-1"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "temperature" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_config_shows_effective_values(tmp_path) -> None:
    path = tmp_path / "llm.yaml"
    path.write_text("backend: openai\nbase_url: http://127.0.0.1:8000/v1\nmodel: served\n")
    result = subprocess.run(
        [sys.executable, "-m", "reasonsuite", "config", "--config", str(path), "--seed", "7"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert (shown["backend"], shown["model"], shown["seed"]) == ("openai", "served", 7)
