"""What the web UI and the HTTP API share: one job service, the job kinds on it, and the server's model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .arena_matches import ArenaMatches
from .econ_questions import EconQuestions
from .eval_jobs import EvalRuns
from .jobs import JobService
from .masse_runs import MasseRuns
from .shared_model import SharedModel


@dataclass
class Services:
    jobs: JobService
    masse: MasseRuns
    evals: EvalRuns
    arena: ArenaMatches
    econ: EconQuestions
    model: SharedModel | None

    @classmethod
    def create(cls, runs_dir: Path, *, model: SharedModel | None = None, workers: int = 2, queue: int = 16) -> Services:
        jobs = JobService(runs_dir, max_workers=workers, max_queued=queue)
        return cls(
            jobs=jobs,
            masse=MasseRuns(jobs, model),
            evals=EvalRuns(jobs, model),
            arena=ArenaMatches(jobs, model),
            econ=EconQuestions(jobs, model),
            model=model,
        )

    def close(self) -> None:
        self.jobs.close()
        if self.model is not None:
            self.model.close()
