"""Decode throughput of the embedded model on this CPU, engine by engine, side by side in one run.

P1 of the serving issue: 32 Recon-Eval prompts × up to 200 new tokens, and 1 prompt × 200 tokens, greedy, for
transformers (hf) single stream and batched (fp32), llama.cpp's server with the f16 GGUF it serves by default (one
request at a time, and the 32 requests in flight together: continuous batching over 32 slots), OpenVINO GenAI's
continuous-batching pipeline in process on the same f16 GGUF (the `openvino` backend), llama.cpp on the shipped Q4_1
file, and vLLM's CPU build when `--vllm-bin` points at one (`make test-vllm` installs it). A last row per engine uses
32 short prompts, where decoding rather than prefill dominates. Each result is also a fraction of the
compute-bound limit: the CPU's fp32 FMA throughput over the model's FLOPs per token (see `compute_limit`). Prompt
caches are off in both servers, since the rows re-send the same prompts. Ratios are meaningful even on a noisy 2-core
machine; absolute figures are not comparable across machines. Writes its table into docs/benchmarks.md (between
markers) and prints it.

    .venv/bin/python benchmarks/decode.py [--prompts 32] [--max-new-tokens 200] [--skip-hf-single] [--vllm-bin PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import date
from importlib import metadata
from pathlib import Path

import torch
from report import machine, write_section

from reasonsuite.data import load_recon
from reasonsuite.llm import LLMConfig, SamplingParams, load_llm
from reasonsuite.llm.embedded import embedded_gguf_path, ensure_embedded_model
from reasonsuite.llm.engines import EngineSpec, ManagedEngine
from reasonsuite.llm.llamacpp_backend import LlamaCppBackend


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


def short_prompts(n: int) -> list[str]:
    """n distinct one-line prompts: with them decoding, not prefill, dominates a run."""
    return [f"Explain the economic idea number {i} that a student should know." for i in range(n)]


def measure(llm, prompts, params, together: bool) -> tuple[int, int, float]:
    """(prompt tokens, new tokens, seconds) for the prompts sent one at a time or all together."""
    started = time.perf_counter()
    if together:
        generations = llm.generate(prompts, params)
    else:
        generations = [llm.generate([p], params)[0] for p in prompts]
    elapsed = time.perf_counter() - started
    return sum(g.prompt_tokens for g in generations), sum(g.completion_tokens for g in generations), elapsed


def engine_rows(label: str, llm, prompts, params, *, one_at_a_time: bool = True) -> list[tuple[str, int, tuple]]:
    """1 prompt, optionally the prompts one request at a time, then all of them in flight together."""
    n = len(prompts)
    llm.generate(prompts[:2], SamplingParams(max_new_tokens=8))  # warm-up: first-call allocations
    rows = [(f"{label}, 1 prompt", 1, measure(llm, prompts[:1], params, together=False))]
    if one_at_a_time:
        rows.append((f"{label}, one at a time", n, measure(llm, prompts, params, together=False)))
    rows.append((f"{label}, ×{n} together", n, measure(llm, prompts, params, together=True)))
    return rows


def llama_cpp(model: str, slots: int, *, weights: str = "f16", extra_args: list[str] | None = None) -> LlamaCppBackend:
    """The llamacpp backend with the server's prompt cache off: the rows re-send the same prompts, and a cached
    prefill would time nothing (the suite's default keeps the cache on: agents re-send long shared prefixes)."""
    no_cache = ["--no-cache-prompt", "--cache-ram", "0"]
    spec = EngineSpec(model=model, weights=weights, parallel=slots, extra_args=no_cache + (extra_args or []))
    return LlamaCppBackend(spec)


def vllm_rows(vllm_bin: str, prompts, params) -> list[tuple[str, int, tuple]]:
    """vLLM's CPU build serving the fp32 folder, through the openai backend (a server of its own, started here)."""
    os.environ["REASONSUITE_VLLM_BIN"] = vllm_bin
    # On CPUs the first flag sizes the KV cache; prefix caching off, as for llama.cpp above.
    extra = ["--gpu-memory-utilization", "0.25", "--max-model-len", "4096", "--no-enable-prefix-caching"]
    spec = EngineSpec(engine="vllm", extra_args=extra)
    with ManagedEngine(spec, startup_timeout_s=600) as engine:
        config = LLMConfig.load(backend="openai", base_url=engine.base_url, model=engine.served_name,
                                max_concurrency=len(prompts), timeout_s=600)  # fmt: skip
        llm = load_llm(config)
        rows = engine_rows("vLLM-cpu fp32", llm, prompts, params, one_at_a_time=False)
        llm.close()
    return rows


def render(rows: list[tuple[str, int, tuple[int, int, float]]], n: int, max_new_tokens: int, gguf: str,
           *, with_q4: bool) -> str:  # fmt: skip
    """The section for docs/benchmarks.md. Each row's limit is taken at its own mean context length (prompt plus
    half the answer), since attention grows with context; the note names the limit at the Recon prompts' context."""
    table = [
        "| engine and mode | prompts | prompt tokens | new tokens | seconds | new tokens/s | of the limit |",
        "|---|---|---|---|---|---|---|",
    ]
    rates = {}
    for name, count, (p_tokens, new_tokens, seconds) in rows:
        rates[name] = new_tokens / seconds
        limit, _ = compute_limit(context=(p_tokens + new_tokens // 2) // count)
        table.append(f"| {name} | {count} | {p_tokens} | {new_tokens} | {seconds:.1f} | {rates[name]:.1f} "
                     f"| {rates[name] / limit:.2f} |")  # fmt: skip
    recon = next(r for r in rows if r[0] == f"OpenVINO f16, ×{n} together")
    short = next(r for r in rows if r[0] == f"OpenVINO f16, ×{n} together, short prompts")
    recon_limit, note = compute_limit(context=(recon[2][0] + recon[2][1] // 2) // n)
    short_limit, _ = compute_limit(context=(short[2][0] + short[2][1] // 2) // n)
    llama_recon, llama_short = (
        rates[f"llama.cpp f16, ×{n} together"],
        rates[f"llama.cpp f16, ×{n} together, short prompts"],
    )
    files = f"an f16 GGUF of those weights (`{gguf}`)" + (" and the shipped Q4_1 file" if with_q4 else "")
    return "\n".join(
        [
            f"Measured {date.today().isoformat()} on {machine()}, torch {torch.__version__}, llama.cpp from "
            "llama-cpp-python 0.3.36's source (`reasonsuite engine build`, GGML_NATIVE).",
            f"Embedded SmolLM2-135M-Instruct: hf de-quantised to fp32; llama.cpp {files}; OpenVINO GenAI "
            f"{metadata.version('openvino-genai')} reads the same f16 GGUF. {n} Recon-Eval prompts, "
            f"greedy, up to {max_new_tokens} new tokens each; `benchmarks/decode.py`. Seconds include the prefill of "
            "the prompts; an hf batch runs until its longest answer ends.",
            f"Compute-bound limit: **{recon_limit:.0f} new tokens/s** on the Recon prompts ({note}); "
            f"{short_limit:.0f} on the short ones.",
            "",
            *table,
            "",
            f"**OpenVINO ×{n} / llama.cpp ×{n}: {rates[recon[0]] / llama_recon:.1f}× on Recon prompts, "
            f"{rates[short[0]] / llama_short:.1f}× on short ones; with short prompts OpenVINO reaches "
            f"{rates[short[0]] / short_limit:.2f} of the compute-bound limit, "
            f"llama.cpp {llama_short / short_limit:.2f}.**",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=32)
    parser.add_argument("--max-new-tokens", type=int, default=200)
    parser.add_argument("--skip-hf-single", action="store_true", help="leave out the slowest row (~6 min here)")
    parser.add_argument("--vllm-bin", help="the `vllm` of a vllm-cpu install, to add its rows")
    parser.add_argument(
        "--default-engines-only",
        action="store_true",
        help="hf batched, llama.cpp f16 and OpenVINO only (no hf single stream, Q4_1 or vLLM rows), into a section "
        "of its own",
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    n = args.prompts
    prompts = [row["messages"] for row in load_recon("eval").select(range(n))]
    short = short_prompts(n)
    params = SamplingParams(max_new_tokens=args.max_new_tokens, temperature=0.0)
    rows: list[tuple[str, int, tuple[int, int, float]]] = []

    hf = load_llm(LLMConfig.load(backend="hf", model="embedded", batch_size=n))
    quick = args.default_engines_only
    rows += engine_rows("hf fp32", hf, prompts, params, one_at_a_time=not (args.skip_hf_single or quick))
    rows.append((f"hf fp32, ×{n} together, short prompts", n, measure(hf, short, params, together=True)))
    hf.close()

    llama = llama_cpp("embedded", n)
    rows += engine_rows("llama.cpp f16", llama, prompts, params)
    rows.append((f"llama.cpp f16, ×{n} together, short prompts", n, measure(llama, short, params, together=True)))
    gguf = llama.engine.command[llama.engine.command.index("--model") + 1]
    llama.close()

    openvino = load_llm(LLMConfig.load(backend="openvino", model="embedded", batch_size=n))
    rows += engine_rows("OpenVINO f16", openvino, prompts, params)
    rows.append((f"OpenVINO f16, ×{n} together, short prompts", n, measure(openvino, short, params, together=True)))
    openvino.close()

    if not quick:
        q4 = llama_cpp(str(embedded_gguf_path()), n)
        rows += engine_rows("llama.cpp Q4_1 (shipped file)", q4, prompts, params, one_at_a_time=False)
        q4.close()

    if args.vllm_bin and not quick:
        rows += vllm_rows(args.vllm_bin, prompts, params)

    section = render(rows, n, args.max_new_tokens, Path(gguf).name, with_q4=not quick)
    print(section)
    if not args.no_write and quick:
        write_section("decode-default", "Decode throughput with the default engine settings", section)
    elif not args.no_write:
        write_section("decode", "Decode throughput (embedded model, CPU engines)", section)


if __name__ == "__main__":
    main()
