"""Training sets: no Recon-Eval question leaks into training, the held-out split is by question."""

from __future__ import annotations

import pytest

from reasonsuite.data import load_recon
from reasonsuite.posttrain.config import PosttrainConfigError, RlvrData, SftData
from reasonsuite.posttrain.datasets import rlvr_prompts, sft_split
from reasonsuite.posttrain.rewards import HierarchicalWeights, build_rewards, has_answer_format


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    from reasonsuite.llm.embedded import ensure_embedded_model

    return AutoTokenizer.from_pretrained(ensure_embedded_model())


def _question(row: dict) -> str:
    return " ".join(row["prompt"][-1]["content"].split())


def _eval_questions() -> set[str]:
    return {" ".join(m[-1]["content"].split()) for m in load_recon("eval")["messages"]}


def test_sft_split_drops_eval_questions_and_unformatted_responses_and_splits_by_question(tokenizer) -> None:
    split = sft_split(SftData(eval_examples=40, long_examples="truncate"), tokenizer, max_length=1024, seed=42)
    assert (split.eval_overlap_removed, split.unformatted_removed, split.too_long_removed) == (2, 1, 0)
    assert split.held_out is not None
    assert len(split.train) + len(split.held_out) == 866 - 3
    assert 40 <= len(split.held_out) < 50
    train_questions = {_question(r) for r in split.train}
    held_questions = {_question(r) for r in split.held_out}
    assert not train_questions & held_questions, "a question with two traces straddles the split"
    assert not (train_questions | held_questions) & _eval_questions()
    row = split.train[0]
    assert [m["role"] for m in row["prompt"]] == ["user"] and [m["role"] for m in row["completion"]] == ["assistant"]
    assert has_answer_format(row["completion"][0]["content"])


def test_held_out_questions_do_not_move_with_length_limits_or_limit(tokenizer) -> None:
    full = sft_split(SftData(eval_examples=10, long_examples="truncate"), tokenizer, max_length=1024, seed=7)
    short = sft_split(SftData(eval_examples=10, long_examples="drop", limit=5), tokenizer, max_length=700, seed=7)
    assert len(short.train) == 5 and short.too_long_removed > 0
    assert {_question(r) for r in short.held_out or []} <= {_question(r) for r in full.held_out or []}
    for row in short.train:
        ids = tokenizer.apply_chat_template(row["prompt"] + row["completion"], tokenize=True, return_dict=False)
        assert len(ids) <= 700


def test_a_length_limit_nothing_fits_is_an_error(tokenizer) -> None:
    with pytest.raises(PosttrainConfigError, match="no SFT examples left"):
        sft_split(SftData(long_examples="drop"), tokenizer, max_length=100, seed=0)


def test_grpo_prompts_are_clean_recon_train_with_gold_columns(tokenizer) -> None:
    prompts = rlvr_prompts(RlvrData(), tokenizer, seed=0)
    assert len(prompts) == 1737
    assert not {_question(r) for r in prompts} & _eval_questions()
    row = prompts[0]
    assert row["prompt"][-1]["role"] == "user" and row["answer_type"] in {"multiple_choice", "yes_no", "ordering",
                                                                         "ne_list"}  # fmt: skip
    assert row["game"] is None and row["answer"]


def test_grpo_prompts_can_be_limited_by_length(tokenizer) -> None:
    prompts = rlvr_prompts(RlvrData(max_prompt_length=170, limit=8), tokenizer, seed=0)
    assert len(prompts) == 8
    for row in prompts:
        ids = tokenizer.apply_chat_template(row["prompt"], tokenize=True, add_generation_prompt=True,
                                            return_dict=False)  # fmt: skip
        assert len(ids) <= 170


def test_a_mixed_dataset_routes_each_row_to_its_own_rewards(tokenizer) -> None:
    prompts = rlvr_prompts(RlvrData(datasets=["recon-train", "arena-single-step"]), tokenizer, seed=0)
    arena = [r for r in prompts if r["game"]]
    recon = [r for r in prompts if r["answer_type"]]
    assert arena and len(recon) == 1737 and len(arena) + len(recon) == len(prompts)
    rows = [arena[0], recon[0]]
    columns = {key: [r[key] for r in rows] for key in ("answer", "answer_type", "game", "seat")}
    completions = ['{"action": "x"}', "no answer"]
    hierarchical, legality = build_rewards(["recon_hierarchical", "arena_legality"], HierarchicalWeights())
    prompts_in = [r["prompt"] for r in rows]
    assert hierarchical(prompts_in, completions, **columns) == [None, -1.0]
    assert legality(prompts_in, completions, **columns) == [0.0, None]
