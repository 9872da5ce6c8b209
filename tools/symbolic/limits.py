"""Run sympy work under a wall-clock limit, in worker processes that are killed and replaced when they overrun.

sympy's simplify, solve and integrate can run for ever, and a thread cannot be stopped from outside, so the work
runs in a separate Python process. Starting one per call would cost the sympy import (about a second), so each
worker stays alive between calls: a small pool of them (``POOL_SIZE``) serves the calling threads, a call takes an
idle worker, and a worker that overruns its limit is killed, reaped (no zombie) and replaced on a later call.

The worker is started with ``subprocess`` (not multiprocessing: no fork of a threaded parent, no re-import of the
caller's ``__main__``) and the two sides exchange one line of JSON per message, so neither side ever unpickles
anything. The worker receives the tool's validated input as JSON and re-parses every expression itself with the
restricted parser; it answers with plain strings and numbers. Its address space is capped (``MEMORY_LIMIT_BYTES``),
it ignores Ctrl-C (the caller owns it) and it exits when its parent goes away.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import queue
import subprocess
import sys
import threading
from typing import Annotated, Any

from pydantic import Field

from ..registry import ToolInputError

__all__ = ["DEFAULT_TIMEOUT_S", "MAX_TIMEOUT_S", "TimeoutSeconds", "run_limited"]

DEFAULT_TIMEOUT_S = 5.0
MAX_TIMEOUT_S = 30.0
TimeoutSeconds = Annotated[
    float,
    Field(
        gt=0,
        le=MAX_TIMEOUT_S,
        description=f"wall-clock limit of the calculation, s (default {DEFAULT_TIMEOUT_S:g}, max {MAX_TIMEOUT_S:g})",
    ),
]
"""The `timeout_s` input field of every tool that runs sympy through this module."""
POOL_SIZE = 2
"""Workers at most: calls from more threads than this wait for a free one."""
STARTUP_TIMEOUT_S = 120.0
"""Time a new worker may take to import sympy (slow shared machines); not counted in a call's limit."""
MEMORY_LIMIT_BYTES = 2 * 1024**3
"""Address-space cap of a worker: a runaway expansion fails instead of exhausting the machine's memory."""

TASKS = ("symbolic_math", "expected_utility")
"""Modules of this package whose ``compute(payload: dict) -> dict`` a worker runs (the only code it will run)."""

_BOOTSTRAP = "import json, sys; sys.path[:] = json.loads(sys.stdin.readline()); from {module} import serve; serve()"


class _Overran(Exception):
    """The worker did not answer within the call's limit."""


class _Died(Exception):
    """The worker's process ended (or could not be written to) before it answered."""


class _Worker:
    """One worker process and the thread that reads its answers."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _BOOTSTRAP.format(module=__name__)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,  # a Ctrl-C at the terminal is the caller's to handle, not the worker's
        )
        self.answers: queue.Queue[bytes | None] = queue.Queue()
        threading.Thread(target=self._read, name=f"sympy-worker-{self.process.pid}", daemon=True).start()
        try:
            self._send(sys.path)
            ready = self._receive(STARTUP_TIMEOUT_S)
        except (_Overran, _Died) as err:
            self.kill()
            raise RuntimeError(f"the sympy worker process did not start ({type(err).__name__})") from None
        if ready != {"ready": True}:
            self.kill()
            raise RuntimeError(f"the sympy worker process did not start: {ready}")

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout:  # closed here, at end of file, not under the reading thread by kill()
            for line in self.process.stdout:
                self.answers.put(line)
        self.answers.put(None)

    def _send(self, message: Any) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(message).encode() + b"\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise _Died from None

    def _receive(self, timeout_s: float) -> Any:
        try:
            line = self.answers.get(timeout=timeout_s)
        except queue.Empty:
            raise _Overran from None
        if line is None:
            raise _Died
        return json.loads(line)

    def call(self, task: str, payload: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        self._send({"task": task, "payload": payload})
        return self._receive(timeout_s)

    def kill(self) -> None:
        """Stop the process and reap it, so that no zombie is left."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdin is not None:
            self.process.stdin.close()


