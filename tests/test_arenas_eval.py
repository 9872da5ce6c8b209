"""`reasonsuite eval run --task arenas`: the paper's protocol writing samples.jsonl, results.json and a heatmap."""

from __future__ import annotations

import json

import pytest
from fakes import RespondingLLM
from typer.testing import CliRunner

from reasonsuite.cli import app
from reasonsuite.evals.arena_eval import RECON_GAMES, recon_games, run_arena_eval
from reasonsuite.evals.compare import load_run
from reasonsuite.evals.records import read_records
from reasonsuite.evals.runner import RunMismatchError
from reasonsuite.llm import SamplingParams

runner = CliRunner()


def test_the_protocol_games_are_the_recon_tagged_ten():
    assert recon_games() == list(RECON_GAMES) and len(RECON_GAMES) == 10


def test_scripted_players_write_records_results_and_a_heatmap(tmp_path):
    out = tmp_path / "run"
    games = ["prisoner_dilemma", "trigame"]
    results = run_arena_eval(out, players=["equilibrium", "always:1"], games=games, trials=3)
    records = read_records(out / "samples.jsonl")
    assert [r["doc_id"] for r in records] == [f"{g}/{p}/{t}" for g in games for p in ("equilibrium", "always:1")
                                              for t in range(3)]  # fmt: skip
    assert all(r["category"] == r["game"] and r["match"]["players"] == [r["player"]] * 2 for r in records)
    assert all(r["correct"] for r in records if r["player"] == "equilibrium")
    # always:1 is (cooperate, cooperate) in the prisoner's dilemma (not an equilibrium), path 1-1-1 in trigame.
    assert not any(r["correct"] for r in records if r["player"] == "always:1")
    table = results["table"]
    assert table["prisoner_dilemma"]["equilibrium"]["equilibrium_rate"]["mean"] == 1
    assert table["prisoner_dilemma"]["always:1"]["equilibrium_rate"]["mean"] == 0
    assert table["prisoner_dilemma"]["always:1"]["mean_payoff"]["mean"] == 3  # both cooperate: 3 each
    assert table["trigame"]["equilibrium"]["forfeit_rate"]["mean"] == 0
    assert results["overall"]["equilibrium"]["equilibrium_rate"]["n"] == 6
    assert results["overall"]["equilibrium"]["equilibrium_rate"]["ci95"][0] > 0.5  # Wilson, 6 of 6
    assert results["completed"] == results["items"] == 12 and results["protocol"]["trials"] == 3
    saved = json.loads((out / "results.json").read_text())
    assert saved["table"] == table and saved["task"] == "arenas"
    assert (out / "heatmap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert load_run(out).correct["prisoner_dilemma/equilibrium/0"] is True  # eval compare reads arena runs


def test_a_rerun_resumes_and_a_different_line_up_is_refused(tmp_path):
    out = tmp_path / "run"
    run_arena_eval(out, players=["random"], games=["stag_hunt"], trials=2)
    first = (out / "samples.jsonl").read_text()
    run_arena_eval(out, players=["random"], games=["stag_hunt"], trials=2)
    assert (out / "samples.jsonl").read_text() == first  # nothing replayed, nothing duplicated
    with pytest.raises(RunMismatchError, match="another players"):
        run_arena_eval(out, players=["equilibrium"], games=["stag_hunt"], trials=2)


def test_llm_self_play_is_one_batch_per_decision_point_and_forfeits_are_counted(tmp_path):
    calls = []

    class Counting(RespondingLLM):
        def _generate_raw(self, conversations, params, json_schema):
            calls.append((len(conversations), params.temperature))
            return super()._generate_raw(conversations, params, json_schema)

    def respond(prompt: str) -> str:
        if "Bob" in prompt.split("\n")[0]:  # Bob answers nonsense: retried, then a forfeit
            return "I refuse to play"
        return json.dumps({"reasoning": "dominant", "action": "defect"})

    llm = Counting(respond, structured_retries=1)
    out = tmp_path / "run"
    results = run_arena_eval(out, llm=llm, params=SamplingParams(temperature=0.6, max_new_tokens=64),
                             games=["prisoner_dilemma"], trials=4)  # fmt: skip
    assert calls[0] == (8, 0.6)  # 4 matches x 2 seats in one generation, at the paper's temperature
    cell = results["table"]["prisoner_dilemma"]["llm"]
    assert cell["forfeit_rate"]["mean"] == 0.5 and cell["equilibrium_rate"]["mean"] == 0
    record = read_records(out / "samples.jsonl")[0]
    bob = record["match"]["rounds"][0]["moves"][1]
    assert bob["forfeit"] and bob["raw"] == ["I refuse to play"] * 2
    assert results["model"] == "responding" and results["params"]["temperature"] == 0.6


def test_eval_run_task_arenas_from_the_cli(tmp_path):
    out = tmp_path / "cli"
    result = runner.invoke(app, ["eval", "run", "--task", "arenas", "--players", "random,equilibrium",
                                 "--category", "stag_hunt", "--category", "draco", "--trials", "2",
                                 "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "equilibrium NE rate" in result.output and "draco" in result.output
    assert {r["game"] for r in read_records(out / "samples.jsonl")} == {"stag_hunt", "draco"}
    assert (out / "heatmap.png").is_file() and (out / "results.json").is_file()
    bad = runner.invoke(app, ["eval", "run", "--task", "arenas", "--players", "random", "--category", "chess",
                              "--out", str(tmp_path / "bad")])  # fmt: skip
    assert bad.exit_code == 2 and "--category: unknown games ['chess']" in bad.output
    refused = runner.invoke(app, ["eval", "run", "--task", "arenas", "--players", "tit-for-tat", "--category",
                                  "battle_of_sexes", "--out", str(tmp_path / "tft")])  # fmt: skip
    assert refused.exit_code == 2 and "--players: tit-for-tat needs" in refused.output
