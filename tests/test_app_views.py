"""The UI's plain functions: the structural form, the evaluation browser, training curves, the chat and arena views.

The browser test drives the Gradio layout; these pin what the tabs compute, without a browser.
"""

from __future__ import annotations

import json
from pathlib import Path

import gradio as gr
import pytest
from fakes import RespondingLLM

from reasonsuite.agents.arenas import run_tournament
from reasonsuite.agents.econ import answer
from reasonsuite.agents.masse import problem_from_record
from reasonsuite.app.arena_matches import ArenaMatchView
from reasonsuite.app.ui import arena_tab, chat_tab, evals_tab
from reasonsuite.app.ui.problem_file import ProblemFileError, read_problem_file
from reasonsuite.app.ui.structural import StructuralTab
from reasonsuite.app.ui.structural_form import (
    FormError,
    braces_from_rows,
    frame_record,
    frame_widgets,
    locations,
    numbers,
    rack_record,
    rack_widgets,
)
from reasonsuite.data import load_rack_problems
from reasonsuite.data.frame_generator import load_frame_problems
from reasonsuite.evals.masse_eval import run_masse_eval
from reasonsuite.evals.runner import run_eval
from reasonsuite.evals.tasks import load_task
from reasonsuite.llm import SamplingParams
from reasonsuite.posttrain.metrics_log import find_runs, read_metrics
from reasonsuite.posttrain.plot import curve_families, plot_history, series


def test_the_rack_form_writes_the_same_problem_it_was_filled_from() -> None:
    sample = load_rack_problems()["1"]
    widgets = rack_widgets(sample.model_dump(mode="json"))
    record = rack_record(*widgets[:9], widgets[9:12], widgets[12:15])
    assert problem_from_record(record).model_copy(update={"problem_id": "1"}) == sample


def test_the_steel_frame_form_round_trips_and_drops_the_brace_of_a_moment_frame() -> None:
    frame = load_frame_problems()[0].problem
    record = frame_record(*frame_widgets(frame.model_dump(mode="json")))
    assert problem_from_record(record).model_copy(update={"problem_id": frame.problem_id}) == frame
    moment = frame_record("Victoria", 10, 4.5, 6, "moment", "fixed", 1.4, 2.0, "W310x79", "W460x74", "HSS102x102x6.4")
    assert moment["brace"] is None and moment["base_fixity"] == "fixed"
    assert problem_from_record(moment).lateral_system == "moment"


def test_form_values_that_are_not_numbers_name_their_field() -> None:
    assert numbers("4, 8.5; 13", "level_elevations_ft") == [4.0, 8.5, 13.0]
    with pytest.raises(FormError, match="pallet_weights_lb: write numbers"):
        numbers("1250, heavy", "pallet_weights_lb")
    with pytest.raises(FormError, match="braces: row 2 needs four numbers"):
        braces_from_rows([[0, 0.5, 3.5, 0.5], [1, None, 2, 3]])
    assert braces_from_rows([[None, None, None, None]]) == []
    assert "Nanaimo" in locations() and len(locations()) == 110


@pytest.fixture(scope="module")
def eval_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real evaluation run folder: the MASSE benchmark in deterministic mode on one problem of each type."""
    root = tmp_path_factory.mktemp("evals")
    run_masse_eval(root / "masse-deterministic", mode="deterministic", limit=1)
    return root


def test_the_evaluation_browser_finds_compares_and_filters_runs(eval_root: Path) -> None:
    assert evals_tab.find_runs(eval_root) == ["masse-deterministic"]
    assert evals_tab.categories(eval_root, "masse-deterministic") == ["all", "rack", "steel_frame"]
    every = evals_tab.samples(eval_root, "masse-deterministic", "all", "all")
    assert sorted(every["doc_id"]) == ["frame-001", "gen-001"] and every["correct"].all()
    assert evals_tab.samples(eval_root, "masse-deterministic", "all", "incorrect").empty
    racks = evals_tab.samples(eval_root, "masse-deterministic", "rack", "correct")
    assert list(racks["doc_id"]) == ["gen-001"]


def test_a_training_log_becomes_loss_and_reward_curves(tmp_path: Path) -> None:
    """The Training tab's reading and drawing: a plain TRL run (checkpoint state only) and one with metrics.jsonl."""
    run = tmp_path / "grpo-run"
    (run / "checkpoint-2").mkdir(parents=True)
    history = [{"step": 1, "loss": 0.9, "reward": 0.1, "rewards/payoff/mean": 0.2, "learning_rate": 1e-5},
               {"step": 2, "loss": 0.7, "reward": 0.4, "rewards/payoff/mean": 0.5, "learning_rate": 1e-5}]  # fmt: skip
    (run / "checkpoint-2" / "trainer_state.json").write_text(json.dumps({"log_history": history}))
    live = tmp_path / "sft" / "live-run"
    live.mkdir(parents=True)
    (live / "metrics.jsonl").write_text(json.dumps({"step": 1, "loss": 2.5}) + "\n")
    assert find_runs(tmp_path) == ["grpo-run", "sft/live-run"]
    assert series(read_metrics(run), "loss") == ([1, 2], [0.9, 0.7])
    assert curve_families(read_metrics(run)) == {
        "loss": ["loss"], "reward": ["reward", "rewards/payoff/mean"], "learning rate": ["learning_rate"]
    }  # fmt: skip
    assert read_metrics(live) == [{"step": 1, "loss": 2.5}]
    image = plot_history(read_metrics(run), tmp_path / "curves.png")
    assert image.stat().st_size > 10_000
    with pytest.raises(ValueError, match="no loss, reward"):
        plot_history([{"step": 1, "epoch": 0.5}], tmp_path / "empty.png")
    with pytest.raises(FileNotFoundError, match="no metrics.jsonl or trainer_state.json"):
        read_metrics(tmp_path)


