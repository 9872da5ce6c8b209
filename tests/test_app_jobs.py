"""The job service under the UI and the API: jobs on disk, events followed live, questions and resumes, the bounded
queue, and a restart that finds a job cut off mid-run and continues a MASSE run from its checkpoints."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from reasonsuite.app.jobs import JobNotFoundError, JobResult, JobService, JobStateError, QueueFullError
from reasonsuite.app.masse_runs import MasseRunRequest, MasseRuns
from reasonsuite.data import problem_description


class Ask(BaseModel):
    steps: int = 3


def counting(record, folder: Path, emit, answer) -> JobResult:
    """A job that reports each step, writes a file, and asks a question on its first run."""
    steps = record.request["steps"]
    for step in range(steps):
        emit({"event": "step", "n": step})
    (folder / "out.txt").write_text(f"{steps} steps", encoding="utf-8")
    if answer is None:
        return JobResult(outcome={"steps": steps}, question={"question": "go on?"})
    return JobResult(outcome={"steps": steps, "answer": answer["answer"]})


@pytest.fixture
def jobs(tmp_path):
    service = JobService(tmp_path, max_workers=2, max_queued=2)
    yield service
    service.close()


def test_a_job_runs_records_its_events_and_waits_for_its_answer(jobs, tmp_path) -> None:
    record = jobs.submit("count", Ask(steps=3), counting)
    assert record.status == "queued" and record.request == {"steps": 3}
    waiting = jobs.wait(record.job_id)
    assert waiting.status == "waiting" and waiting.question == {"question": "go on?"} and waiting.event_count == 3
    assert [e["n"] for e in jobs.events(record.job_id)] == [0, 1, 2]
    on_disk = [json.loads(line) for line in (tmp_path / record.job_id / "events.jsonl").read_text().splitlines()]
    assert on_disk == jobs.events(record.job_id) and all("time" in e for e in on_disk)
    assert not list(tmp_path.glob("*/*.partial"))  # job.json is replaced whole

    with pytest.raises(JobStateError, match="waits for an answer: go on"):
        jobs.resume(record.job_id, counting)
    jobs.resume(record.job_id, counting, {"yes": True})
    done = jobs.wait(record.job_id)
    assert done.status == "finished" and done.outcome == {"steps": 3, "answer": {"yes": True}} and done.question is None
    assert [e["n"] for e in jobs.events(record.job_id)] == [0, 1, 2, 0, 1, 2]  # the resume's events follow on
    assert jobs.events(record.job_id, start=4) == jobs.events(record.job_id)[4:]
    with pytest.raises(JobStateError, match="only a waiting or failed job"):
        jobs.resume(record.job_id, counting, {"again": 1})


def test_failures_are_recorded_on_the_job(jobs) -> None:
    def crash(*_: Any) -> JobResult:
        raise RuntimeError("disk on fire")

    crashed = jobs.wait(jobs.submit("count", Ask(), crash).job_id)
    assert crashed.status == "failed" and crashed.error == "RuntimeError: disk on fire"
    reported = jobs.wait(jobs.submit("count", Ask(), lambda *_: JobResult(failure="no verdict")).job_id)
    assert reported.status == "failed" and reported.error == "no verdict"


def test_jobs_are_listed_newest_first_by_kind_and_found_by_id_only(jobs) -> None:
    first = jobs.submit("count", Ask(steps=1), counting)
    second = jobs.submit("other", Ask(steps=1), counting)
    third = jobs.submit("count", Ask(steps=1), counting)
    for record in (first, second, third):
        jobs.wait(record.job_id)
    assert [r.job_id for r in jobs.list_jobs("count")] == [third.job_id, first.job_id]
    assert len(jobs.list_jobs()) == 3 and len(jobs.list_jobs(limit=1)) == 1
    with pytest.raises(JobNotFoundError):
        jobs.get(second.job_id, kind="count")  # an id of another kind is not found under this one
    for bad in ("0" * 32, "../etc", "A" * 32):
        with pytest.raises(JobNotFoundError):
            jobs.get(bad)


def test_a_job_file_is_served_only_from_inside_its_folder(jobs, tmp_path) -> None:
    record = jobs.submit("count", Ask(), counting)
    jobs.wait(record.job_id)
    assert jobs.file(record.job_id, "out.txt").read_text() == "3 steps"
    (tmp_path / "secret.txt").write_text("no")
    for name in ("../secret.txt", str(tmp_path / "secret.txt"), "missing.txt"):
        with pytest.raises(JobStateError, match="has no file"):
            jobs.file(record.job_id, name)


def test_a_follower_sees_every_event_live_then_the_stop(jobs) -> None:
    gate = threading.Event()

    def paced(record, folder, emit, answer) -> JobResult:
        emit({"event": "step", "n": 0})
        gate.wait(10)  # the follower is already waiting here
        emit({"event": "step", "n": 1})
        return JobResult()

    record = jobs.submit("paced", Ask(), paced)
    follower = jobs.follow(record.job_id, poll_s=0.05)
    assert next(follower)["n"] == 0
    assert next(follower) is None  # no news within poll_s: a keep-alive
    gate.set()
    rest = [event for event in follower if event is not None]
    assert [e["n"] for e in rest] == [1]
    assert jobs.get(record.job_id).status == "finished"


def test_a_follower_abandoned_mid_wait_blocks_no_one(jobs) -> None:
    """A closed browser tab leaves its follower suspended; the job must still report and finish (a deadlock seen
    under load: the follower used to yield its keep-alive while holding the service's lock)."""
    gate = threading.Event()

    def paced(record, folder, emit, answer) -> JobResult:
        emit({"event": "step", "n": 0})
        gate.wait(10)
        emit({"event": "step", "n": 1})
        return JobResult()

    record = jobs.submit("paced", Ask(), paced)
    abandoned = jobs.follow(record.job_id, poll_s=0.05)
    seen: list[Any] = []
    # A web server's worker thread advances the follower, then moves on to other requests.
    reader = threading.Thread(target=lambda: seen.extend([next(abandoned), next(abandoned)]))
    reader.start()
    reader.join(10)
    assert seen[0]["n"] == 0 and seen[1] is None  # suspended right after a keep-alive, never resumed
    gate.set()
    assert jobs.wait(record.job_id, timeout_s=10).status == "finished"
    assert [e["n"] for e in jobs.events(record.job_id)] == [0, 1]


def test_a_full_queue_refuses_at_once_and_frees_its_slot(tmp_path) -> None:
    jobs = JobService(tmp_path, max_workers=1, max_queued=0)
    release = threading.Event()

    def hold(*_: Any) -> JobResult:
        release.wait(10)
        return JobResult()

    held = jobs.submit("hold", Ask(), hold)
    with pytest.raises(QueueFullError, match="limit 1"):
        jobs.submit("hold", Ask(), hold)
    assert len(jobs.list_jobs()) == 1  # nothing half-made for the refused job
    release.set()
    jobs.wait(held.job_id)
    assert jobs.wait(jobs.submit("hold", Ask(), hold).job_id).status == "finished"
    jobs.close()


class ProcessKilled(BaseException):
    """The process dying mid-job: not an Exception, so the worker records nothing (as with a real kill)."""


def test_after_a_restart_a_cut_off_masse_run_is_failed_and_resumes_from_its_checkpoints(tmp_path, monkeypatch) -> None:
    from reasonsuite.agents.masse import roles

    real = roles.analyse_frame

    def killed(frame):
        raise ProcessKilled("power cut")

    monkeypatch.setattr(roles, "analyse_frame", killed)
    before = JobService(tmp_path)
    request = MasseRunRequest(problem_text=problem_description("1"), max_redesign_rounds=0)
    run_id = MasseRuns(before).start(request).run_id
    while before.active:
        threading.Event().wait(0.05)
    assert before.get(run_id).status == "running"  # what the dead process left on disk
    cut_at = len(before.events(run_id))
    before.close()
    monkeypatch.setattr(roles, "analyse_frame", real)

    after = JobService(tmp_path)  # the restarted server
    record = after.get(run_id)
    assert record.status == "failed" and "server stopped" in record.error
    runs = MasseRuns(after)
    assert runs.answer(run_id).status == "queued"  # no answer: continue from the checkpoints
    assert after.wait(run_id).status == "finished"
    view = runs.get(run_id)
    assert view.verdict == "INADEQUATE" and view.report_files["markdown"] == "report.md"
    started = [e["node"] for e in after.events(run_id)[cut_at:] if e["event"] == "node_start"]
    assert started[0] == "structural_analysis_agent"  # the roles that had finished were not run again
    after.close()
