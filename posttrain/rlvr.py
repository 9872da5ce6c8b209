"""``posttrain rlvr``: GRPO with verifiable rewards (the shared answer checker) and LoRA.

TRL's script shape: config → model, prompts and reward functions → trainer → train → save. Rollouts use vLLM
where a GPU and vLLM are present (or the config insists), transformers generation otherwise. Every reward function
is logged on its own (``rewards/<name>/mean``), including those weighted 0, so a run shows whether the format or
the answers improved.
"""

from __future__ import annotations

import logging

from .config import RlvrRunConfig
from .datasets import rlvr_prompts
from .model import load_policy, resolve_model_dir
from .rewards import build_rewards
from .runs import MetricsLog, RunResult, finish, last_complete_checkpoint, prepare_run_dir

log = logging.getLogger(__name__)


def run_rlvr(config: RlvrRunConfig, *, resume: bool = False) -> RunResult:
    """Train (or, with ``resume``, continue from the last checkpoint) and save the adapter in ``output_dir/adapter``."""
    from trl import GRPOTrainer

    run_dir = config.output_dir
    names = list(config.rewards.functions)
    rewards = build_rewards(names, config.rewards.hierarchical)
    args = config.trainer.to_trl(run_dir, reward_weights=[config.rewards.functions[n] for n in names])
    resolve_model_dir(config.model)  # a missing model is reported before a run folder is made
    prepare_run_dir(run_dir, config.model_dump(mode="json"), resume=resume)
    policy = load_policy(config.model, config.trainer.resolved_precision())
    prompts = rlvr_prompts(config.data, policy.tokenizer, config.trainer.seed)
    log.info("GRPO on %d prompts; rewards %s; rollouts by %s", len(prompts), names,
             "vLLM" if args.use_vllm else "transformers")  # fmt: skip
    trainer = GRPOTrainer(
        model=policy.model,
        reward_funcs=rewards,
        args=args,
        train_dataset=prompts,
        processing_class=policy.tokenizer,
        peft_config=None if policy.is_adapter else config.lora.to_peft(),
        callbacks=[MetricsLog(run_dir)],
    )
    trainer.train(resume_from_checkpoint=str(last_complete_checkpoint(run_dir)) if resume else None)
    adapter = finish(trainer, run_dir)
    return RunResult(run_dir, adapter, policy.base_name(), trainer.state.global_step)
