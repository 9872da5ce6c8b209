"""Answer extraction and checking: the cases the demo and evals rely on, false positives first."""

from __future__ import annotations

import pytest

from reasonsuite.evals.answers import check_answer, extract_answer, last_boxed, parse_equilibria

GOLD_MC = "Option 2: Both firms collude to set high prices every year"


def test_boxed_with_nested_braces() -> None:
    assert last_boxed(r"so \boxed{\frac{1}{2}} done") == r"\frac{1}{2}"


def test_last_boxed_wins() -> None:
    output = r"first \boxed{Option 1: Both firms engage} then on reflection \boxed{Option 2: Both firms collude}"
    assert check_answer(output, GOLD_MC, "multiple_choice").correct


def test_truncated_last_box_falls_back_to_the_earlier_complete_one() -> None:
    assert last_boxed(r"\boxed{Option 2} and then \boxed{Option 3: the") == "Option 2"


def test_think_block_is_ignored() -> None:
    output = r"<think>maybe \boxed{Option 1}</think> \boxed{Option 2: Both firms collude to set high prices every year}"
    verdict = check_answer(output, GOLD_MC, "multiple_choice")
    assert verdict.correct and verdict.extracted.startswith("Option 2")


def test_answer_only_inside_unclosed_reasoning_is_not_taken() -> None:
    verdict = check_answer(r"<think>I think \boxed{Option 2} is right but", GOLD_MC, "multiple_choice")
    assert not verdict.correct
    assert verdict.reason == "answer only inside unfinished reasoning"


def test_empty_output_is_an_extraction_failure() -> None:
    verdict = check_answer("   ", GOLD_MC, "multiple_choice")
    assert (verdict.extracted, verdict.correct, verdict.reason) == (None, False, "empty output")


def test_answer_line_fallback() -> None:
    assert extract_answer("reasoning...\nFinal answer: Yes\n") == ("Yes", None)


def test_option_number_contradicting_its_text_is_wrong() -> None:
    verdict = check_answer(r"\boxed{Option 2: Both firms engage in a price war}", GOLD_MC, "multiple_choice")
    assert not verdict.correct
    assert "another option" in verdict.reason


def test_wrong_option_number_is_wrong() -> None:
    assert not check_answer(r"\boxed{Option 3}", GOLD_MC, "multiple_choice").correct


def test_option_number_alone_is_accepted() -> None:
    assert check_answer(r"\boxed{Option 2}", GOLD_MC, "multiple_choice").correct


def test_option_text_alone_must_be_the_gold_text() -> None:
    assert check_answer(r"\boxed{Both firms collude to set high prices every year}", GOLD_MC, "multiple_choice").correct
    assert not check_answer(r"\boxed{collude}", GOLD_MC, "multiple_choice").correct


@pytest.mark.parametrize(
    ("output", "correct"), [(r"\boxed{Yes}", True), (r"\boxed{yes.}", True), (r"\boxed{No}", False)]
)
def test_yes_no(output: str, correct: bool) -> None:
    assert check_answer(output, "Yes", "yes_no").correct is correct


def test_ordering_must_match_exactly() -> None:
    assert check_answer(r"\boxed{B, A, D, C}", "B, A, D, C", "ordering").correct
    assert check_answer(r"\boxed{B,A,D,C}", "B, A, D, C", "ordering").correct
    assert not check_answer(r"\boxed{A, B, D, C}", "B, A, D, C", "ordering").correct


def test_equilibria_compare_as_sets() -> None:
    assert check_answer(r"\boxed{[[1, 0], [0, 1]]}", "[[0, 1], [1, 0]]", "ne_list").correct
    assert check_answer(r"\boxed{[(0, 1), (1, 0)]}", "[[0, 1], [1, 0]]", "ne_list").correct
    assert not check_answer(r"\boxed{[[0, 1]]}", "[[0, 1], [1, 0]]", "ne_list").correct
    assert check_answer(r"\boxed{[]}", "[]", "ne_list").correct


def test_equilibria_parser_rejects_code_and_runaway_output() -> None:
    assert parse_equilibria("__import__('os')") is None
    assert parse_equilibria("[" + "[0, 1], " * 5000 + "]") is None
    assert parse_equilibria("[[0.5, 1]]") is None
