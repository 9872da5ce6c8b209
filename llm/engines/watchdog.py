"""Run an engine so that it never outlives the process that started it.

An engine is a separate program; if the suite is killed (SIGKILL, OOM killer, a crashed notebook), nothing in the
suite runs to stop it, and an orphaned server would keep its port and gigabytes of memory. So the suite starts this
small supervisor instead, with a pipe on its stdin: the supervisor starts the engine and waits; when the pipe reaches
end-of-file (the suite closed it, or the kernel did because the suite died) or a SIGTERM arrives, it stops the
engine, and it exits with the engine's exit code.

    python -m reasonsuite.llm.engines.watchdog ENGINE [ARGS…]
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

GRACE_S = 15.0


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m reasonsuite.llm.engines.watchdog ENGINE [ARGS…]", file=sys.stderr)
        return 2
    engine = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
    stopping = threading.Event()

    def stop(*_: object) -> None:
        if stopping.is_set():
            return
        stopping.set()
        engine.terminate()
        try:
            engine.wait(GRACE_S)
        except subprocess.TimeoutExpired:
            engine.kill()

    def watch_parent() -> None:
        # Raw reads of fd 0, not sys.stdin: a daemon thread blocked inside the buffered reader holds its lock, and
        # the interpreter then aborts at exit ("could not acquire lock for <stdin> at interpreter shutdown").
        while os.read(0, 4096):  # b"" at end-of-file: the parent closed the pipe, or died
            pass
        stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Thread(target=watch_parent, daemon=True).start()
    return engine.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
