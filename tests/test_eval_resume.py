"""`reasonsuite eval run` end to end on the embedded model: killed with SIGKILL mid-run, resumed, every item once."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

# transformers, in-process: slow enough per chunk that the run can be killed part-way at a known point.
ARGS = ["eval", "run", "--task", "recon-eval", "--limit", "6", "--max-new-tokens", "8", "--chunk-size", "2"]
ARGS += ["--backend", "hf"]


def _cli(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "reasonsuite", *ARGS, "--out", str(out), *extra]


def _ids(out: Path) -> list[str]:
    lines = (out / "samples.jsonl").read_text().splitlines()
    return [json.loads(line)["doc_id"] for line in lines]


def test_sigkilled_run_resumes_with_every_sample_exactly_once(tmp_path) -> None:
    out = tmp_path / "run"
    process = subprocess.Popen(_cli(out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        samples = out / "samples.jsonl"
        if samples.exists() and samples.read_text().count("\n") >= 2:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    done_before = len(_ids(out))
    assert 2 <= done_before < 6
    assert not (out / "results.json").exists()

    resumed = subprocess.run(_cli(out), capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    ids = _ids(out)
    assert sorted(ids) == [f"recon-eval-{i}" for i in range(6)]
    assert len(ids) == len(set(ids)) == 6
    results = json.loads((out / "results.json").read_text())
    assert (results["items"], results["completed"]) == (6, 6)
    assert results["accuracy"]["overall"]["n"] == 6
    assert set(results["baselines"]) == {"always_option_1", "random_valid", "category_majority"}
    assert results["model"] == "hf:SmolLM2-135M-Instruct"
    assert results["versions"]["transformers"] and "git_commit" in results
    record = json.loads((out / "samples.jsonl").read_text().splitlines()[0])
    for field in ("prompt", "target", "response", "extracted", "correct", "category", "completion_tokens", "seconds"):
        assert field in record

    finished = subprocess.run(_cli(out), capture_output=True, text=True, timeout=600)  # nothing left to do
    assert finished.returncode == 0 and len(_ids(out)) == 6

    before = (out / "samples.jsonl").read_text()
    rescored = subprocess.run(
        [sys.executable, "-m", "reasonsuite", "eval", "rescore", str(out)], capture_output=True, text=True, timeout=300
    )
    assert rescored.returncode == 0, rescored.stderr
    assert (out / "samples.jsonl").read_text() == before  # same checker, same verdicts, same records
    assert json.loads((out / "results.json").read_text())["completed"] == 6

    changed = subprocess.run(_cli(out, "--temperature", "0.5"), capture_output=True, text=True, timeout=600)
    assert changed.returncode == 2
    assert "holds a run with another params" in changed.stderr


def test_shuffled_option_orders_are_asked_and_summarised(tmp_path) -> None:
    out = tmp_path / "shuffled"
    command = [
        sys.executable,
        "-m",
        "reasonsuite",
        "eval",
        "run",
        "--limit",
        "2",
        "--max-new-tokens",
        "8",
        "--shuffle-options",
        "1",
        "--out",
        str(out),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert sorted(_ids(out)) == ["recon-eval-0", "recon-eval-0#perm1", "recon-eval-1", "recon-eval-1#perm1"]
    results = json.loads((out / "results.json").read_text())
    assert results["completed"] == 2  # the accuracy table counts each question once
    assert results["position_bias"]["items"] == 2 and results["position_bias"]["answers"] == 4
    assert "option order" in result.stdout
