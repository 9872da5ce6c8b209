"""`from reasonsuite import …`: the README's few-line structural check and match, through the top-level names."""

from __future__ import annotations

from pathlib import Path

import pytest

import reasonsuite
from reasonsuite.data import problem_description


def test_the_top_level_names_are_the_stage_functions() -> None:
    from reasonsuite.agents.arenas import play_match
    from reasonsuite.agents.masse import run
    from reasonsuite.tools import get_tool

    assert reasonsuite.check_structure is run and reasonsuite.play_match is play_match
    assert reasonsuite.get_tool is get_tool and "check_structure" in dir(reasonsuite)
    with pytest.raises(AttributeError, match="no attribute 'check_structures'"):
        reasonsuite.check_structures  # noqa: B018 - the attribute access is the test


def test_a_structural_check_and_a_match_in_a_few_lines(tmp_path: Path) -> None:
    from reasonsuite import check_structure, get_tool, play_match

    run = check_structure(problem_description("1"), out_dir=tmp_path / "rack")
    assert run.verdict == "ADEQUATE" and run.report.pdf_path.stat().st_size > 10_000
    assert play_match("prisoner_dilemma", ["tit-for-tat", "grim"], rounds=10).totals == [30.0, 30.0]
    dilemma = get_tool("nash_equilibria").run({"row_payoffs": [[3, 0], [5, 1]], "col_payoffs": [[3, 5], [0, 1]]})
    assert [e.pure for e in dilemma.equilibria] == [True]
