"""Agent-style load on the default CPU engine: 16 clients at once, each sending short structured requests.

The serving issue's concurrency check: llama.cpp's server with 16 slots (requests decoded together, continuous
batching) against the same server with one slot (requests served one at a time), same requests, one run. Each
request is what an agent sends: a short question and a JSON schema the answer must follow (enforced by grammar).
Reports requests/s, new tokens/s and p50/p99 latency, and writes the table into docs/benchmarks.md.

    .venv/bin/python benchmarks/engine_concurrency.py [--clients 16] [--requests-per-client 4]
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from pydantic import BaseModel, Field
from report import machine, write_section

from reasonsuite.llm import LLMConfig, SamplingParams, load_llm

CITIES = ["Vancouver", "Nanaimo", "Victoria", "Kelowna", "Prince George", "Kamloops", "Surrey", "Burnaby"]


class RackReading(BaseModel):
    """What a reading agent extracts from a problem sentence."""

    location: str = Field(max_length=40)
    bays: int = Field(ge=1, le=20)
    levels: int = Field(ge=1, le=20)


def request(i: int) -> str:
    return (f"A storage rack in {CITIES[i % len(CITIES)]} has {2 + i % 3} bays and {3 + i % 4} levels. "
            "Extract the location, the number of bays and the number of levels as JSON.")  # fmt: skip


def run(slots: int, clients: int, per_client: int) -> dict[str, float]:
    llm = load_llm(LLMConfig.load(backend="llamacpp", batch_size=slots, max_concurrency=clients))
    params = SamplingParams(max_new_tokens=48, temperature=0.0)
    llm.generate([request(0)], params, schema=RackReading)  # warm-up

    def client(c: int) -> list[tuple[float, int]]:
        done = []
        for k in range(per_client):
            started = time.perf_counter()
            generation = llm.generate([request(c * per_client + k)], params, schema=RackReading)[0]
            done.append((time.perf_counter() - started, generation.completion_tokens))
        return done

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = [item for items in pool.map(client, range(clients)) for item in items]
    elapsed = time.perf_counter() - started
    llm.close()
    latencies = sorted(latency for latency, _ in results)
    return {
        "requests": len(results),
        "seconds": elapsed,
        "requests_per_s": len(results) / elapsed,
        "tokens_per_s": sum(tokens for _, tokens in results) / elapsed,
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests-per-client", type=int, default=4)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    results = {slots: run(slots, args.clients, args.requests_per_client) for slots in (args.clients, 1)}
    table = [
        "| llama.cpp slots | requests | seconds | requests/s | new tokens/s | p50 latency (s) | p99 latency (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for slots, r in results.items():
        table.append(f"| {slots} | {r['requests']} | {r['seconds']:.1f} | {r['requests_per_s']:.2f} "
                     f"| {r['tokens_per_s']:.1f} | {r['p50']:.2f} | {r['p99']:.2f} |")  # fmt: skip
    together, alone = results[args.clients], results[1]
    section = "\n".join(
        [
            f"Measured {date.today().isoformat()} on {machine()}; `benchmarks/engine_concurrency.py`.",
            f"{args.clients} clients at once, {args.requests_per_client} requests each: a one-sentence rack problem "
            "read into a 3-field JSON schema (grammar-constrained), greedy, up to 48 new tokens; embedded model "
            "(f16 GGUF) on llama.cpp's server, its prompt cache on (the default: the requests share a prefix).",
            "",
            *table,
            "",
            f"**{args.clients} slots / 1 slot: {together['requests_per_s'] / alone['requests_per_s']:.1f}× the "
            f"throughput, p50 latency {alone['p50'] / together['p50']:.1f}× lower.**",
        ]
    )
    print(section)
    if not args.no_write:
        write_section("engine-concurrency", "Agent-style concurrency on the CPU engine", section)


if __name__ == "__main__":
    main()
