"""The evaluation runner's parts that need no model: records, statistics, baselines, tasks, summaries."""

from __future__ import annotations

import json

import pytest

from reasonsuite.data import load_recon
from reasonsuite.evals.answers import check_answer
from reasonsuite.evals.baselines import always_option_1, make_category_majority, make_random_valid
from reasonsuite.evals.records import CorruptRecordsError, append_records, read_records
from reasonsuite.evals.runner import accuracy_table, score_baselines
from reasonsuite.evals.stats import mcnemar_exact, wilson_interval
from reasonsuite.evals.tasks import UnknownTaskError, load_task, task_names


def test_records_survive_a_torn_last_line(tmp_path) -> None:
    path = tmp_path / "samples.jsonl"
    append_records(path, [{"doc_id": "a"}, {"doc_id": "b"}])
    with path.open("ab") as f:
        f.write(b'{"doc_id": "c", "resp')  # a crash in the middle of a write
    assert [r["doc_id"] for r in read_records(path)] == ["a", "b"]
    append_records(path, [{"doc_id": "c"}])
    assert [r["doc_id"] for r in read_records(path)] == ["a", "b", "c"]  # the torn tail was cut, not kept


def test_damage_inside_the_file_is_an_error_not_silently_skipped(tmp_path) -> None:
    path = tmp_path / "samples.jsonl"
    path.write_text('{"doc_id": "a"}\nnot json\n{"doc_id": "b"}\n')
    with pytest.raises(CorruptRecordsError, match="byte 16"):
        read_records(path)


def test_wilson_interval_matches_textbook_values() -> None:
    low, high = wilson_interval(10, 20)
    assert low == pytest.approx(0.2993, abs=1e-4) and high == pytest.approx(0.7007, abs=1e-4)
    assert wilson_interval(0, 20)[0] == 0.0 and wilson_interval(0, 20)[1] == pytest.approx(0.1611, abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    for trials in range(1, 200):  # exact bounds at the ends, no rounding residue past the estimate
        assert wilson_interval(0, trials)[0] == 0.0 and wilson_interval(trials, trials)[1] == 1.0


def test_mcnemar_exact() -> None:
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(10, 0) == pytest.approx(2 / 1024)
    assert mcnemar_exact(5, 5) == 1.0


def test_accuracy_table_per_category() -> None:
    table = accuracy_table([("a", True), ("a", False), ("b", True)])
    assert table["overall"]["correct"] == 2 and table["overall"]["n"] == 3
    assert table["per_category"]["a"]["accuracy"] == 0.5
    assert table["per_category"]["b"]["ci95"][1] == 1.0


def test_always_option_1_scores_46_3_percent_on_recon_eval() -> None:
    items = load_recon("eval")
    correct = sum(check_answer(always_option_1(i), i["answer"], i["answer_type"]).correct for i in items)
    assert correct == 139  # 46.3% of 300, the figure in the Recon paper's discussion of option bias


def test_random_valid_answers_are_well_formed_and_reproducible() -> None:
    items = load_recon("eval")
    first, second = make_random_valid(seed=3), make_random_valid(seed=3)
    for item in items:
        answer = first(item)
        assert answer == second(item)
        verdict = check_answer(answer, item["answer"], item["answer_type"])
        assert verdict.extracted is not None  # always a readable answer of the item's form
    accuracy = sum(check_answer(first(i), i["answer"], i["answer_type"]).correct for i in items) / len(items)
    assert 0.05 < accuracy < 0.5


def test_category_majority_learns_from_the_reference_split() -> None:
    reference = [
        {"category": "c", "answer_type": "yes_no", "answer": "No"},
        {"category": "c", "answer_type": "yes_no", "answer": "No"},
        {"category": "c", "answer_type": "yes_no", "answer": "Yes"},
        {"category": "m", "answer_type": "multiple_choice", "answer": "Option 2: x"},
    ]
    majority = make_category_majority(reference)
    assert majority({"category": "c"}) == "\\boxed{No}"
    assert majority({"category": "m"}) == "\\boxed{Option 2}"
    assert majority({"category": "unseen"}) == ""


def test_baselines_on_recon_eval_cover_every_category() -> None:
    task = load_task("recon-eval")
    scored = score_baselines(task, task.documents())
    assert set(scored) == {"always_option_1", "random_valid", "category_majority"}
    assert scored["always_option_1"]["overall"]["correct"] == 139
    assert len(scored["category_majority"]["per_category"]) == 15


def test_task_registry() -> None:
    assert {"recon-eval", "recon-train"} <= set(task_names())
    task = load_task("recon-eval")
    assert (task.dataset, task.split, len(task.documents())) == ("recon", "eval", 300)
    with pytest.raises(UnknownTaskError, match="task: unknown task 'nope'; known tasks: .*recon-eval"):
        load_task("nope")


def test_results_json_is_plain_json(tmp_path) -> None:
    task = load_task("recon-eval")
    json.dumps(score_baselines(task, task.documents().select(range(5))))


def test_spread_selection_covers_the_categories() -> None:
    from reasonsuite.evals.runner import select_items

    task = load_task("recon-eval")
    spread = select_items(task, 15, spread=True)
    assert len(set(spread["category"])) == 15
    assert select_items(task, 3)["id"][:] == ["recon-eval-0", "recon-eval-1", "recon-eval-2"]


def test_items_can_be_chosen_by_category_and_an_unknown_one_is_named() -> None:
    from reasonsuite.evals.runner import select_items
    from reasonsuite.evals.tasks import load_task

    task = load_task("recon-eval")
    chosen = select_items(task, None, categories=["pure_nash_equilibrium", "condorcet_voting"])
    assert len(chosen) == 40 and set(chosen["category"]) == {"pure_nash_equilibrium", "condorcet_voting"}
    assert len(select_items(task, 5, categories=["condorcet_voting"])) == 5
    with pytest.raises(ValueError, match="categories: telepathy not in recon-eval"):
        select_items(task, None, categories=["telepathy"])