def test_the_chat_view_says_which_tool_computed_the_answer() -> None:
    def respond(prompt: str) -> str:
        if prompt.startswith("Which calculator"):
            return json.dumps({"tool": "symbolic_math"})
        if prompt.startswith("Fill the input"):
            return json.dumps({"operation": "solve", "expression": "2*x - 6 = 0", "variable": "x"})
        return "I think \\boxed{Option 2: 6}"

    result = answer("Solve 2*x - 6 = 0 for x.\n\nOptions:\nOption 1: 3\nOption 2: 6", RespondingLLM(respond))
    boxed, how, response, call = chat_tab.describe(result)
    assert boxed == "Option 1: 3" and "**symbolic_math** tool" in how
    assert call["tool"] == "symbolic_math" and call["input"]["expression"] == "2*x - 6 = 0"


def test_the_arena_view_lists_rounds_and_metrics_of_a_real_match() -> None:
    events: list[dict] = []
    result = run_tournament("prisoner_dilemma", ["tit-for-tat", "grim"], trials=1, rounds=3, on_event=events.append)
    rows = arena_tab.round_rows(events)
    assert list(rows["round"]) == [1, 2, 3] and set(rows["moves"]) == {"cooperate / cooperate"}
    assert list(rows["payoffs"]) == ["3, 3"] * 3
    view = ArenaMatchView(run_id="0" * 32, status="finished", created=0, updated=0,
                          request={"game": "prisoner_dilemma", "players": ["tit-for-tat", "grim"]},
                          result=result.model_dump(mode="json"))  # fmt: skip
    metrics = arena_tab.metric_rows(view)
    assert list(metrics["player"]) == ["tit-for-tat", "grim"] and list(metrics["mean payoff"]) == ["3", "3"]
    text, matrix = arena_tab.game_summary("prisoner_dilemma")
    assert "prisoner_dilemma" in text and matrix.iloc[0, 1] == "3, 3"


def test_two_evaluation_runs_are_compared_per_category_with_a_chart(tmp_path: Path) -> None:
    task = load_task("recon-eval")
    for name, reply in (("always-1", "\\boxed{Option 1}"), ("always-2", "\\boxed{Option 2}")):
        run_eval(task, RespondingLLM(lambda _prompt, text=reply: text), tmp_path / name, SamplingParams(), limit=6)
    table, chart = evals_tab.compare(tmp_path, ["always-1", "always-2"])
    assert "| **overall** | 6 |" in table and "McNemar" in table
    assert Path(chart).stat().st_size > 10_000
    assert set(evals_tab.samples(tmp_path, "always-2", "all", "all")["extracted"]) <= {"Option 2", "2"}


def test_an_uploaded_problem_file_is_checked_for_type_size_encoding_and_fields(tmp_path: Path) -> None:
    text = tmp_path / "rack.txt"
    text.write_text("A storage rack in Nanaimo, BC: 2 bays, 3 levels.")
    assert read_problem_file(text).text.startswith("A storage rack") and read_problem_file(text).structure == "text"
    rack = tmp_path / "rack.json"
    rack.write_text(json.dumps(load_rack_problems()["1"].model_dump(mode="json")))
    loaded = read_problem_file(rack)
    assert loaded.structure == "rack" and rack_widgets(loaded.record)[0] == "Nanaimo"
    frame = tmp_path / "frame.JSON"
    frame.write_text(json.dumps(load_frame_problems()[0].problem.model_dump(mode="json")))
    assert read_problem_file(frame).structure == "steel_frame"
    refused = {
        "report.pdf": (b"%PDF-1.7", "is not a .txt, .md, .json file"),
        "big.txt": (b"rack " * 20_000, "100,000 bytes is over the 65,536-byte limit"),
        "latin1.txt": ("Québec".encode("latin-1"), "is not UTF-8 text"),
        "blank.md": (b"  \n", "is empty"),
        "broken.json": (b'{"location": "Nanaimo", ', "is not valid JSON"),
        "list.json": (b"[1, 2]", "expected a JSON object"),
        "masse.json": (b'{"floor_elevations": ["4"], "column_dimensions": 5}', "column_dimensions: expected an object"),
        "bays.json": (json.dumps({**load_rack_problems()["1"].model_dump(mode="json"), "bays": -2}).encode(), "bays"),
    }
    for name, (content, message) in refused.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ProblemFileError, match=message.replace("(", r"\(").replace(".", r"\.")):
            read_problem_file(tmp_path / name)


def test_an_example_or_a_file_fills_the_text_and_the_form_of_its_structure(tmp_path: Path) -> None:
    tab = StructuralTab(None, None)  # type: ignore[arg-type]  # the fills need no run service
    rack_label = next(label for label in tab.examples if label.startswith("MASSE sample rack"))
    frame_label = next(label for label in tab.examples if label.startswith("steel frame"))
    text, *forms = tab.load_example(rack_label)
    assert text == tab.examples[rack_label][0] and forms[0] == "Nanaimo" and forms[15] == gr.skip()
    text, *forms = tab.load_example(frame_label)
    assert forms[0] == gr.skip() and forms[15] == tab.examples[frame_label][1]["location"]
    (tmp_path / "rack.md").write_text("A storage rack in Nanaimo, BC: 2 bays.")
    selected, source, text, *forms = tab.load_file(str(tmp_path / "rack.md"))
    assert (selected.selected, source, text) == ("text", "text", "A storage rack in Nanaimo, BC: 2 bays.")
    assert forms == [gr.skip()] * 26
