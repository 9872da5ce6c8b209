"""Which weight type llama.cpp should serve the embedded model with: answer fidelity and speed, side by side.

A faster weight type is only worth having if it answers like the model. For each candidate GGUF (converted from the
same fp32 folder: f16, q8_0, and any others named) this asks 16 Recon-Eval prompts greedily (128 new tokens) and counts
the answers identical to transformers' fp32 answers, then measures decode throughput with 32 prompts in flight (the
Recon prompts and short prompts, up to 200 new tokens) as in `decode.py`, each as a fraction of the fp32
compute-bound limit. (Integer weights can pass that limit: llama.cpp multiplies q8_0 weights with 8-bit integer dot
products, not fp32 FMAs.) Engines run one at a time; the prompt cache is off. Writes its table into
docs/benchmarks.md (between markers) and prints it.

    .venv/bin/python benchmarks/gguf_weights.py [--weights f16,q8_0] [--no-write]
"""

from __future__ import annotations

import argparse
from datetime import date

from decode import compute_limit, llama_cpp, measure, short_prompts
from report import machine, write_section

from reasonsuite.data import load_recon
from reasonsuite.llm import LLMConfig, SamplingParams, load_llm

FIDELITY_PROMPTS = 16
FIDELITY_TOKENS = 128
SPEED_PROMPTS = 32
SPEED_TOKENS = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", default="f16,q8_0", help="comma-separated: f16, bf16, q8_0, f32")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    recon = [row["messages"] for row in load_recon("eval").select(range(SPEED_PROMPTS))]
    short = short_prompts(SPEED_PROMPTS)
    fidelity_params = SamplingParams(max_new_tokens=FIDELITY_TOKENS, temperature=0.0)
    speed_params = SamplingParams(max_new_tokens=SPEED_TOKENS, temperature=0.0)

    hf = load_llm(LLMConfig.load(backend="hf", model="embedded", batch_size=FIDELITY_PROMPTS))
    reference = [g.text for g in hf.generate(recon[:FIDELITY_PROMPTS], fidelity_params)]
    hf.close()

    rows = []
    for weights in args.weights.split(","):
        llm = llama_cpp("embedded", SPEED_PROMPTS, weights=weights)
        answers = [g.text for g in llm.generate(recon[:FIDELITY_PROMPTS], fidelity_params)]
        same = sum(a == b for a, b in zip(answers, reference, strict=True))
        speeds = {name: measure(llm, prompts, speed_params, together=True) for name, prompts in
                  (("recon", recon), ("short", short))}  # fmt: skip
        llm.close()
        rows.append((weights, same, speeds))

    table = [
        f"| weights | answers identical to hf fp32 (of {FIDELITY_PROMPTS}) | Recon ×{SPEED_PROMPTS}: new tokens/s "
        f"| of the limit | short ×{SPEED_PROMPTS}: new tokens/s | of the limit |",
        "|---|---|---|---|---|---|",
    ]
    for weights, same, speeds in rows:
        cells = []
        for p_tokens, new_tokens, seconds in (speeds["recon"], speeds["short"]):
            rate = new_tokens / seconds
            limit, _ = compute_limit(context=(p_tokens + new_tokens // 2) // SPEED_PROMPTS)
            cells += [f"{rate:.1f}", f"{rate / limit:.2f}"]
        table.append(f"| {weights} | {same} | {' | '.join(cells)} |")
    section = "\n".join(
        [
            f"Measured {date.today().isoformat()} on {machine()}; `benchmarks/gguf_weights.py`. Each GGUF converted "
            "from the embedded model's fp32 folder by llama.cpp's `convert_hf_to_gguf.py`; llama.cpp's server with "
            f"the suite's settings (flash attention on, {SPEED_PROMPTS} slots, prompt cache off). Fidelity: "
            f"{FIDELITY_PROMPTS} Recon-Eval prompts, greedy, {FIDELITY_TOKENS} new tokens, compared with transformers "
            f"fp32 text for text. Speed: {SPEED_PROMPTS} prompts in flight, up to {SPEED_TOKENS} new tokens; the "
            "limit is the fp32 FMA bound of `decode.py`.",
            "",
            *table,
        ]
    )
    print(section)
    if not args.no_write:
        write_section("gguf-weights", "Weight types for the llama.cpp engine", section)


if __name__ == "__main__":
    main()
