"""Run configs: every key known (a typo is an error naming it), --set overrides, and the mapping onto TRL and PEFT."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from typer.testing import CliRunner

from reasonsuite.posttrain.cli import app
from reasonsuite.posttrain.config import (
    CONFIGS_DIR,
    PosttrainConfigError,
    RlvrRunConfig,
    SftRunConfig,
    apply_override,
    read_yaml,
)
from reasonsuite.posttrain.runs import MetricsLog, last_complete_checkpoint, prepare_run_dir

SFT_CPU = CONFIGS_DIR / "sft-smollm2-cpu.yaml"
RLVR_CPU = CONFIGS_DIR / "rlvr-smollm2-cpu.yaml"
SFT_GPU = CONFIGS_DIR / "sft-r1-distill-7b-gpu.yaml"
RLVR_GPU = CONFIGS_DIR / "rlvr-r1-distill-7b-gpu.yaml"


# ------------------------------------------------------------------------------------------------ validation


def test_an_unknown_key_is_named_with_the_nearest_known_one(tmp_path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("output_dir: x\ntrainer:\n  learnig_rate: 1.0e-4\nlora:\n  rank: 4\n")
    with pytest.raises(PosttrainConfigError) as err:
        SftRunConfig.load(path)
    message = str(err.value)
    assert str(path) in message
    assert "trainer.learnig_rate: unknown key (did you mean 'learning_rate'?)" in message
    assert "lora.rank: unknown key" in message


def test_a_mistyped_set_override_is_named() -> None:
    with pytest.raises(PosttrainConfigError, match=r"trainer\.max_stesp: unknown key \(did you mean 'max_steps'\?\)"):
        SftRunConfig.load(SFT_CPU, ["trainer.max_stesp=3"])
    with pytest.raises(PosttrainConfigError, match=r"trainer\.max_steps: Input should be a valid integer.*'three'"):
        SftRunConfig.load(SFT_CPU, ["trainer.max_steps=three"])


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("trainer.max_steps", "expected key=value"),
        ("=3", "expected key=value"),
        ("trainer..max_steps=3", "empty part in the dotted key"),
        ("model.name=x", r"model holds a value \('embedded'\), not a section"),
    ],
)
def test_malformed_set_overrides_are_errors_naming_them(override: str, message: str) -> None:
    with pytest.raises(PosttrainConfigError, match=message):
        apply_override({"model": "embedded"}, override)


def test_set_values_are_yaml_with_exponent_floats() -> None:
    data: dict = {}
    for override in ["trainer.learning_rate=2e-4", "lora.target_modules=[q_proj, v_proj]", "trainer.seed=7",
                     "trainer.gradient_checkpointing=true", "data.limit=null", "output_dir=runs/x"]:  # fmt: skip
        apply_override(data, override)
    assert data == {
        "trainer": {"learning_rate": 2e-4, "seed": 7, "gradient_checkpointing": True},
        "lora": {"target_modules": ["q_proj", "v_proj"]},
        "data": {"limit": None},
        "output_dir": "runs/x",
    }


def test_yaml_files_read_exponent_floats_as_floats(tmp_path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("trainer:\n  learning_rate: 5e-6\n  extra: {adam_epsilon: 1e-8}\n")
    assert read_yaml(path) == {"trainer": {"learning_rate": 5e-6, "extra": {"adam_epsilon": 1e-8}}}


def test_unreadable_config_files_are_named(tmp_path) -> None:
    with pytest.raises(PosttrainConfigError, match="does not exist"):
        SftRunConfig.load(tmp_path / "missing.yaml")
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    with pytest.raises(PosttrainConfigError, match="must hold a mapping"):
        SftRunConfig.load(tmp_path / "list.yaml")


def test_trl_fields_without_a_typed_setting_pass_under_extra_by_their_trl_name() -> None:
    config = SftRunConfig.load(SFT_CPU, ["trainer.extra.adam_beta2=0.99"])
    assert config.trainer.to_trl(Path("/tmp/unused"), has_eval=False).adam_beta2 == 0.99
    with pytest.raises(PosttrainConfigError, match=r"trainer\.extra\.adam_epsilom: not a field of TRL's SFTConfig "
                                                   r"\(did you mean 'adam_epsilon'\?\)"):  # fmt: skip
        SftRunConfig.load(SFT_CPU, ["trainer.extra.adam_epsilom=1e-6"])
    with pytest.raises(PosttrainConfigError, match=r"trainer\.extra\.bf16: set by posttrain; use trainer\.precision"):
        SftRunConfig.load(SFT_CPU, ["trainer.extra.bf16=true"])
    with pytest.raises(PosttrainConfigError, match=r"trainer\.extra\.max_length: has its own setting"):
        SftRunConfig.load(SFT_CPU, ["trainer.extra.max_length=64"])
    with pytest.raises(PosttrainConfigError, match=r"trainer\.extra\.num_generations: has its own setting"):
        RlvrRunConfig.load(RLVR_CPU, ["trainer.extra.num_generations=8"])


def test_grpo_groups_must_fit_the_batch() -> None:
    with pytest.raises(PosttrainConfigError, match=r"num_generations \(3\) must divide .* \(4\)"):
        RlvrRunConfig.load(RLVR_CPU, ["trainer.num_generations=3"])


def test_reward_names_and_weights_are_checked() -> None:
    with pytest.raises(PosttrainConfigError, match=r"unknown reward 'recon_corectness' \(did you mean "
                                                   r"'recon_correctness'\?\)"):  # fmt: skip
        RlvrRunConfig.load(RLVR_CPU, ["rewards.functions.recon_corectness=1"])
    with pytest.raises(PosttrainConfigError, match="every weight is 0"):
        RlvrRunConfig.load(RLVR_CPU, ["rewards.functions.recon_hierarchical=0"])
    with pytest.raises(PosttrainConfigError, match=r"rewards\.hierarchical.*partial \(2\.0\) must not exceed exact"):
        RlvrRunConfig.load(RLVR_CPU, ["rewards.hierarchical.partial=2"])


def test_an_sft_key_in_an_rlvr_config_is_unknown_there() -> None:
    with pytest.raises(PosttrainConfigError, match=r"trainer\.max_length: unknown key"):
        RlvrRunConfig.load(RLVR_CPU, ["trainer.max_length=512"])


# ------------------------------------------------------------------------------------------------ mapping


def test_cpu_sft_config_maps_onto_trl_with_deliberate_cpu_precision(tmp_path) -> None:
    config = SftRunConfig.load(SFT_CPU)
    args = config.trainer.to_trl(tmp_path, has_eval=True)
    # TRL 1.16 would default to bf16 and gradient checkpointing: 12x slower on this CPU.
    assert (args.bf16, args.fp16, args.gradient_checkpointing, args.activation_checkpointing) == (False,) * 4
    assert args.completion_only_loss is True
    assert args.dataloader_pin_memory is False  # no GPU to copy to; torch would warn on every dataloader
    assert (args.max_length, args.learning_rate, args.max_steps) == (1024, 2e-4, 60)
    assert (args.save_strategy, args.save_steps, args.eval_strategy, args.eval_steps) == ("steps", 10, "steps", 20)
    assert args.report_to == [] and args.output_dir == str(tmp_path)
    assert args.lr_scheduler_type == "cosine" and args.warmup_steps == 0.05
    assert config.trainer.to_trl(tmp_path, has_eval=False).eval_strategy == "no"
    lora = config.lora.to_peft()
    assert (lora.r, lora.lora_alpha, lora.target_modules, lora.task_type) == (8, 16, "all-linear", "CAUSAL_LM")


def test_precision_auto_is_fp32_without_a_gpu(tmp_path) -> None:
    import torch

    config = SftRunConfig.load(SFT_CPU, ["trainer.precision=auto"])
    if torch.cuda.is_available():
        pytest.skip("auto picks bf16 on a GPU")
    assert config.trainer.resolved_precision() == "fp32"
    assert config.trainer.to_trl(tmp_path, has_eval=False).bf16 is False


def test_cpu_rlvr_config_maps_onto_grpo_with_weights_in_reward_order(tmp_path) -> None:
    config = RlvrRunConfig.load(RLVR_CPU, ["rewards.functions.recon_format=0.25"])
    args = config.trainer.to_trl(tmp_path, reward_weights=list(config.rewards.functions.values()))
    assert list(config.rewards.functions) == ["recon_hierarchical", "recon_format", "recon_correctness"]
    assert args.reward_weights == [1.0, 0.25, 0.0]
    assert (args.num_generations, args.max_completion_length, args.max_grad_norm) == (4, 384, 0.1)
    assert (args.bf16, args.gradient_checkpointing, args.beta, args.learning_rate) == (False, False, 0.0, 5e-6)
    import torch

    if not torch.cuda.is_available():
        assert args.use_vllm is False  # auto: transformers generation without a GPU


def test_gpu_recipes_follow_the_recon_paper(tmp_path) -> None:
    sft = SftRunConfig.load(SFT_GPU)
    assert (sft.lora.r, sft.lora.alpha, sft.trainer.learning_rate, sft.trainer.precision) == (8, 8, 2e-4, "bf16")
    assert set(sft.lora.target_modules) == {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                                            "down_proj"}  # fmt: skip
    rlvr = RlvrRunConfig.load(RLVR_GPU)
    assert (rlvr.trainer.learning_rate, rlvr.trainer.num_generations, rlvr.trainer.max_grad_norm) == (5e-6, 8, 0.1)
    assert rlvr.trainer.use_vllm is True and rlvr.model == "runs/posttrain/sft-r1-distill-7b/adapter"


def test_half_precision_asked_for_on_a_cpu_runs_on_the_cpu(tmp_path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    args = SftRunConfig.load(SFT_GPU).trainer.to_trl(tmp_path, has_eval=False)
    assert (args.bf16, args.use_cpu, args.gradient_checkpointing) == (True, True, True)


def test_vllm_insisted_on_without_gpu_or_vllm_is_an_error_naming_the_setting(tmp_path) -> None:
    import importlib.util

    import torch

    if torch.cuda.is_available() and importlib.util.find_spec("vllm"):
        pytest.skip("vLLM is available here")
    config = RlvrRunConfig.load(RLVR_GPU)
    with pytest.raises(PosttrainConfigError, match=r"trainer\.use_vllm: true needs a CUDA GPU and vLLM"):
        config.trainer.to_trl(tmp_path, reward_weights=[1.0, 0.0, 0.0])


def test_every_shipped_config_validates() -> None:
    shipped = sorted(CONFIGS_DIR.glob("*.yaml"))
    assert [p.stem for p in shipped] == ["rlvr-r1-distill-7b-gpu", "rlvr-smollm2-cpu", "sft-r1-distill-7b-gpu",
                                         "sft-smollm2-cpu"]  # fmt: skip
    for path in shipped:
        (SftRunConfig if path.stem.startswith("sft") else RlvrRunConfig).load(path)


# ------------------------------------------------------------------------------------------------ run folders


def test_a_fresh_run_refuses_a_folder_holding_a_run(tmp_path) -> None:
    config = {"model": "embedded", "trainer": {"max_steps": 2}}
    prepare_run_dir(tmp_path / "run", config, resume=False)
    assert yaml.safe_load((tmp_path / "run" / "config.yaml").read_text()) == config
    (tmp_path / "run" / "checkpoint-1").mkdir()
    with pytest.raises(PosttrainConfigError, match="already holds a run; pass --resume"):
        prepare_run_dir(tmp_path / "run", config, resume=False)


def test_resume_needs_a_checkpoint_and_the_same_config_except_its_length(tmp_path) -> None:
    run = tmp_path / "run"
    config = {"model": "embedded", "lora": {"r": 8}, "trainer": {"max_steps": 2, "learning_rate": 1e-4}}
    with pytest.raises(PosttrainConfigError, match="no checkpoint-N folder to resume from"):
        prepare_run_dir(run, config, resume=True)
    prepare_run_dir(run, config, resume=False)
    (run / "checkpoint-2").mkdir()
    longer = {**config, "trainer": {"max_steps": 3, "learning_rate": 1e-4}}
    prepare_run_dir(run, longer, resume=True)  # running longer is what resuming is for
    changed = {**longer, "lora": {"r": 16}, "trainer": {"max_steps": 3, "learning_rate": 2e-4}}
    with pytest.raises(PosttrainConfigError, match=r"lora\.r, trainer\.learning_rate differ from the config"):
        prepare_run_dir(run, changed, resume=True)


def test_resume_skips_and_removes_a_checkpoint_cut_short_by_a_kill(tmp_path) -> None:
    for step in (1, 2, 3):
        (tmp_path / f"checkpoint-{step}").mkdir()
    for step in (1, 2):
        (tmp_path / f"checkpoint-{step}" / "trainer_state.json").write_text("{}")
    assert last_complete_checkpoint(tmp_path) == tmp_path / "checkpoint-2"
    assert not (tmp_path / "checkpoint-3").exists()


def test_metrics_log_appends_entries_and_drops_those_a_resume_repeats(tmp_path) -> None:
    log = MetricsLog(tmp_path)
    for step in (1, 2, 3):
        log.on_log(None, SimpleNamespace(global_step=step, epoch=step / 10, is_world_process_zero=True), None,
                   logs={"loss": 1.0 / step})  # fmt: skip
    log.on_train_begin(None, SimpleNamespace(global_step=2), None)  # resumed from checkpoint-2
    lines = [yaml.safe_load(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert [(entry["step"], entry["loss"]) for entry in lines] == [(1, 1.0), (2, 0.5)]


# ------------------------------------------------------------------------------------------------ CLI


def test_cli_prints_the_resolved_config_of_a_shipped_name() -> None:
    result = CliRunner().invoke(app, ["sft", "--config", "sft-smollm2-cpu", "--set", "trainer.max_steps=5",
                                      "--print-config"])  # fmt: skip
    assert result.exit_code == 0, result.output
    printed = yaml.safe_load(result.stdout)
    assert printed["trainer"]["max_steps"] == 5 and printed["trainer"]["precision"] == "fp32"


def test_cli_errors_exit_2_with_the_key_named() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["rlvr", "--config", "rlvr-smollm2-cpu", "--set", "rewards.functons.x=1"])
    assert result.exit_code == 2
    assert "rewards.functons: unknown key (did you mean 'functions'?)" in result.stderr
    result = runner.invoke(app, ["sft", "--config", "no-such-config"])
    assert result.exit_code == 2 and "neither a file nor a shipped config" in result.stderr
    result = runner.invoke(app, ["plot", "/nonexistent/run"])
    assert result.exit_code == 2 and "has no metrics.jsonl or trainer_state.json" in result.stderr
