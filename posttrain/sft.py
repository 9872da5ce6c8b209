"""``posttrain sft``: LoRA supervised fine-tuning on the Recon chain-of-thought set, loss on the response only.

TRL's script shape: config → model and data → trainer → train → save. Each example is a prompt-completion chat
rendered with the model's own chat template, so the model learns exactly the turn it will produce at inference
(``<think>`` reasoning, then the boxed answer, then the end-of-turn token); the prompt tokens carry no loss.
"""

from __future__ import annotations

import logging
from typing import Any

from transformers import TrainerCallback

from .config import SftRunConfig
from .datasets import sft_split
from .model import Policy, load_policy, resolve_model_dir
from .runs import MetricsLog, RunResult, finish, last_complete_checkpoint, prepare_run_dir

log = logging.getLogger(__name__)


def build_sft_trainer(config: SftRunConfig) -> tuple[Any, Policy]:
    """The model loaded, the data prepared and TRL's SFTTrainer built on them, ready to train."""
    from trl import SFTTrainer

    policy = load_policy(config.model, config.trainer.resolved_precision())
    split = sft_split(config.data, policy.tokenizer, config.trainer.max_length, config.trainer.seed)
    args = config.trainer.to_trl(config.output_dir, has_eval=split.held_out is not None)
    trainer = SFTTrainer(
        model=policy.model,
        args=args,
        train_dataset=split.train,
        eval_dataset=split.held_out if args.eval_strategy != "no" else None,
        processing_class=policy.tokenizer,
        peft_config=None if policy.is_adapter else config.lora.to_peft(),
        callbacks=[MetricsLog(config.output_dir)],
    )
    trainer.add_callback(_ResumedTokenCount(trainer))
    return trainer, policy


class _ResumedTokenCount(TrainerCallback):
    """Carry SFTTrainer's running token count (logged as ``num_tokens``) across a resume.

    TRL keeps it on the trainer, not in the checkpointed TrainerState, so a resumed run would restart it from zero
    and its curve would drop; the last logged value is in the restored state's log history.
    """

    def __init__(self, trainer: Any):
        self.trainer = trainer

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        logged = [entry["num_tokens"] for entry in state.log_history if "num_tokens" in entry and "loss" in entry]
        if state.global_step and logged and hasattr(self.trainer, "_total_train_tokens"):
            self.trainer._total_train_tokens = int(logged[-1])


def run_sft(config: SftRunConfig, *, resume: bool = False) -> RunResult:
    """Train (or, with ``resume``, continue from the last checkpoint) and save the adapter in ``output_dir/adapter``."""
    run_dir = config.output_dir
    resolve_model_dir(config.model)  # a missing model is reported before a run folder is made
    prepare_run_dir(run_dir, config.model_dump(mode="json"), resume=resume)
    trainer, policy = build_sft_trainer(config)
    trainer.train(resume_from_checkpoint=str(last_complete_checkpoint(run_dir)) if resume else None)
    adapter = finish(trainer, run_dir)
    return RunResult(run_dir, adapter, policy.base_name(), trainer.state.global_step)
