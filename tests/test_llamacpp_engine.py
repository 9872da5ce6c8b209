"""The default CPU engine for real: the ``llamacpp`` backend, ``reasonsuite serve`` and a LoRA adapter it serves.

Needs the built llama-server (``reasonsuite engine build``; ``make test`` builds it once).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import httpx
import pytest
from lora_adapters import random_lora_adapter
from pydantic import BaseModel

from reasonsuite.llm import LLMConfig, SamplingParams, load_llm
from reasonsuite.llm.engines.managed import free_port

pytestmark = pytest.mark.slow
GREEDY = SamplingParams(max_new_tokens=24, temperature=0.0)


class Capital(BaseModel):
    country: str
    capital: str


@pytest.fixture(scope="module")
def llamacpp_llm():
    llm = load_llm(LLMConfig.load(backend="llamacpp", batch_size=4))
    yield llm
    llm.close()
    assert llm.engine.process.returncode == 0, "closing the backend stops its server, and the watchdog exits cleanly"
    assert "Fatal Python error" not in llm.engine.log_path.read_text(errors="replace")


def test_the_llamacpp_backend_answers_and_follows_a_schema(llamacpp_llm) -> None:
    assert llamacpp_llm.name == "llamacpp:embedded"
    answer = llamacpp_llm.generate(["What is the capital of France?"], GREEDY)[0]
    assert "Paris" in answer.text and answer.completion_tokens > 0
    structured = llamacpp_llm.generate(
        ["Name the capital of Japan. Reply in JSON with the country and its capital."],
        SamplingParams(max_new_tokens=40),
        schema=Capital,
    )[0]
    assert isinstance(structured.parsed, Capital), "the server's grammar kept the reply to the schema"
    assert structured.parsed.country and structured.finish_reason == "stop"


def test_a_short_eval_runs_through_the_llamacpp_backend(llamacpp_llm, tmp_path) -> None:
    from reasonsuite.evals import load_task, run_eval

    results = run_eval(load_task("recon-eval"), llamacpp_llm, tmp_path / "run", GREEDY, limit=4, chunk_size=4)
    assert (results["completed"], results["model"]) == (4, "llamacpp:embedded")


def test_reasonsuite_serve_serves_a_lora_adapter_and_stops_on_sigterm(tmp_path, llamacpp_llm) -> None:
    adapter = random_lora_adapter(tmp_path / "grpo-run" / "adapter")
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reasonsuite",
            "serve",
            "--lora",
            f"grpo={adapter}",
            "--port",
            str(port),
            "--parallel",
            "2",
            "--ctx-per-sequence",
            "1024",
        ],  # fmt: skip
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base_url = f"http://127.0.0.1:{port}/v1"
        deadline = time.monotonic() + 300  # the first start converts the adapter to GGUF
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"{base_url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        assert process.poll() is None, process.stdout.read()
        served = load_llm(LLMConfig.load(backend="openai", base_url=base_url, model="grpo"))
        with_adapter = served.generate(["What is the capital of France?"], GREEDY)[0].text
        served.close()
        base = llamacpp_llm.generate(["What is the capital of France?"], GREEDY)[0].text
        assert with_adapter and with_adapter != base, "the adapter's weights change the answer"
        assert httpx.get(f"{base_url}/models").json()["data"][0]["id"] == "grpo"
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0]
    assert process.returncode == 0, output
    assert "serving 'grpo'" in output
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{base_url}/models", timeout=2)


def test_an_engine_does_not_outlive_a_killed_suite(tmp_path) -> None:
    """SIGKILL gives the suite no chance to stop its engine; the watchdog notices its pipe close and stops it."""
    script = (
        "from reasonsuite.llm.engines import EngineSpec, ManagedEngine\n"
        "engine = ManagedEngine(EngineSpec(parallel=1, ctx_per_sequence=512)).start()\n"
        "print(engine.base_url, flush=True)\n"
        "import time; time.sleep(600)\n"
    )
    suite = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        base_url = suite.stdout.readline().strip()
        assert httpx.get(f"{base_url}/models", timeout=5).status_code == 200
    finally:
        suite.send_signal(signal.SIGKILL)
        suite.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base_url}/models", timeout=1)
        except httpx.HTTPError:
            return
        time.sleep(0.2)
    pytest.fail(f"the engine at {base_url} still answers 30 s after the suite was killed")
