"""The default batch engine for real: OpenVINO GenAI on the embedded model's f16 GGUF.

Needs llama.cpp's convert script for that GGUF (``reasonsuite engine build``; ``make test`` builds it once).
"""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from reasonsuite.data import load_recon
from reasonsuite.llm import LLMConfig, SamplingParams, load_llm
from reasonsuite.llm.types import as_conversation

pytestmark = pytest.mark.slow
GREEDY = SamplingParams(max_new_tokens=24, temperature=0.0)


class Capital(BaseModel):
    country: str
    capital: str


class Count(BaseModel):
    count: int


@pytest.fixture(scope="module")
def openvino_llm():
    llm = load_llm(LLMConfig.load(backend="openvino", batch_size=4))
    yield llm
    llm.close()


def test_the_openvino_backend_answers_with_token_accounting(openvino_llm) -> None:
    assert openvino_llm.name == "openvino:embedded"
    answers = openvino_llm.generate(["What is the capital of France?", "What is 2+2?"], GREEDY)
    assert "Paris" in answers[0].text
    for answer in answers:
        assert 0 < answer.completion_tokens <= 24 and answer.prompt_tokens > 10
        assert answer.finish_reason in ("stop", "length") and answer.latency_s > 0
    capped = openvino_llm.generate(["Write a long story about a dragon."], SamplingParams(max_new_tokens=5))[0]
    assert (capped.completion_tokens, capped.finish_reason) == (5, "length")


def test_prompts_are_the_models_own_chat_template_token_for_token(openvino_llm) -> None:
    """The GGUF's template, rendered by OpenVINO, gives the ids transformers gives: results compare across backends."""
    from transformers import AutoTokenizer

    from reasonsuite.llm.embedded import ensure_embedded_model

    reference = AutoTokenizer.from_pretrained(ensure_embedded_model())
    conversations = [row["messages"] for row in load_recon("eval").select(range(3))]
    conversations.append([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}])
    for conversation in conversations:
        ids = list(openvino_llm._encode(as_conversation(conversation)).data[0])
        text = reference.apply_chat_template(conversation, add_generation_prompt=True, tokenize=False)
        assert ids == reference(text, add_special_tokens=False)["input_ids"]


def test_stop_strings_cut_the_text_where_the_other_backends_do(openvino_llm) -> None:
    free = openvino_llm.generate(["Count from 1 to 10, separated by commas."], GREEDY)[0]
    assert "4" in free.text
    stopped = openvino_llm.generate(
        ["Count from 1 to 10, separated by commas."], GREEDY.model_copy(update={"stop": ["4"]})
    )
    assert stopped[0].text == free.text[: free.text.index("4")] and stopped[0].finish_reason == "stop"


def test_schemas_constrain_each_row_of_one_batch(openvino_llm) -> None:
    structured = openvino_llm.generate(
        ["Name the capital of Japan. Reply in JSON with the country and its capital."],
        SamplingParams(max_new_tokens=40),
        schema=Capital,
    )[0]
    assert isinstance(structured.parsed, Capital) and structured.parsed.country
    mixed = openvino_llm.generate_each_schema(
        ["Name the capital of Italy as JSON.", "How many legs has a spider? Reply in JSON."],
        [Capital, Count],
        SamplingParams(max_new_tokens=40),
    )
    assert isinstance(mixed[0].parsed, Capital) and isinstance(mixed[1].parsed, Count)


def test_a_short_eval_runs_through_the_openvino_backend(openvino_llm, tmp_path) -> None:
    from reasonsuite.evals import load_task, run_eval

    results = run_eval(load_task("recon-eval"), openvino_llm, tmp_path / "run", GREEDY, limit=4, chunk_size=4)
    assert (results["completed"], results["model"]) == (4, "openvino:embedded")
