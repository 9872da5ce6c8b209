"""Load on the agent API: many concurrent clients against one server on loopback, for a bounded time.

Starts `uvicorn` serving `create_app` (deterministic mode, no model) in a subprocess on a free 127.0.0.1 port, runs
one MASSE check of the sample rack so there is a run to read, then lets `--clients` clients (one httpx.AsyncClient
and keep-alive connection each) call a mix of routes back to back for `--seconds`:

    GET /health, POST /v1/tools/nash_equilibria (a 2x2 game), POST /v1/tools/seismic_hazard,
    POST /v1/tools/convert_units, GET /v1/masse/runs/{id}

One more client starts a deterministic MASSE check of the sample rack, follows it to the end, and starts the next,
so jobs are created, run, checkpointed and stored all the while (a 429 from a full job queue counts as shed).

Every answer is checked: a 2xx counts as served, a 503 as shed (the tool gate refusing at once, by design, when its
queue is full), anything else, including a connection error or a timeout, as an error. Reports the number of
requests, errors and shed requests, p50/p99 latency per route, throughput, and the server's memory: resident size
after the warm-up, sampled every ``--memory-every`` seconds during the run and at the end, and its peak (VmHWM from
/proc/<pid>/status). A soak is the same run for longer (``--seconds 600``): its memory samples show whether the
server's memory stays flat. The clients run in this process and share the machine's cores with the server, so on a
small machine the figures are a floor, not a ceiling.

Prints a table and writes the figures as JSON (default runs/benchmarks/api_load.json).

    .venv/bin/python benchmarks/api_load.py [--seconds 60] [--clients 32] [--memory-every 10]
        [--out runs/benchmarks/api_load.json]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from report import machine

from reasonsuite.atomic_files import write_json_atomically
from reasonsuite.data import problem_description

DILEMMA = {"row_payoffs": [[3, 0], [5, 1]], "col_payoffs": [[3, 5], [0, 1]],
           "row_strategies": ["C", "D"], "col_strategies": ["C", "D"]}  # fmt: skip


@dataclass(frozen=True)
class Call:
    """One route of the mix and how to call it."""

    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None


def mix(run_id: str) -> list[Call]:
    return [
        Call("GET /health", "GET", "/health"),
        Call("POST nash_equilibria", "POST", "/v1/tools/nash_equilibria", DILEMMA),
        Call("POST seismic_hazard", "POST", "/v1/tools/seismic_hazard", {"location": "Nanaimo"}),
        Call(
            "POST convert_units", "POST", "/v1/tools/convert_units", {"value": 12.5, "from_unit": "ft", "to_unit": "m"}
        ),
        Call("GET masse run", "GET", f"/v1/masse/runs/{run_id}"),
    ]


@dataclass
class Tally:
    """What one route saw."""

    requests: int = 0
    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    shed: int = 0
    error_kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def memory_mib(pid: int) -> dict[str, float]:
    """Resident and peak resident size of a process, from /proc (Linux)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024  # kB
    return fields


