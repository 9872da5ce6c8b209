"""Decode throughput of the embedded model on this CPU: transformers (hf) and llama.cpp's server, side by side.

P1 of the serving issue: 32 Recon-Eval prompts × up to 200 new tokens, and 1 prompt × 200 tokens, greedy, for
hf single stream, hf batched (fp32), llama.cpp one request at a time, and llama.cpp with the 32 requests in flight
together (continuous batching over 32 slots). Each result is also given as a fraction of the compute-bound limit:
the CPU's fp32 FMA throughput over the model's FLOPs per token (see `compute_limit`). All rows run in one process on
the same prompts, so ratios are meaningful even on a noisy 2-core machine; absolute figures are not comparable across
machines. Writes its table into docs/benchmarks.md (between markers) and prints it.

    .venv/bin/python benchmarks/decode.py [--prompts 32] [--max-new-tokens 200] [--skip-hf-single]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import date
from pathlib import Path

import torch
from report import machine, write_section

from reasonsuite.data import load_recon
from reasonsuite.llm import LLMConfig, SamplingParams, load_llm
from reasonsuite.llm.embedded import ensure_embedded_model


def fma_flops_per_cycle() -> int:
    """fp32 FLOPs one core retires per cycle with its widest FMA: 2 FMA pipes × lanes × 2 (multiply + add)."""
    flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags")).split()
    lanes = 16 if "avx512f" in flags else 8 if "avx2" in flags and "fma" in flags else 4
    return 2 * lanes * 2


def cpu_ghz() -> float:
    mhz = [float(line.split(":")[1]) for line in Path("/proc/cpuinfo").read_text().splitlines() if "cpu MHz" in line]
    return max(mhz) / 1000


def model_flops_per_token(context: int) -> float:
    """2 FLOPs per weight of the matmuls (tied embedding counted once, as the output head) plus attention."""
    config = json.loads((ensure_embedded_model() / "config.json").read_text())
    d, layers, ff = config["hidden_size"], config["num_hidden_layers"], config["intermediate_size"]
    vocab = config["vocab_size"]
    kv = d * config["num_key_value_heads"] // config["num_attention_heads"]
    per_layer = d * d * 2 + d * kv * 2 + 3 * d * ff  # q, o; k, v; gate, up, down
    attention = 2 * d * context  # scores and weighted sum over the context so far
    return 2 * (layers * per_layer + d * vocab) + 2 * layers * attention


def compute_limit(context: int) -> tuple[float, str]:
    cores = os.cpu_count() or 1
    peak = fma_flops_per_cycle() * cpu_ghz() * 1e9 * cores
    flops = model_flops_per_token(context)
    note = (f"{cores} cores × {cpu_ghz():.2f} GHz × {fma_flops_per_cycle()} fp32 FLOPs/cycle = {peak / 1e9:.0f} "
            f"GFLOP/s; {flops / 1e6:.0f} MFLOP per token at ~{context} tokens of context")  # fmt: skip
    return peak / flops, note


def measure(llm, prompts, params, together: bool) -> tuple[int, int, float]:
    """(prompt tokens, new tokens, seconds) for the prompts sent one at a time or all together."""
    started = time.perf_counter()
    if together:
        generations = llm.generate(prompts, params)
    else:
        generations = [llm.generate([p], params)[0] for p in prompts]
    elapsed = time.perf_counter() - started
    return sum(g.prompt_tokens for g in generations), sum(g.completion_tokens for g in generations), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=32)
    parser.add_argument("--max-new-tokens", type=int, default=200)
    parser.add_argument("--skip-hf-single", action="store_true", help="leave out the slowest row (~6 min here)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    n = args.prompts
    prompts = [row["messages"] for row in load_recon("eval").select(range(n))]
    params = SamplingParams(max_new_tokens=args.max_new_tokens, temperature=0.0)
    rows: list[tuple[str, int, tuple[int, int, float]]] = []

    hf = load_llm(LLMConfig.load(backend="hf", model="embedded", batch_size=n))
    hf.generate(prompts[:2], SamplingParams(max_new_tokens=8))  # warm-up: first-call allocations
    rows.append(("hf fp32, 1 prompt", 1, measure(hf, prompts[:1], params, together=False)))
    if not args.skip_hf_single:
        rows.append(("hf fp32, single stream", n, measure(hf, prompts, params, together=False)))
    rows.append((f"hf fp32, batched ×{n}", n, measure(hf, prompts, params, together=True)))
    hf.close()

    llama = load_llm(LLMConfig.load(backend="llamacpp", model="embedded", batch_size=n))
    llama.generate(prompts[:2], SamplingParams(max_new_tokens=8))
    rows.append(("llama.cpp Q4_1, 1 prompt", 1, measure(llama, prompts[:1], params, together=False)))
    rows.append(("llama.cpp Q4_1, one request at a time", n, measure(llama, prompts, params, together=False)))
    rows.append((f"llama.cpp Q4_1, {n} requests in flight", n, measure(llama, prompts, params, together=True)))
    llama.close()

    prompt_tokens = rows[-1][2][0]
    limit, limit_note = compute_limit(context=prompt_tokens // n + args.max_new_tokens // 2)
    table = [
        "| engine and mode | prompts | prompt tokens | new tokens | seconds | new tokens/s | of the limit |",
        "|---|---|---|---|---|---|---|",
    ]
    rates = {}
    for name, count, (p_tokens, new_tokens, seconds) in rows:
        rates[name] = new_tokens / seconds
        table.append(f"| {name} | {count} | {p_tokens} | {new_tokens} | {seconds:.1f} | {rates[name]:.1f} "
                     f"| {rates[name] / limit:.2f} |")  # fmt: skip
    best_hf = rates[f"hf fp32, batched ×{n}"]
    best_llama = rates[f"llama.cpp Q4_1, {n} requests in flight"]
    section = "\n".join(
        [
            f"Measured {date.today().isoformat()} on {machine()}, torch {torch.__version__}, llama.cpp from "
            "llama-cpp-python 0.3.36's source (`reasonsuite engine build`, GGML_NATIVE).",
            f"Embedded SmolLM2-135M-Instruct: hf de-quantised to fp32, llama.cpp the shipped Q4_1 GGUF. {n} Recon-Eval "
            f"prompts, greedy, up to {args.max_new_tokens} new tokens each; `benchmarks/decode.py`. Seconds include "
            "the prefill of the prompts; a hf batch runs until its longest answer ends.",
            f"Compute-bound limit: **{limit:.0f} new tokens/s** ({limit_note}).",
            "",
            *table,
            "",
            f"**llama.cpp with {n} in flight / hf batched ×{n}: {best_llama / best_hf:.1f}×; "
            f"{best_llama / limit:.2f} of the compute-bound limit.**",
        ]
    )
    print(section)
    if not args.no_write:
        write_section("decode", "Decode throughput (embedded model, CPU)", section)


if __name__ == "__main__":
    main()
