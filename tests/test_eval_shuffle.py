"""Option-permuted variants of multiple-choice items, and the position-bias summary."""

from __future__ import annotations

from reasonsuite.data import load_recon
from reasonsuite.evals.answers import check_answer
from reasonsuite.evals.shuffle import base_id, chosen_original_option, option_variants, position_bias


def test_variants_renumber_options_and_remap_the_gold_answer() -> None:
    item = load_recon("eval")[0]  # four options, gold Option 1
    variants = option_variants(item, 3)
    assert len(variants) == 3 and len({v["id"] for v in variants}) == 3
    for variant in variants:
        assert base_id(variant["id"]) == item["id"]
        order = variant["permutation"]
        assert sorted(order) == [0, 1, 2, 3] and order != [0, 1, 2, 3]
        prompt = variant["messages"][-1]["content"]
        for new, original in enumerate(order):
            assert f"Option {new + 1}: {item['options'][original]}" in prompt
        assert prompt.split("Options:")[0] == item["messages"][-1]["content"].split("Options:")[0]
        new_gold = order.index(0) + 1
        assert variant["answer"] == f"Option {new_gold}: {item['options'][0]}"
        assert check_answer(f"\\boxed{{Option {new_gold}}}", variant["answer"], "multiple_choice").correct


def test_two_option_items_have_one_other_order_and_other_types_none() -> None:
    items = load_recon("eval")
    two = next(i for i in items if len(i["options"]) == 2)
    assert [v["permutation"] for v in option_variants(two, 5)] == [[1, 0]]
    yes_no = next(i for i in items if i["answer_type"] == "yes_no")
    assert option_variants(yes_no, 3) == []


def test_position_bias_consistency() -> None:
    def record(doc_id: str, extracted: str | None, correct: bool, permutation=None) -> dict:
        r = {"doc_id": doc_id, "answer_type": "multiple_choice", "extracted": extracted, "correct": correct}
        return r | ({"permutation": permutation} if permutation else {})

    records = [
        # item a: picks original option 0 in both orders (consistent, right)
        record("a", "Option 1", True),
        record("a#perm1", "Option 2", True, [1, 0]),
        # item b: picks "Option 1" whatever it shows (position bias)
        record("b", "Option 1", True),
        record("b#perm1", "Option 1", False, [1, 0]),
    ]
    assert chosen_original_option(records[3]) == 1
    bias = position_bias(records)
    assert bias == {
        "items": 2,
        "answers": 4,
        "accuracy_all_orders": 0.75,
        "accuracy_original_order": 1.0,
        "consistency": 0.5,
    }
    assert position_bias(records[:1]) is None