def start_server(port: int, runs_dir: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {"REASONSUITE_API_RUNS_DIR": str(runs_dir), "REASONSUITE_API_PORT": str(port)}
    command = [sys.executable, "-m", "uvicorn", "reasonsuite.app.api:create_app", "--factory", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    return subprocess.Popen(command, env=env)


def wait_until_up(base: str, server: subprocess.Popen[bytes], timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode} before it answered")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer /health within {timeout_s} s")


def sample_run(base: str) -> str:
    """A finished MASSE run of the sample rack, for the GET in the mix."""
    body = {"problem_text": problem_description("1"), "max_redesign_rounds": 0}
    run_id = httpx.post(f"{base}/v1/masse/runs", json=body, timeout=30).raise_for_status().json()["run_id"]
    for _ in range(1200):
        status = httpx.get(f"{base}/v1/masse/runs/{run_id}", timeout=30).json()["status"]
        if status == "finished":
            return run_id
        if status not in ("queued", "running"):
            raise SystemExit(f"the sample run ended {status}")
        time.sleep(0.1)
    raise SystemExit("the sample run did not finish in 120 s")


async def client(base: str, calls: list[Call], offset: int, deadline: float, tallies: dict[str, Tally]) -> None:
    """One client: the mix in order from its own starting point, back to back, until the deadline."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        index = offset
        while time.perf_counter() < deadline:
            call = calls[index % len(calls)]
            index += 1
            tally = tallies[call.name]
            tally.requests += 1
            started = time.perf_counter()
            try:
                response = await http.request(call.method, call.path, json=call.body)
            except httpx.HTTPError as err:
                tally.errors += 1
                tally.error_kinds[type(err).__name__] += 1
                continue
            tally.latencies_s.append(time.perf_counter() - started)
            if response.status_code == 503:
                tally.shed += 1
            elif not response.is_success:
                tally.errors += 1
                tally.error_kinds[str(response.status_code)] += 1


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of the values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] if ordered else float("nan")


MASSE_RUNS = "POST+follow masse run"


async def run_starter(base: str, deadline: float, tallies: dict[str, Tally]) -> None:
    """Start a deterministic MASSE check, poll it to its end, start the next, until the deadline."""
    body = {"problem_text": problem_description("1"), "max_redesign_rounds": 1}
    tally = tallies[MASSE_RUNS]
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        while time.perf_counter() < deadline:
            tally.requests += 1
            started = time.perf_counter()
            try:
                response = await http.post("/v1/masse/runs", json=body)
                if response.status_code == 429:
                    tally.shed += 1
                    await asyncio.sleep(1.0)
                    continue
                response.raise_for_status()
                run_id = response.json()["run_id"]
                status = "queued"
                while status in ("queued", "running"):
                    await asyncio.sleep(0.2)
                    status = (await http.get(f"/v1/masse/runs/{run_id}")).raise_for_status().json()["status"]
            except httpx.HTTPError as err:
                tally.errors += 1
                tally.error_kinds[type(err).__name__] += 1
                continue
            if status != "finished":
                tally.errors += 1
                tally.error_kinds[f"run {status}"] += 1
                continue
            tally.latencies_s.append(time.perf_counter() - started)


async def memory_sampler(pid: int, started: float, deadline: float, every_s: float, samples: list) -> None:
    """The server's resident size every ``every_s`` seconds: (seconds since the start, MiB)."""
    while time.perf_counter() < deadline:
        await asyncio.sleep(min(every_s, max(0.0, deadline - time.perf_counter())))
        samples.append((round(time.perf_counter() - started, 1), round(memory_mib(pid)["VmRSS"], 1)))


async def load(
    base: str, calls: list[Call], clients: int, seconds: float, *, pid: int | None = None, memory_every_s: float = 10.0
) -> tuple[dict[str, Tally], float, list[tuple[float, float]]]:
    tallies = {call.name: Tally() for call in calls} | {MASSE_RUNS: Tally()}
    samples: list[tuple[float, float]] = []
    started = time.perf_counter()
    deadline = started + seconds
    tasks = [client(base, calls, i, deadline, tallies) for i in range(clients)] + [run_starter(base, deadline, tallies)]
    if pid is not None:
        tasks.append(memory_sampler(pid, started, deadline, memory_every_s, samples))
    await asyncio.gather(*tasks)
    return tallies, time.perf_counter() - started, samples


def summary(tallies: dict[str, Tally], elapsed_s: float) -> dict[str, Any]:
    routes = {}
    for name, tally in tallies.items():
        routes[name] = {
            "requests": tally.requests,
            "errors": tally.errors, "shed": tally.shed, "error_kinds": dict(tally.error_kinds),
            "p50_ms": round(percentile(tally.latencies_s, 50) * 1000, 2),
            "p99_ms": round(percentile(tally.latencies_s, 99) * 1000, 2),
        }  # fmt: skip
    requests = sum(route["requests"] for route in routes.values())
    return {
        "requests": requests, "errors": sum(r["errors"] for r in routes.values()),
        "shed": sum(r["shed"] for r in routes.values()), "seconds": round(elapsed_s, 2),
        "throughput_rps": round(requests / elapsed_s, 1), "routes": routes,
    }  # fmt: skip


def table(result: dict[str, Any]) -> str:
    lines = ["| route | requests | errors | shed (503) | p50 ms | p99 ms |", "|---|---:|---:|---:|---:|---:|"]
    for name, route in result["routes"].items():
        lines.append(f"| {name} | {route['requests']} | {route['errors']} | {route['shed']} | {route['p50_ms']:.1f} "
                     f"| {route['p99_ms']:.1f} |")  # fmt: skip
    memory = result["server_memory_mib"]
    lines += [
        "",
        f"{result['clients']} clients for {result['seconds']} s: {result['requests']} requests, "
        f"{result['throughput_rps']} requests/s, {result['errors']} errors, {result['shed']} shed.",
        f"Server memory: {memory['rss_after_warmup']:.0f} MiB resident after the warm-up, {memory['rss_end']:.0f} MiB "
        f"at the end, peak {memory['peak']:.0f} MiB (VmHWM).",
        "Resident MiB during the run (s: MiB): " + ", ".join(f"{t:g}: {m:.0f}" for t, m in memory["samples"]),
        f"Machine: {result['machine']}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the clients call (bounded run)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--memory-every", type=float, default=10.0, help="seconds between memory samples")
    parser.add_argument("--out", type=Path, default=Path("runs/benchmarks/api_load.json"), help="JSON written here")
    args = parser.parse_args()
    if args.seconds <= 0 or args.clients < 1:
        parser.error("--seconds must be positive and --clients at least 1")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="api-load-") as runs_dir:
        server = start_server(port, Path(runs_dir))
        try:
            wait_until_up(base, server)
            calls = mix(sample_run(base))
            asyncio.run(load(base, calls, args.clients, min(args.seconds, 3.0)))  # warm-up, not counted
            rss_after_warmup = memory_mib(server.pid)["VmRSS"]
            tallies, elapsed, samples = asyncio.run(
                load(base, calls, args.clients, args.seconds, pid=server.pid, memory_every_s=args.memory_every)
            )
            memory = memory_mib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
        "clients": args.clients, **summary(tallies, elapsed),
        "server_memory_mib": {"rss_after_warmup": round(rss_after_warmup, 1), "rss_end": round(memory["VmRSS"], 1),
                              "peak": round(memory["VmHWM"], 1), "samples": samples},
    }  # fmt: skip
    print(table(result))
    write_json_atomically(args.out, result)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
