"""llama.cpp server settings against the decode goal: which of them move the batched rate toward the compute limit.

The serving issue asks the default CPU engine for at least half of the compute-bound limit with 32 sequences in
flight. Weight types were measured in `gguf_weights.py`; this runs the remaining candidates side by side in one
process, one server at a time, on `decode.py`'s short prompts, where decoding dominates (32 in flight, greedy, up to
200 new tokens, prompt cache off): the suite's default settings, f32 weights (no f16 conversion in the kernels, but
twice the bytes to read), threads pinned to the cores, busy polling for work (read only by llama.cpp's own thread
pool, so a control row for this OpenMP build), one KV cache shared by all slots, f32 K/V caches, and flash attention
off (a profile put a fifth of the time in attention).
Each rate is a fraction of `decode.py`'s fp32 FMA limit. Writes its table into docs/benchmarks.md (between markers)
and prints it.

    .venv/bin/python benchmarks/llamacpp_settings.py [--variants default,f32,pinned,poll,...] [--no-write]
"""

from __future__ import annotations

import argparse
import os
from datetime import date

from decode import compute_limit, llama_cpp, measure, short_prompts
from report import machine, write_section

from reasonsuite.llm import SamplingParams

PROMPTS = 32
NEW_TOKENS = 200
LAST_CORE = (os.cpu_count() or 1) - 1
VARIANTS: dict[str, tuple[str, str, list[str]]] = {
    "default": ("the suite's default (f16, flash attention, threads = cores)", "f16", []),
    "f32": ("f32 weights", "f32", []),
    "pinned": ("threads pinned to the cores (strict placement)", "f16", ["--cpu-range", f"0-{LAST_CORE}",
                                                                        "--cpu-strict", "1"]),
    "poll": ("threads busy-poll for work (level 100, default 50)", "f16", ["--poll", "100"]),
    "unified-kv": ("one KV cache shared by all slots (`-kvu`)", "f16", ["--kv-unified"]),
    "f32-kv": ("f32 K and V caches (default f16)", "f16", ["--cache-type-k", "f32", "--cache-type-v", "f32"]),
    "no-flash": ("flash attention off", "f16", ["--flash-attn", "off"]),
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated, of: {', '.join(VARIANTS)}")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    chosen = args.variants.split(",")
    unknown = [name for name in chosen if name not in VARIANTS]
    if unknown:
        parser.error(f"--variants: unknown {', '.join(unknown)}; choose from {', '.join(VARIANTS)}")

    short = short_prompts(PROMPTS)
    params = SamplingParams(max_new_tokens=NEW_TOKENS, temperature=0.0)

    table = [
        "| settings | prompt tokens | new tokens | seconds | new tokens/s | of the limit |",
        "|---|---|---|---|---|---|",
    ]
    for name in chosen:
        label, weights, extra = VARIANTS[name]
        llm = llama_cpp("embedded", PROMPTS, weights=weights, extra_args=extra)
        llm.generate(short[:2], SamplingParams(max_new_tokens=8))  # warm-up: first-call allocations
        p_tokens, new_tokens, seconds = measure(llm, short, params, together=True)
        llm.close()
        limit, _ = compute_limit(context=(p_tokens + new_tokens // 2) // PROMPTS)
        rate = new_tokens / seconds
        table.append(f"| {label} | {p_tokens} | {new_tokens} | {seconds:.1f} | {rate:.1f} | {rate / limit:.2f} |")
        print(table[-1], flush=True)

    _, note = compute_limit(context=100)
    section = "\n".join(
        [
            f"Measured {date.today().isoformat()} on {machine()}; `benchmarks/llamacpp_settings.py`. llama.cpp's "
            f"server, one configuration at a time, {PROMPTS} prompts in flight ({PROMPTS} slots), greedy, up to "
            f"{NEW_TOKENS} new tokens, prompt cache off, `decode.py`'s short prompts (decoding dominates). Limit: "
            f"`decode.py`'s fp32 FMA bound ({note}).",
            "",
            *table,
        ]
    )
    print(section)
    if not args.no_write:
        write_section("llamacpp-settings", "llama.cpp server settings against the decode goal", section)


if __name__ == "__main__":
    main()
