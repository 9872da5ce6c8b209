"""Arena matches as background jobs: a game, a line-up, some trials; moves stream as events, metrics at the end.

A human seat is fed from the UI or the API: the match announces each move it waits for (`awaiting_move` events with
the legal actions) and blocks until `move(run_id, action)` supplies one, or until `human_timeout_s` passes, which
stops the match with a clear error (an unanswered move is never replaced by a default).
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from reasonsuite.agents.arenas import GameError, get_game, make_player, run_tournament
from reasonsuite.atomic_files import write_text_atomically

from .jobs import Emit, FieldError, JobRecord, JobResult, JobService, JobStateError, JobStatus
from .shared_model import SharedModel

KIND = "arena"


class ArenaMatchRequest(BaseModel):
    """Which game, who plays which seat, and how many rounds and trials."""

    model_config = ConfigDict(extra="forbid")

    game: str = Field(description="a game name of `reasonsuite arena games`")
    players: list[str] = Field(min_length=1, max_length=16, description="one player spec per seat: llm, tit-for-tat, "
                               "grim, random, best-response, equilibrium, always:ACTION, human")  # fmt: skip
    rounds: int | None = Field(None, ge=1, le=200, description="repeated play: rounds per match (default: the game's)")
    trials: int = Field(1, ge=1, le=200, description="matches of the same line-up (seeds seed, seed+1, …)")
    discount: float | None = Field(None, gt=0, le=1, description="weight of round t's payoff: discount**t")
    seed: int = Field(0, ge=0)

    @field_validator("game")
    @classmethod
    def _known_game(cls, name: str) -> str:
        try:
            get_game(name)
        except GameError as err:
            raise ValueError(err.problem) from None
        return name

    @model_validator(mode="after")
    def _line_up(self) -> ArenaMatchRequest:
        game = get_game(self.game)
        if len(self.players) != len(game.players):
            raise ValueError(f"players: {self.game} has {len(game.players)} seats, got {len(self.players)} players")
        if "human" in self.players and self.trials != 1:
            raise ValueError("trials: a match with a human seat is played once (trials 1)")
        for spec in self.players:
            if spec.startswith("llm:"):
                raise ValueError(f"players: {spec!r}: the server plays 'llm' with its own model; no other backend")
            if spec not in ("llm", "human"):
                try:
                    make_player(spec)
                except GameError as err:
                    raise ValueError(str(err)) from None
        return self

    @property
    def needs_model(self) -> bool:
        return "llm" in self.players


class ArenaMatchView(BaseModel):
    """A match job as clients see it."""

    run_id: str
    status: JobStatus
    created: float
    updated: float
    request: ArenaMatchRequest
    awaiting: dict[str, Any] | None = Field(None, description="the human move the match waits for (its legal actions)")
    result: dict[str, Any] | None = Field(None, description="the tournament result once finished: matches, metrics")
    error: str = ""


def _check_move(view: dict[str, Any], action: str) -> None:
    """A move must be one of the legal actions, or in a continuous game a number in the legal interval."""
    legal = view.get("legal_actions") or []
    interval = view.get("action_range")
    if legal:
        if action not in legal:
            raise FieldError("action", f"{action!r} is not legal here; legal: {', '.join(legal)}")
        return
    low, high = interval
    try:
        amount = float(action)
    except ValueError:
        raise FieldError("action", f"{action!r} is not a number; play a number from {low:g} to {high:g}") from None
    if not low <= amount <= high:
        raise FieldError("action", f"{amount:g} is outside the legal range {low:g} to {high:g}")


class ArenaMatches:
    """The arena jobs of a server, and the move queues of their human seats."""

    def __init__(self, jobs: JobService, model: SharedModel | None = None, human_timeout_s: float = 900.0) -> None:
        self.jobs = jobs
        self.model = model
        self.human_timeout_s = human_timeout_s
        self._moves: dict[str, queue.Queue[str]] = {}
        self._awaiting: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def start(self, request: ArenaMatchRequest) -> ArenaMatchView:
        if request.needs_model and self.model is None:
            raise JobStateError("an 'llm' player needs a model and this server was started without one")
        return self._view(self.jobs.submit(KIND, request, self._work))

    def move(self, run_id: str, action: str) -> ArenaMatchView:
        """A human seat's move: must be one of the legal actions the match announced."""
        self.jobs.get(run_id, KIND)
        with self._lock:
            awaiting = self._awaiting.get(run_id)
            if awaiting is None:
                raise JobStateError(f"match {run_id} is not waiting for a human move")
            _check_move(awaiting["view"], action)
            del self._awaiting[run_id]
            self._moves[run_id].put(action)
        return self.get(run_id)

    def get(self, run_id: str) -> ArenaMatchView:
        return self._view(self.jobs.get(run_id, KIND))

    def list(self, limit: int = 50) -> list[ArenaMatchView]:
        return [self._view(record) for record in self.jobs.list_jobs(KIND, limit)]

    def _view(self, record: JobRecord) -> ArenaMatchView:
        with self._lock:
            awaiting = self._awaiting.get(record.job_id)
        return ArenaMatchView(run_id=record.job_id, status=record.status, created=record.created,
                              updated=record.updated, request=ArenaMatchRequest.model_validate(record.request),
                              awaiting=awaiting, result=record.outcome.get("result"), error=record.error)  # fmt: skip

    def _work(self, record: JobRecord, folder: Path, emit: Emit, _: dict[str, Any] | None) -> JobResult:
        request = ArenaMatchRequest.model_validate(record.request)
        run_id = record.job_id
        moves: queue.Queue[str] = queue.Queue()
        with self._lock:
            self._moves[run_id] = moves

        def on_event(event: dict[str, Any]) -> None:
            if event.get("event") == "awaiting_move":
                with self._lock:
                    self._awaiting[run_id] = event
            emit(event)

        def human_move(view: Any) -> str:
            try:
                return moves.get(timeout=self.human_timeout_s)
            except queue.Empty:
                raise TimeoutError(f"no human move within {self.human_timeout_s:.0f} s") from None

        try:
            if request.needs_model:
                assert self.model is not None  # start() refuses llm players without a model
                with self.model.use() as llm:
                    result = self._play(request, llm, human_move, on_event)
            else:
                result = self._play(request, None, human_move, on_event)
        finally:
            with self._lock:
                self._moves.pop(run_id, None)
                self._awaiting.pop(run_id, None)
        write_text_atomically(folder / "result.json", result.model_dump_json(indent=1))
        return JobResult(outcome={"result": result.model_dump(mode="json")})

    @staticmethod
    def _play(request: ArenaMatchRequest, llm: Any, human: Any, on_event: Emit) -> Any:
        return run_tournament(request.game, request.players, trials=request.trials, rounds=request.rounds,
                              discount=request.discount, seed=request.seed, llm=llm, human=human,
                              on_event=on_event)  # fmt: skip
