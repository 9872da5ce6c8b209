"""The shipped Recon files are the documented ones, and the loader parses every row."""

from __future__ import annotations

import hashlib
import re

import pytest

from reasonsuite.data import answer_type_of, load_recon
from reasonsuite.data.recon import RECON_DIR, ReconFormatError, parse_chat_prompt


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
def test_split_sizes(split: str, rows: int) -> None:
    assert len(load_recon(split)) == rows


def test_eval_rows_are_parsed_chats_with_typed_answers() -> None:
    dataset = load_recon("eval")
    first = dataset[0]
    assert first["messages"][0]["role"] == "user"
    assert "Question:" in first["messages"][0]["content"]
    assert first["answer"] == "Option 1: Both firms engage in a price war every year"
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