class _Pool:
    """Up to ``size`` live workers shared by the calling threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.idle: list[_Worker] = []
        self.busy: set[_Worker] = set()
        self.starting = 0
        self.changed = threading.Condition()

    def acquire(self) -> _Worker:
        with self.changed:
            while not self.idle and len(self.busy) + self.starting >= self.size:
                self.changed.wait()
            if self.idle:
                worker = self.idle.pop()
                self.busy.add(worker)
                return worker
            self.starting += 1
        try:
            worker = _Worker()
        finally:
            with self.changed:
                self.starting -= 1
                self.changed.notify()
        with self.changed:
            self.busy.add(worker)
        return worker

    def release(self, worker: _Worker, reusable: bool) -> None:
        if not reusable:
            worker.kill()
        with self.changed:
            self.busy.discard(worker)
            if reusable:
                self.idle.append(worker)
            self.changed.notify()

    def close(self) -> None:
        with self.changed:
            workers = [*self.idle, *self.busy]
            self.idle.clear()
            self.busy.clear()
        for worker in workers:
            worker.kill()


_pool = _Pool(POOL_SIZE)


def _forget_parent_workers() -> None:
    # A forked child must neither use nor kill its parent's workers: it starts its own when it needs them.
    global _pool
    _pool = _Pool(POOL_SIZE)


atexit.register(lambda: _pool.close())
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_parent_workers)


def run_limited(task: str, payload: dict[str, Any], *, timeout_s: float, field: str, action: str) -> dict[str, Any]:
    """``compute(payload)`` of the module ``task``, run in a worker and stopped after ``timeout_s`` seconds.

    ``payload`` and the answer are JSON-able. An overrun, a worker that dies (memory) and a ToolInputError raised
    in the worker all become ToolInputError naming ``field``; ``action`` says what was being done ("simplify the
    expression") for the message.
    """
    if task not in TASKS:
        raise ValueError(f"unknown worker task {task!r}")
    worker = _pool.acquire()
    reusable = False
    try:
        answer = worker.call(task, payload, timeout_s)
        reusable = "memory" not in answer
    except _Overran:
        raise ToolInputError(
            field, f"took longer than {timeout_s:g} s to {action}; simplify the expression or raise timeout_s"
        ) from None
    except _Died:
        raise ToolInputError(field, f"the calculation stopped while trying to {action}; simplify it") from None
    finally:
        _pool.release(worker, reusable)
    if "result" in answer:
        return answer["result"]
    if "memory" in answer:
        raise ToolInputError(
            field, f"ran out of memory ({MEMORY_LIMIT_BYTES // 1024**2} MiB) trying to {action}; simplify it"
        )
    if "field" in answer:
        raise ToolInputError(answer["field"], answer["problem"])
    raise RuntimeError(f"the sympy worker failed on {task}: {answer.get('internal')}")


# ---- the worker's side --------------------------------------------------------------------------------------------


def _cap_memory() -> None:
    try:
        import resource
    except ImportError:  # not POSIX: no cap, the time limit still applies
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = MEMORY_LIMIT_BYTES if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT_BYTES, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _exit_with_parent() -> None:
    parent = os.getppid()

    def watch() -> None:
        while True:
            threading.Event().wait(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _answer(computes: dict[str, Any], request: dict[str, Any]) -> str:
    try:
        result = computes[request["task"]](request["payload"])
        return json.dumps({"result": result}, allow_nan=False)
    except ToolInputError as err:
        return json.dumps({"field": err.field, "problem": err.problem})
    except MemoryError:
        return json.dumps({"memory": True})
    except Exception as err:  # a bug, reported to the caller rather than ending the worker
        return json.dumps({"internal": f"{type(err).__name__}: {err}"})


def serve() -> None:
    """The worker's loop: one JSON request per line on stdin, one JSON answer per line on the original stdout."""
    import signal

    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not corrupt the answers
    sys.stdout = sys.stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    computes = {task: importlib.import_module(f".{task}", __package__).compute for task in TASKS}
    _cap_memory()
    _exit_with_parent()
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    for line in sys.stdin:
        answers.write(_answer(computes, json.loads(line)) + "\n")
        answers.flush()
