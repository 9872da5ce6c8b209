"""The CLI's model-using commands end to end on the embedded model (a subprocess, as a user runs them)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reasonsuite.llm.engines.llama_server import server_is_built

pytestmark = pytest.mark.slow
# The default backend for a benchmark's batches: OpenVINO on the f16 GGUF once llama.cpp's server is built (make test
# builds it; its convert script writes the GGUF), else transformers.
DEFAULT_MODEL = "openvino:embedded" if server_is_built() else "hf:SmolLM2-135M-Instruct"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reasonsuite", *args], capture_output=True, text=True, timeout=600)


def test_demo_answers_questions_and_reports_the_summary(tmp_path) -> None:
    out = tmp_path / "demo-run"
    result = run_cli("demo", "--n", "2", "--max-new-tokens", "24", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "recon-eval-0" in result.stdout and "recon-eval-150" in result.stdout  # spread over the categories
    assert "overall" in result.stdout and "always option 1" in result.stdout
    records = [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]
    assert [r["doc_id"] for r in records] == ["recon-eval-0", "recon-eval-150"]
    for record in records:
        assert record["response"] and 0 < record["completion_tokens"] <= 24
        assert isinstance(record["correct"], bool)
    results = json.loads((out / "results.json").read_text())
    assert results["model"] == DEFAULT_MODEL and results["completed"] == 2
    assert not list(out.glob(".*.tmp"))  # atomic writes left no temporary file


def test_generate_prints_completion_and_token_counts() -> None:
    result = run_cli("generate", "What is the capital of France?", "--max-new-tokens", "16")
    assert result.returncode == 0, result.stderr
    assert "Paris" in result.stdout
    assert "completion tokens" in result.stderr


def test_demo_rejects_an_out_of_range_count() -> None:
    result = run_cli("demo", "--n", "0")
    assert result.returncode == 2
    assert "Invalid value for '--n'" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_endpoint_fails_cleanly() -> None:
    result = run_cli("generate", "hi", "--backend", "openai", "--base-url", "http://127.0.0.1:9/v1", "--model", "x")
    assert result.returncode == 1
    assert "cannot reach the OpenAI-compatible endpoint" in result.stderr
    assert "Traceback" not in result.stderr
