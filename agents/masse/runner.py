"""Running MASSE: one call from a problem (text, JSON or a problem model) to the final state and the report.

Every step is checkpointed in SQLite under a thread id, so a run that crashed or stopped at a question (a value
the text lacks, an approval) goes on with `resume(thread_id, answer)`. Progress streams to `on_event` as it happens:
node starts and ends, and every tool call, model call and decision the roles record.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_type_hints

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.types import Command
from pydantic import BaseModel

from reasonsuite.llm import BaseLLM

from .configuration import MasseConfig, MasseContext
from .graph import build_graph
from .state import MasseState
from .structures import Problem, problem_from_record


def _models_in(hint: Any) -> set[type[BaseModel]]:
    """The pydantic classes a type hint names, through list[...], X | None and Annotated[...]."""
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return {hint}
    return {model for argument in get_args(hint) for model in _models_in(argument)}


# The types a checkpoint may hold: LangGraph's serializer rebuilds only the classes it is told about, and those are
# exactly the models the state declares.
CHECKPOINTED_TYPES = sorted(
    (model.__module__, model.__name__)
    for model in {m for hint in get_type_hints(MasseState, include_extras=True).values() for m in _models_in(hint)}
)

EventHandler = Callable[[dict[str, Any]], None]


@dataclass
class MasseRun:
    """Where a run stands: its thread id, its state, the question it waits on (if any) and its report files."""

    thread_id: str
    state: MasseState
    question: dict[str, Any] | None = None
    report: Any = None

    @property
    def finished(self) -> bool:
        return self.question is None

    @property
    def verdict(self) -> str | None:
        return self.state.get("verdict")


def problem_input(problem: str | Path | Problem | dict[str, Any], problem_id: str = "") -> MasseState:
    """The graph's input for a problem given as text, a .txt/.json file, a problem model or a dict (any layout)."""
    graph_input = _problem_input(problem)
    if problem_id:
        graph_input["problem_id"] = problem_id
        if "problem" in graph_input:
            graph_input["problem"] = graph_input["problem"].model_copy(update={"problem_id": problem_id})
    return graph_input


def _problem_input(problem: str | Path | Problem | dict[str, Any]) -> MasseState:
    if isinstance(problem, Problem):
        return {"problem": problem}
    if isinstance(problem, dict):
        record = problem
    elif isinstance(problem, Path):
        if not problem.is_file():
            raise FileNotFoundError(f"no problem file {problem}")
        if problem.suffix.lower() != ".json":
            return {"problem_text": problem.read_text(encoding="utf-8")}
        record = json.loads(problem.read_text(encoding="utf-8"))
        if not isinstance(record, dict):
            raise ValueError(f"{problem}: expected a JSON object (a rack or steel-frame problem, or a MASSE record)")
    else:
        return {"problem_text": problem}
    if "generated_description" in record and "floor_elevations" not in record:
        return {"problem_text": record["generated_description"]}
    return {"problem": problem_from_record(record)}


@contextmanager
def _checkpointer(db: Path | None) -> Iterator[Any]:
    serde = JsonPlusSerializer(allowed_msgpack_modules=CHECKPOINTED_TYPES)
    if db is None:
        yield InMemorySaver(serde=serde)
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(db, check_same_thread=False)
    try:
        yield SqliteSaver(connection, serde=serde)
    finally:
        connection.close()


def _drive(
    graph_input: Any,
    *,
    thread_id: str,
    config: MasseConfig,
    llm: BaseLLM | None,
    checkpoint_db: Path | None,
    out_dir: Path | None,
    on_event: EventHandler | None,
) -> MasseRun:
    context = MasseContext(config=config, llm=llm)
    run_config = {"configurable": {"thread_id": thread_id}, "recursion_limit": 100}
    with _checkpointer(checkpoint_db) as saver:
        graph = build_graph(saver)
        for mode, payload in graph.stream(graph_input, run_config, context=context, stream_mode=["tasks", "custom"]):
            if on_event is None:
                continue
            if mode == "custom":
                on_event({"event": "trace", **payload})
            elif "result" in payload:
                on_event({"event": "node_end", "node": payload["name"], "error": payload.get("error")})
            else:
                on_event({"event": "node_start", "node": payload["name"]})
        snapshot = graph.get_state(run_config)
    state: MasseState = dict(snapshot.values)  # type: ignore[assignment]
    question = snapshot.interrupts[0].value if snapshot.interrupts else None
    run = MasseRun(thread_id=thread_id, state=state, question=question)
    if question is None and out_dir is not None:
        from .report import render_report

        run.report = render_report(state, out_dir)
    return run


def run(
    problem: str | Path | Problem | dict[str, Any],
    *,
    config: MasseConfig | None = None,
    llm: BaseLLM | None = None,
    out_dir: Path | str | None = None,
    checkpoint_db: Path | None = None,
    thread_id: str | None = None,
    problem_id: str = "",
    on_event: EventHandler | None = None,
) -> MasseRun:
    """Check a rack or steel-frame problem end to end; with `out_dir`, write the report (and checkpoints) there."""
    config = config or MasseConfig()
    out_dir = None if out_dir is None else Path(out_dir)
    if checkpoint_db is None and out_dir is not None:
        checkpoint_db = out_dir / "checkpoints.sqlite"
    return _drive(
        problem_input(problem, problem_id),
        thread_id=thread_id or uuid.uuid4().hex,
        config=config, llm=llm, checkpoint_db=checkpoint_db, out_dir=out_dir, on_event=on_event,
    )  # fmt: skip


def resume(
    thread_id: str,
    answer: Any = None,
    *,
    checkpoint_db: Path,
    config: MasseConfig | None = None,
    llm: BaseLLM | None = None,
    out_dir: Path | None = None,
    on_event: EventHandler | None = None,
) -> MasseRun:
    """Go on with a checkpointed run: answer its pending question, or (answer None) continue after a crash."""
    graph_input = Command(resume=answer) if answer is not None else None
    return _drive(
        graph_input,
        thread_id=thread_id,
        config=config or MasseConfig(), llm=llm, checkpoint_db=checkpoint_db, out_dir=out_dir, on_event=on_event,
    )  # fmt: skip
