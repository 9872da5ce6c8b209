"""The openai backend against a real OpenAI-compatible server: llama.cpp's, serving the embedded GGUF on loopback.

The server is the suite's default CPU engine (``reasonsuite engine build``, run by ``make test``), started here
through the same ManagedEngine that ``reasonsuite serve`` and the ``llamacpp`` backend use.
"""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from reasonsuite.llm import BackendUnavailableError, LLMConfig, SamplingParams, load_llm
from reasonsuite.llm.engines import EngineSpec, ManagedEngine
from reasonsuite.llm.engines.managed import free_port

pytestmark = pytest.mark.slow
SERVED_NAME = "smollm2-135m-instruct"


class Answer(BaseModel):
    city: str
    is_capital: bool


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    spec = EngineSpec(served_name=SERVED_NAME, parallel=4, ctx_per_sequence=1024, threads=2)
    with ManagedEngine(spec, log_dir=tmp_path_factory.mktemp("engine")) as engine:
        yield engine.base_url


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
    assert served_llm.structured_mode == "json_schema"  # llama-server takes OpenAI's response_format shape


def test_unreachable_endpoint_is_a_clear_error() -> None:
    llm = load_llm(
        LLMConfig.load(backend="openai", base_url=f"http://127.0.0.1:{free_port()}/v1", model="x", max_retries=0)
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
