"""The shipped Recon files are the documented ones, and the loader parses every row."""

from __future__ import annotations

import hashlib
import re

import pytest

from reasonsuite.data import answer_type_of, load_recon
from reasonsuite.data.recon import RECON_DIR, ReconFormatError, clean_train_rows, parse_chat_prompt, train_hygiene
from reasonsuite.data.recon_categories import CATEGORIES


def _documented_hashes() -> dict[str, tuple[int, str]]:
    table = (RECON_DIR / "PROVENANCE.md").read_text()
    rows = re.findall(r"^\| (\S+\.csv) \| \d+ \| (\d+) \| [^|]+ \| ([0-9a-f]{64}) \|$", table, re.MULTILINE)
    return {name: (int(count), digest) for name, count, digest in rows}


def test_provenance_lists_every_file_with_its_sha256() -> None:
    documented = _documented_hashes()
    assert set(documented) == {"train_dataset.csv", "eval_dataset.csv", "sft_cot_dataset.csv"}
    for name, (_, digest) in documented.items():
        assert hashlib.sha256((RECON_DIR / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize(("split", "rows"), [("train", 1800), ("eval", 300), ("sft_cot", 866)])
def test_shipped_split_sizes(split: str, rows: int) -> None:
    assert len(load_recon(split, clean=False)) == rows


def test_train_hygiene_removes_duplicates_and_eval_overlap() -> None:
    hygiene = train_hygiene()
    assert (hygiene.rows_read, hygiene.duplicates_removed, hygiene.eval_overlap_removed) == (1800, 54, 9)
    train = load_recon("train")
    assert len(train) == hygiene.rows_kept == 1737
    eval_questions = {" ".join(r["messages"][-1]["content"].split()) for r in load_recon("eval")}
    train_questions = [" ".join(r["messages"][-1]["content"].split()) for r in train]
    assert not eval_questions & set(train_questions)
    assert len(set(zip(train_questions, train["answer"], strict=True))) == len(train)


def test_hygiene_keeps_the_first_copy_and_counts_each_removal() -> None:
    train = [
        {"prompt": "q1", "answer": "Yes"},
        {"prompt": "q1 ", "answer": "Yes"},  # the same question up to whitespace
        {"prompt": "q2", "answer": "No"},
        {"prompt": "q3", "answer": "No"},
    ]
    kept, hygiene = clean_train_rows(train, [{"prompt": "q3", "answer": "No"}])
    assert [r["prompt"] for r in kept] == ["q1", "q2"]
    assert (hygiene.duplicates_removed, hygiene.eval_overlap_removed, hygiene.rows_kept) == (1, 1, 2)


def test_recon_eval_splits_into_15_categories_of_20() -> None:
    categories = load_recon("eval")["category"]
    counts = {name: categories.count(name) for name in set(categories)}
    assert len(CATEGORIES) == 15
    assert counts == dict.fromkeys(CATEGORIES, 20)
    # The shipped file lists the categories in blocks of 20; the content rules recover exactly those blocks.
    assert all(len(set(categories[b * 20 : (b + 1) * 20])) == 1 for b in range(15))


def test_every_train_row_gets_a_known_category() -> None:
    assert set(load_recon("train")["category"]) == set(CATEGORIES)


def test_eval_rows_are_parsed_chats_with_typed_answers() -> None:
    dataset = load_recon("eval")
    first = dataset[0]
    assert first["messages"][0]["role"] == "user"
    assert "Question:" in first["messages"][0]["content"]
    assert first["answer"] == "Option 1: Both firms engage in a price war every year"
    assert first["category"] == "repeated_game_sustainable_outcome"
    counts: dict[str, int] = {}
    for answer_type in dataset["answer_type"]:
        counts[answer_type] = counts.get(answer_type, 0) + 1
    assert counts == {"multiple_choice": 220, "ne_list": 40, "yes_no": 20, "ordering": 20}


def test_sft_cot_rows_carry_reasoning_and_a_boxed_answer() -> None:
    row = load_recon("sft_cot")[0]
    assert row["response"].lstrip().startswith("<think>")
    assert "\\boxed{" in row["response"]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Option 2: Collude", "multiple_choice"),
        ("Yes", "yes_no"),
        ("B, A, D, C", "ordering"),
        ("[[0, 1], [1, 0]]", "ne_list"),
        ("[]", "ne_list"),
    ],
)
def test_answer_types(answer: str, expected: str) -> None:
    assert answer_type_of(answer) == expected


def test_unknown_answer_form_is_an_error() -> None:
    with pytest.raises(ReconFormatError, match="none of the known answer forms"):
        answer_type_of("42 dollars")


def test_prompt_cell_is_parsed_as_a_literal_only() -> None:
    with pytest.raises(ReconFormatError, match="row 7: prompt is not a Python literal"):
        parse_chat_prompt("__import__('os').system('echo owned')", 7)
    with pytest.raises(ReconFormatError, match="exactly 'role' and 'content'"):
        parse_chat_prompt("[{'role': 'user'}]", 0)


def test_unknown_split_names_the_field() -> None:
    with pytest.raises(ValueError, match="split: unknown Recon split 'test'"):
        load_recon("test")  # type: ignore[arg-type]
