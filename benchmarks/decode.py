"""Decode throughput of the hf backend on the embedded model: one stream at a time vs one batch, side by side.

32 Recon-Eval prompts, greedy, up to 200 new tokens each. Both modes run in one process on the same prompts, so
their ratio is meaningful even on a noisy 2-core machine; absolute tokens/s are not comparable across machines.
Recon prompts are long (~380 tokens), so two more rows in the same run say where the time goes: the batch's prefill
alone (one new token), and the same batch size on 32 short prompts.
Writes the table into docs/benchmarks.md (between markers) and prints it.

    .venv/bin/python benchmarks/decode.py [--prompts 32] [--max-new-tokens 200]
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import torch
from report import machine, write_section

from reasonsuite.data import load_recon
from reasonsuite.llm import LLMConfig, SamplingParams, load_llm


def machine_with_torch() -> str:
    return f"{machine()}, torch {torch.__version__} ({torch.get_num_threads()} threads)"


def measure(llm, prompts, params, batch: bool) -> tuple[int, int, float]:
    """(prompt tokens, new tokens, seconds) for the prompts decoded one at a time or as one batch."""
    started = time.perf_counter()
    if batch:
        generations = llm.generate(prompts, params)
    else:
        generations = [llm.generate([p], params)[0] for p in prompts]
    elapsed = time.perf_counter() - started
    return sum(g.prompt_tokens for g in generations), sum(g.completion_tokens for g in generations), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=32)
    parser.add_argument("--max-new-tokens", type=int, default=200)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    prompts = [row["messages"] for row in load_recon("eval").select(range(args.prompts))]
    params = SamplingParams(max_new_tokens=args.max_new_tokens, temperature=0.0)
    llm = load_llm(LLMConfig.load(backend="hf", model="embedded", batch_size=args.prompts))
    llm.generate(prompts[:2], SamplingParams(max_new_tokens=8))  # warm-up: first-call allocations

    prompt_tokens, single_tokens, single_s = measure(llm, prompts, params, batch=False)
    _, batched_tokens, batched_s = measure(llm, prompts, params, batch=True)
    _, prefill_tokens, prefill_s = measure(llm, prompts, params.model_copy(update={"max_new_tokens": 1}), batch=True)
    short = [f"Explain the economic idea number {i} that a student should know." for i in range(args.prompts)]
    short_prompt_tokens, short_tokens, short_s = measure(llm, short, params, batch=True)
    single_rate, batched_rate = single_tokens / single_s, batched_tokens / batched_s

    rows = [
        "| mode | prompts | prompt tokens | new tokens | seconds | new tokens/s |",
        "|---|---|---|---|---|---|",
        f"| hf fp32, single stream | {args.prompts} | {prompt_tokens} | {single_tokens} | {single_s:.1f} "
        f"| {single_rate:.1f} |",
        f"| hf fp32, batched ×{args.prompts} | {args.prompts} | {prompt_tokens} | {batched_tokens} | {batched_s:.1f} "
        f"| {batched_rate:.1f} |",
        f"| hf fp32, batched ×{args.prompts}, prefill only | {args.prompts} | {prompt_tokens} | {prefill_tokens} "
        f"| {prefill_s:.1f} | ({prompt_tokens / prefill_s:.0f} prompt tokens/s) |",
        f"| hf fp32, batched ×{args.prompts}, short prompts | {args.prompts} | {short_prompt_tokens} | {short_tokens} "
        f"| {short_s:.1f} | {short_tokens / short_s:.1f} |",
    ]
    section = "\n".join(
        [
            f"Measured {date.today().isoformat()} on {machine_with_torch()}.",
            f"Embedded SmolLM2-135M-Instruct (de-quantised to fp32), {args.prompts} Recon-Eval prompts, greedy, "
            f"up to {args.max_new_tokens} new tokens each; `benchmarks/decode.py`. Seconds include the prefill of "
            "the prompts, and a batch runs until its longest answer ends.",
            "",
            *rows,
            "",
            f"**Batched / single-stream throughput: {batched_rate / single_rate:.1f}×.**",
        ]
    )
    print(section)
    if not args.no_write:
        write_section("decode", "Decode throughput (hf backend)", section)


if __name__ == "__main__":
    main()
