"""GRPO step time on the CPU with LoRA: the embedded model, 4 generations x 64 tokens per step.

One prompt per step (Recon-Train, at most 200 prompt tokens), 4 completions forced to exactly 64 new tokens
(``min_new_tokens``), so every step does the same work. Three precision settings run in one process, side by side,
because TRL's defaults are a trap on a CPU: ``bf16=True`` and gradient checkpointing on. The first step of each
variant is a warm-up and is not counted; the rest are averaged from TRL's own ``step_time`` log.
Writes the table into docs/benchmarks.md (between markers) and prints it.

    .venv/bin/python benchmarks/grpo_step.py [--steps 3] [--variants fp32,fp32-gc,bf16-gc] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from datetime import date
from pathlib import Path

import torch
from report import machine, write_section

from reasonsuite.posttrain.config import CONFIGS_DIR, RlvrRunConfig
from reasonsuite.posttrain.rlvr import run_rlvr

VARIANTS = {
    "fp32": ("fp32, no gradient checkpointing (our CPU config)", ["trainer.precision=fp32",
                                                                 "trainer.gradient_checkpointing=false"]),
    "fp32-gc": ("fp32, gradient checkpointing", ["trainer.precision=fp32", "trainer.gradient_checkpointing=true"]),
    "bf16-gc": ("bf16, gradient checkpointing (TRL's defaults)", ["trainer.precision=bf16",
                                                                 "trainer.gradient_checkpointing=true"]),
}  # fmt: skip
GENERATIONS, NEW_TOKENS = 4, 64


def step_times(variant: list[str], steps: int, work: Path) -> list[float]:
    """Seconds of each step after the warm-up one, for one variant's run."""
    config = RlvrRunConfig.load(
        CONFIGS_DIR / "rlvr-smollm2-cpu.yaml",
        [
            "model=embedded",  # a fresh LoRA on the shipped model: the benchmark needs no SFT run first
            f"output_dir={work}",
            f"trainer.max_steps={steps + 1}",
            "trainer.save_steps=1000",
            f"trainer.num_generations={GENERATIONS}",
            f"trainer.per_device_train_batch_size={GENERATIONS}",
            f"trainer.max_completion_length={NEW_TOKENS}",
            f"trainer.extra.generation_kwargs={{min_new_tokens: {NEW_TOKENS}}}",
            "data.max_prompt_length=200",
            *variant,
        ],
    )
    run_rlvr(config)
    entries = [json.loads(line) for line in (work / "metrics.jsonl").read_text().splitlines()]
    timed = [entry["step_time"] for entry in entries if "step_time" in entry]
    return timed[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=3, help="measured steps per variant (after one warm-up step)")
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated: {', '.join(VARIANTS)}")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    results = {}
    for name in args.variants.split(","):
        label, overrides = VARIANTS[name]
        with tempfile.TemporaryDirectory(prefix="grpo-bench-") as tmp:
            times = step_times(overrides, args.steps, Path(tmp) / "run")
        results[name] = (label, times)
        print(f"{label}: {', '.join(f'{t:.1f}' for t in times)} s", flush=True)

    reference = statistics.mean(results["fp32"][1]) if "fp32" in results else None
    rows = ["| setting | measured steps | seconds per step (mean) | min–max | vs fp32 |", "|---|---|---|---|---|"]
    for label, times in results.values():
        mean = statistics.mean(times)
        ratio = f"{mean / reference:.1f}×" if reference else "–"
        rows.append(f"| {label} | {len(times)} | {mean:.1f} | {min(times):.1f}–{max(times):.1f} | {ratio} |")
    body = "\n".join(
        [
            f"Measured {date.today().isoformat()} on {machine()}, torch {torch.__version__} "
            f"({torch.get_num_threads()} threads).",
            "`benchmarks/grpo_step.py`: GRPO (TRL) with LoRA r=8 on the embedded SmolLM2-135M-Instruct, one "
            f"Recon-Train prompt per step, {GENERATIONS} generations × {NEW_TOKENS} new tokens, transformers "
            "generation; the first step of each setting is a warm-up and is not counted.",
            "",
            *rows,
        ]
    )
    print(body)
    if not args.no_write:
        write_section("grpo-step", "GRPO step time on the CPU (posttrain)", body)


if __name__ == "__main__":
    main()
