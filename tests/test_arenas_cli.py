"""`reasonsuite arena`: listing games and a scripted run writing samples.jsonl and results.json."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from reasonsuite.cli import app

runner = CliRunner()


def test_arena_run_with_scripted_players_writes_the_run_folder(tmp_path):
    out = tmp_path / "pd"
    result = runner.invoke(app, ["arena", "run", "--game", "prisoner_dilemma", "--players", "tit-for-tat,grim",
                                 "--rounds", "10", "--trials", "3", "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]
    assert [r["doc_id"] for r in records] == ["prisoner_dilemma-0", "prisoner_dilemma-1", "prisoner_dilemma-2"]
    assert all(r["totals"] == [30, 30] for r in records)
    results = json.loads((out / "results.json").read_text())
    assert results["task"] == "arena" and results["players"] == ["tit-for-tat", "grim"]
    assert results["config"]["rounds"] == 10 and results["trials"] == 3
    alice = results["metrics"][0]
    assert alice["cooperation_rate"]["mean"] == 1 and alice["equilibrium_rate"]["mean"] == 0
    assert "NE rate" in result.output
    again = runner.invoke(app, ["arena", "run", "--game", "prisoner_dilemma", "--players", "grim,grim",
                                "--out", str(out)])  # fmt: skip
    assert again.exit_code == 2 and "already holds a run" in again.output


def test_arena_games_lists_the_recon_suite_with_equilibria():
    result = runner.invoke(app, ["arena", "games", "--tag", "recon"])
    assert result.exit_code == 0, result.output
    assert "trigame" in result.output and "2-1-2" in result.output and "rock_paper" not in result.output


def test_bad_input_exits_2_with_a_message(tmp_path):
    unknown = runner.invoke(app, ["arena", "run", "--game", "prisoners_dilemma", "--players", "grim,grim",
                                  "--out", str(tmp_path / "x")])  # fmt: skip
    assert unknown.exit_code == 2 and "did you mean prisoner_dilemma" in unknown.output
    bad_player = runner.invoke(app, ["arena", "run", "--game", "stag_hunt", "--players", "grim,genius",
                                     "--out", str(tmp_path / "y")])  # fmt: skip
    assert bad_player.exit_code == 2 and "unknown player 'genius'" in bad_player.output
    bad_file = tmp_path / "bad.yaml"
    bad_file.write_text("games:\n  g:\n    payoffs: [[[1, 2, 3]]]\n")
    broken = runner.invoke(app, ["arena", "games", "--file", str(bad_file)])
    assert broken.exit_code == 2 and "games.g.payoffs[0][0]: expected 2 numbers" in broken.output


def test_an_error_quoting_brackets_is_printed_whole(tmp_path) -> None:
    from typer.testing import CliRunner

    from reasonsuite.cli import app

    bad = tmp_path / "bad.yaml"
    bad.write_text("games:\n  bad:\n    kind: matrix\n    actions: [[a, b], [c, d]]\n"
                   "    payoffs: [[[1, 2], [3]], [[1, 1], [2, 2]]]\n")  # fmt: skip
    result = CliRunner().invoke(app, ["arena", "games", "--file", str(bad)])
    assert result.exit_code == 2
    assert "payoffs[0][1]: expected 2 numbers [row payoff, column payoff], got 1" in result.output
