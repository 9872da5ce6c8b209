"""SFT and GRPO steps with the embedded model on tiny subsets; the adapters load; a killed run resumes where it was.

Sizes are cut to the bone (short examples, a few steps, 16-token rollouts) so that the module takes minutes on two
CPU cores; what is checked is the plumbing a real run depends on, not what the model learns in three steps.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from reasonsuite.posttrain.config import CONFIGS_DIR, RlvrRunConfig, SftRunConfig
from reasonsuite.posttrain.rlvr import run_rlvr
from reasonsuite.posttrain.sft import build_sft_trainer, run_sft

pytestmark = pytest.mark.slow

# Three examples of at most 350 tokens, one per step, a checkpoint every step, eval loss on three held out at the end.
TINY_SFT = [
    "trainer.max_steps=3",
    "trainer.save_steps=1",
    "trainer.save_total_limit=null",
    "trainer.max_length=350",
    "data.long_examples=drop",
    "data.limit=3",
    "data.eval_examples=10",
    "trainer.eval_steps=3",
    "trainer.per_device_train_batch_size=1",
    "trainer.per_device_eval_batch_size=4",
    "trainer.warmup_steps=0",
    "trainer.learning_rate=1e-3",
]


def sft_config(out: Path, *extra: str) -> SftRunConfig:
    return SftRunConfig.load(CONFIGS_DIR / "sft-smollm2-cpu.yaml", [*TINY_SFT, f"output_dir={out}", *extra])


def metrics(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]


def train_entries(run: Path) -> list[dict]:
    return [entry for entry in metrics(run) if "loss" in entry]


@pytest.fixture(scope="module")
def sft_run(tmp_path_factory) -> Path:
    """One uninterrupted 3-step SFT run, shared by the tests below (it is the slow part)."""
    run = tmp_path_factory.mktemp("posttrain") / "sft"
    result = run_sft(sft_config(run))
    assert result.global_step == 3 and result.adapter == run / "adapter" and result.base_model == "embedded"
    return run


def test_sft_loss_is_on_the_response_only(tmp_path) -> None:
    trainer, policy = build_sft_trainer(sft_config(tmp_path / "sft"))
    row = trainer.train_dataset[0]
    trained = [label != -100 for label in row["labels"]]  # TRL's labels: -100 where no loss is taken
    first = trained.index(True)
    assert all(trained[first:]), "the response is one block with loss at the end"
    assert row["labels"][first:] == row["input_ids"][first:]
    prompt = policy.tokenizer.decode(row["input_ids"][:first])
    response = policy.tokenizer.decode(row["input_ids"][first:])
    assert prompt.startswith("<|im_start|>system\n") and "<|im_end|>\n<|im_start|>user\n" in prompt
    assert prompt.endswith("<|im_start|>assistant\n")
    assert response.startswith("<think>") and "\\boxed{" in response and response.rstrip().endswith("<|im_end|>")


def test_sft_run_logs_checkpoints_and_saves_an_adapter(sft_run: Path) -> None:
    entries = train_entries(sft_run)
    assert [e["step"] for e in entries] == [1, 2, 3]
    assert all(e["loss"] > 0 for e in entries)
    assert any("eval_loss" in e and e["step"] == 3 for e in metrics(sft_run))
    history = json.loads((sft_run / "trainer_state.json").read_text())["log_history"]
    assert {"loss", "eval_loss", "learning_rate"} <= {key for entry in history for key in entry}
    assert [p.name for p in sorted(sft_run.glob("checkpoint-*"))] == ["checkpoint-1", "checkpoint-2", "checkpoint-3"]
    adapter = sft_run / "adapter"
    for name in ("adapter_config.json", "adapter_model.safetensors", "tokenizer.json", "chat_template.jinja"):
        assert (adapter / name).is_file(), name
    from safetensors.torch import load_file

    weights = load_file(adapter / "adapter_model.safetensors")
    lora_b = [tensor for key, tensor in weights.items() if "lora_B" in key]
    assert lora_b and any(tensor.abs().max() > 0 for tensor in lora_b), "LoRA B starts at zero; training moved it"


def test_the_adapter_loads_in_the_hf_backend(sft_run: Path) -> None:
    from reasonsuite.llm import LLMConfig, SamplingParams, load_llm

    llm = load_llm(LLMConfig.load(backend="hf", model=str(sft_run / "adapter"), max_new_tokens=8))
    try:
        assert llm.name == "hf:sft/adapter"
        assert getattr(llm.model, "peft_config", None), "loaded with its LoRA layers"
        generation = llm.generate(["What is 2 + 2?"], SamplingParams(max_new_tokens=8))[0]
        assert generation.completion_tokens > 0
    finally:
        llm.close()


def test_merged_model_loads_and_matches_base_plus_adapter(sft_run: Path, tmp_path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from typer.testing import CliRunner

    from reasonsuite.llm.embedded import ensure_embedded_model
    from reasonsuite.posttrain.cli import app

    out = tmp_path / "merged"
    result = CliRunner().invoke(app, ["merge", str(sft_run / "adapter"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "model.safetensors").is_file() and (out / "tokenizer.json").is_file()
    assert not (out / "adapter_config.json").exists()
    tokenizer = AutoTokenizer.from_pretrained(out)
    inputs = tokenizer("Both firms collude to set high prices every year", return_tensors="pt")
    with torch.inference_mode():
        merged = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32)(**inputs).logits
        adapted = AutoModelForCausalLM.from_pretrained(sft_run / "adapter", dtype=torch.float32)(**inputs).logits
        base = AutoModelForCausalLM.from_pretrained(ensure_embedded_model(), dtype=torch.float32)(**inputs).logits
    assert torch.allclose(merged, adapted, atol=1e-3)
    assert not torch.allclose(merged, base, atol=1e-3)
    again = CliRunner().invoke(app, ["merge", str(sft_run / "adapter"), "--out", str(out)])
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_a_run_killed_after_a_checkpoint_resumes_with_the_same_steps(sft_run: Path, tmp_path) -> None:
    """SIGKILL a real `posttrain sft` once checkpoint-2 is on disk; --resume must reproduce the uninterrupted run."""
    run = tmp_path / "killed"
    sets = [arg for s in [*TINY_SFT, f"output_dir={run}"] for arg in ("--set", s)]
    command = [sys.executable, "-c", "from reasonsuite.posttrain.cli import main; main()", "sft", "--config",
               "sft-smollm2-cpu", *sets]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600
        while not (run / "checkpoint-2" / "trainer_state.json").is_file():
            assert process.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no checkpoint-2 within 10 minutes"
            time.sleep(0.1)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert not (run / "adapter").exists()

    result = run_sft(sft_config(run), resume=True)
    assert result.global_step == 3
    resumed, uninterrupted = train_entries(run), train_entries(sft_run)
    assert [e["step"] for e in resumed] == [1, 2, 3], "each step logged once, the killed step's entries dropped"
    # Same examples in the same order (token counts) and the same optimizer and RNG state (losses).
    assert [e["num_tokens"] for e in resumed] == [e["num_tokens"] for e in uninterrupted]
    assert [e["loss"] for e in resumed] == pytest.approx([e["loss"] for e in uninterrupted], rel=1e-4)


def test_grpo_steps_log_each_reward_and_continue_the_sft_adapter(sft_run: Path, tmp_path) -> None:
    run = tmp_path / "rlvr"
    config = RlvrRunConfig.load(
        CONFIGS_DIR / "rlvr-smollm2-cpu.yaml",
        [
            f"model={sft_run / 'adapter'}",
            f"output_dir={run}",
            "trainer.max_steps=2",
            "trainer.save_steps=1",
            "trainer.num_generations=2",
            "trainer.per_device_train_batch_size=2",
            "trainer.max_completion_length=16",
            "data.limit=4",
            "data.max_prompt_length=170",
            "rewards.functions.recon_format=0.5",
        ],
    )
    result = run_rlvr(config)
    assert result.global_step == 2 and result.base_model == "embedded"
    history = json.loads((run / "trainer_state.json").read_text())["log_history"]
    steps = [entry for entry in history if "reward" in entry]
    assert [entry["step"] for entry in steps] == [1, 2]
    for entry in steps:
        for name in ("recon_hierarchical", "recon_format", "recon_correctness"):
            assert f"rewards/{name}/mean" in entry
        # 16 tokens never reach a boxed answer: the hierarchy's lowest level, and nothing formatted or correct.
        assert entry["rewards/recon_hierarchical/mean"] == -1.0
        assert entry["rewards/recon_format/mean"] == entry["rewards/recon_correctness/mean"] == 0.0
        assert entry["reward"] == pytest.approx(-1.0)  # 1.0 x -1 + 0.5 x 0 + 0 x 0
    assert [e["step"] for e in metrics(run) if "reward" in e] == [1, 2]
    adapter_config = json.loads((run / "adapter" / "adapter_config.json").read_text())
    sft_config_json = json.loads((sft_run / "adapter" / "adapter_config.json").read_text())
    assert adapter_config["base_model_name_or_path"] == sft_config_json["base_model_name_or_path"]
    assert adapter_config["r"] == sft_config_json["r"], "the SFT adapter was continued, not replaced"

    from reasonsuite.posttrain.plot import plot_run

    written = plot_run(run)
    assert written == run / "curves.png" and written.stat().st_size > 10_000


def test_grpo_steps_on_the_arena_games_log_the_arena_rewards(tmp_path) -> None:
    """The arenas' one-shot games as a GRPO prompt set, scored by the arena rewards (issue 7's RL rewards)."""
    run = tmp_path / "rlvr-arena"
    config = RlvrRunConfig.load(
        CONFIGS_DIR / "rlvr-smollm2-cpu.yaml",
        [
            "model=embedded",
            f"output_dir={run}",
            "data.datasets=[arena-single-step]",
            "rewards.functions={arena_legality: 1.0, arena_equilibrium: 0.5, arena_payoff: 0.0}",
            "trainer.max_steps=2",
            "trainer.save_steps=2",
            "trainer.num_generations=2",
            "trainer.per_device_train_batch_size=2",
            "trainer.max_completion_length=24",
            "data.limit=4",
        ],
    )
    result = run_rlvr(config)
    assert result.global_step == 2
    history = json.loads((run / "trainer_state.json").read_text())["log_history"]
    steps = [entry for entry in history if "reward" in entry]
    assert [entry["step"] for entry in steps] == [1, 2]
    for entry in steps:
        legality, equilibrium = entry["rewards/arena_legality/mean"], entry["rewards/arena_equilibrium/mean"]
        assert 0.0 <= legality <= 1.0 and 0.0 <= equilibrium <= 1.0
        assert entry["reward"] == pytest.approx(legality + 0.5 * equilibrium)
