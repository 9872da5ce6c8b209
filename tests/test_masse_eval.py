"""The MASSE benchmark: stage scores against the generated problems' tool-computed answers, resumable records."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time

from typer.testing import CliRunner

from reasonsuite.agents.masse.configuration import MasseConfig
from reasonsuite.agents.masse.runner import run
from reasonsuite.cli import app
from reasonsuite.data.frame_generator import load_frame_problems
from reasonsuite.data.masse_generator import load_generated_problems
from reasonsuite.evals.masse_eval import STAGES, run_masse_eval, score
from reasonsuite.evals.records import read_records

PROBLEMS = load_generated_problems()
FRAMES = load_frame_problems()


def test_deterministic_mode_is_right_at_every_stage_for_both_structures_and_resumes(tmp_path) -> None:
    results = run_masse_eval(tmp_path, mode="deterministic", limit=3)
    assert results["completed"] == 6 and results["failures"] == []  # the first 3 racks and the first 3 frames
    assert all(results["stages"][stage]["accuracy"] == 1.0 for stage in STAGES)
    assert set(results["stages_by_structure"]) == {"rack", "steel_frame"}
    assert results["seconds_per_problem"]["max"] > 0
    # A second call with a larger limit only runs the new problems.
    results = run_masse_eval(tmp_path, mode="deterministic", limit=4)
    ids = [record["doc_id"] for record in read_records(tmp_path / "samples.jsonl")]
    assert ids[6:] == [PROBLEMS[3].id, FRAMES[3].id] and results["completed"] == 8


def test_scores_point_at_the_stage_that_went_wrong() -> None:
    generated = PROBLEMS[0]
    wrong_site = generated.problem.model_copy(update={"location": "Victoria"})
    state = run(wrong_site, config=MasseConfig(max_redesign_rounds=0)).state
    scores = score(generated, state)
    assert not scores["extraction"] and not scores["seismic"] and not scores["base_shear"]
    failed = {"problem_text": generated.description, "failure": "project_manager: the text does not state bays"}
    assert score(generated, failed) == dict.fromkeys(STAGES, False)
    frame = FRAMES[0]
    heavier_snow = frame.problem.model_copy(update={"roof_snow_kPa": frame.problem.roof_snow_kPa + 1})
    scores = score(frame, run(heavier_snow, config=MasseConfig(max_redesign_rounds=0)).state)
    assert not scores["extraction"] and scores["seismic"] and not scores["base_shear"] and not scores["member_forces"]


def test_the_eval_command_runs_the_masse_task(tmp_path) -> None:
    result = CliRunner().invoke(app, ["eval", "run", "--task", "masse", "--limit", "2", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "verdict" in result.stdout and "100.0%" in result.stdout
    bad = CliRunner().invoke(app, ["eval", "run", "--task", "masse", "--mode", "oracle", "--out", str(tmp_path)])
    assert bad.exit_code == 2 and "--mode" in bad.stderr


def test_a_batch_killed_at_a_random_point_resumes_with_every_problem_once(tmp_path) -> None:
    """SIGKILL `eval run --task masse` once a random number of records is on disk; the rerun completes the batch."""
    out = tmp_path / "run"
    command = [sys.executable, "-m", "reasonsuite", "eval", "run", "--task", "masse", "--limit", "10",
               "--chunk-size", "2", "--out", str(out)]  # fmt: skip
    kill_after = random.randint(1, 14)  # of 20 problems (10 racks, 10 frames)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = out / "samples.jsonl"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if samples.exists() and samples.read_bytes().count(b"\n") >= kill_after:
            break
        time.sleep(0.02)
    assert process.poll() is None, f"the batch finished before {kill_after} records were written"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert resumed.returncode == 0, resumed.stderr
    ids = [json.loads(line)["doc_id"] for line in samples.read_text().splitlines()]
    assert sorted(ids) == sorted({p.id for p in PROBLEMS[:10]} | {f.id for f in FRAMES[:10]}), f"killed at {kill_after}"
    results = json.loads((out / "results.json").read_text())
    assert results["completed"] == 20 and results["stages"]["verdict"]["accuracy"] == 1.0
