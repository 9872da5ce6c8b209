"""Retries with backoff on 429/5xx, against a real HTTP server on loopback that fails on purpose.

The server is a few lines of the standard library's http.server speaking the chat-completions wire format, so the
official openai client runs unmodified; only the server's failures are scripted.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pydantic import BaseModel

from reasonsuite.llm import BackendUnavailableError, LLMConfig, StructuredOutputError, load_llm

COMPLETION = {
    "id": "cmpl-1",
    "object": "chat.completion",
    "created": 0,
    "model": "flaky",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "pong"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
}


@pytest.fixture
def flaky_server():
    """Answers with the scripted status codes in turn, then with a completion; records every request body."""
    state: dict = {"statuses": [], "bodies": [], "delay_s": 0.0, "content": "pong"}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            state["bodies"].append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            time.sleep(state["delay_s"])
            status = state["statuses"].pop(0) if state["statuses"] else 200
            completion = json.loads(json.dumps(COMPLETION))
            completion["choices"][0]["message"]["content"] = state["content"]
            payload = json.dumps(completion if status == 200 else {"error": {"message": "try later"}}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            if status == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

        def handle(self) -> None:
            try:
                super().handle()
            except (BrokenPipeError, ConnectionResetError):  # the client gave up on a slow answer: expected here
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield state
    server.shutdown()
    server.server_close()


def test_429_and_5xx_are_retried_until_success(flaky_server) -> None:
    flaky_server["statuses"] = [429, 503, 500]
    llm = load_llm(LLMConfig.load(backend="openai", base_url=flaky_server["url"], model="flaky", max_retries=4))
    generation = llm.generate(["ping"])[0]
    assert generation.text == "pong"
    assert (generation.prompt_tokens, generation.completion_tokens) == (3, 1)
    assert len(flaky_server["bodies"]) == 4
    assert flaky_server["bodies"][0]["messages"] == [{"role": "user", "content": "ping"}]
    llm.close()


def test_retries_are_bounded(flaky_server) -> None:
    flaky_server["statuses"] = [503] * 10
    llm = load_llm(LLMConfig.load(backend="openai", base_url=flaky_server["url"], model="flaky", max_retries=2))
    with pytest.raises(Exception, match="503"):
        llm.generate(["ping"])
    assert len(flaky_server["bodies"]) == 3  # the first try and two retries
    llm.close()


def test_sampling_settings_reach_the_server(flaky_server) -> None:
    llm = load_llm(
        LLMConfig.load(
            backend="openai", base_url=flaky_server["url"], model="flaky", temperature=0.7, top_p=0.9, seed=4
        )
    )
    llm.generate(["ping"])
    body = flaky_server["bodies"][0]
    assert (body["model"], body["temperature"], body["top_p"], body["seed"]) == ("flaky", 0.7, 0.9, 4)
    llm.close()


def test_an_endpoint_that_never_answers_in_time_is_a_bounded_clear_failure(flaky_server) -> None:
    flaky_server["delay_s"] = 1.5
    config = LLMConfig.load(backend="openai", base_url=flaky_server["url"], model="flaky", max_retries=1, timeout_s=0.3)
    llm = load_llm(config)
    started = time.monotonic()
    with pytest.raises(BackendUnavailableError, match="cannot reach the OpenAI-compatible endpoint"):
        llm.generate(["ping"])
    assert time.monotonic() - started < 10  # two timed-out tries and a short backoff, not a hang
    assert len(flaky_server["bodies"]) == 2
    llm.close()


class Verdict(BaseModel):
    verdict: str


def test_a_megabyte_answer_is_kept_as_text_and_refused_by_the_schema(flaky_server) -> None:
    flaky_server["content"] = '{"verdict": "' + "A" * 1_000_000  # 1 MB and cut off: no closing quote or brace
    llm = load_llm(LLMConfig.load(backend="openai", base_url=flaky_server["url"], model="flaky", max_retries=0))
    assert len(llm.generate(["ping"])[0].text) == 1_000_013
    with pytest.raises(StructuredOutputError) as failure:
        llm.generate(["ping"], schema=Verdict)
    assert "Verdict" in str(failure.value) and len(str(failure.value)) < 20_000  # the message quotes, not dumps
    llm.close()
