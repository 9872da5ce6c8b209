"""The openai backend against a real OpenAI-compatible server: llama.cpp's, serving the embedded GGUF on loopback."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from pydantic import BaseModel

from reasonsuite.llm import BackendUnavailableError, LLMConfig, SamplingParams, load_llm
from reasonsuite.llm.embedded import embedded_gguf_path

pytestmark = pytest.mark.slow
SERVED_NAME = "smollm2-135m-instruct"


class Answer(BaseModel):
    city: str
    is_capital: bool


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_url():
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is part of the [dev] extra; `make test` installs it")
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(embedded_gguf_path()),
            "--model_alias",
            SERVED_NAME,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "2048",
            "--n_threads",
            "2",
            "--verbose",
            "False",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"llama.cpp server exited: {process.stderr.read()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("llama.cpp server did not start within 120 s")
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def served_llm(server_url):
    llm = load_llm(LLMConfig.load(backend="openai", base_url=server_url, model=SERVED_NAME, max_concurrency=4))
    yield llm
    llm.close()


def test_chat_completion_with_usage(served_llm) -> None:
    generation = served_llm.generate(["What is the capital of France?"], SamplingParams(max_new_tokens=24))[0]
    assert "Paris" in generation.text
    assert generation.prompt_tokens > 5 and 0 < generation.completion_tokens <= 24
    assert served_llm.name == f"openai:{SERVED_NAME}"


def test_concurrent_requests_keep_prompt_order(served_llm) -> None:
    capitals = {"Japan": "Tokyo", "Germany": "Berlin", "England": "London"}  # the Q4 model knows these three
    countries = list(capitals) * 2
    generations = served_llm.generate(
        [f"What is the capital of {c}?" for c in countries], SamplingParams(max_new_tokens=20)
    )
    assert len(generations) == 6
    for country, generation in zip(countries, generations, strict=True):
        assert capitals[country] in generation.text
        assert not any(city in generation.text for other, city in capitals.items() if other != country)


def test_length_finish_reason(served_llm) -> None:
    generation = served_llm.generate(["Tell me a long story."], SamplingParams(max_new_tokens=4))[0]
    assert generation.finish_reason == "length"
    assert generation.completion_tokens == 4


def test_structured_output_through_the_server_grammar(served_llm) -> None:
    generation = served_llm.generate(
        ["Is Paris the capital of France? Reply in JSON with the city and whether it is the capital."],
        SamplingParams(max_new_tokens=40),
        schema=Answer,
    )[0]
    assert isinstance(generation.parsed, Answer)
    assert served_llm.structured_mode == "json_object"  # llama.cpp rejected OpenAI's json_schema shape


def test_unreachable_endpoint_is_a_clear_error() -> None:
    llm = load_llm(
        LLMConfig.load(backend="openai", base_url=f"http://127.0.0.1:{_free_port()}/v1", model="x", max_retries=0)
    )
    with pytest.raises(BackendUnavailableError, match="cannot reach the OpenAI-compatible endpoint"):
        llm.generate(["hi"])
    llm.close()


def test_eval_runner_through_the_server(served_llm, tmp_path) -> None:
    """The batch runner is backend-agnostic: concurrent requests to the server, records in prompt order."""
    from reasonsuite.evals import load_task, run_eval

    results = run_eval(
        load_task("recon-eval"), served_llm, tmp_path / "run", SamplingParams(max_new_tokens=16), limit=4, chunk_size=4
    )
    assert (results["completed"], results["model"]) == (4, f"openai:{SERVED_NAME}")
    lines = (tmp_path / "run" / "samples.jsonl").read_text().splitlines()
    assert [json.loads(line)["doc_id"] for line in lines] == [f"recon-eval-{i}" for i in range(4)]
    assert all(json.loads(line)["completion_tokens"] > 0 for line in lines)
