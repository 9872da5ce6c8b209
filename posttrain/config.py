"""Run configs for ``posttrain sft`` and ``posttrain rlvr``: a YAML file, ``--set key=value`` overrides, validation.

A config is data (TRL's shape: one config per trainer). It is validated here with every key known, so a typo is an
error that names the key (and the nearest known one) instead of a setting silently ignored; then it is mapped onto
TRL's ``SFTConfig`` / ``GRPOConfig`` and PEFT's ``LoraConfig``. The common trainer settings are typed fields;
any other field of the TRL config can be given by its TRL name under ``trainer.extra``, checked against TRL's own
field list.

Precision is a deliberate choice, never TRL's default: TRL 1.16 defaults to ``bf16=True`` and gradient
checkpointing on, which on a CPU without native bf16 made a LoRA SFT step of the embedded model 12x slower (352 s
against 28 s, measured). ``precision: auto`` means bf16 on a GPU that supports it and fp32 everywhere else.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .rewards import REWARDS, HierarchicalWeights

if TYPE_CHECKING:
    from peft import LoraConfig
    from trl import GRPOConfig, SFTConfig

CONFIGS_DIR = Path(__file__).resolve().parent / "configs"
Precision = Literal["auto", "fp32", "bf16", "fp16"]

# TRL fields that posttrain sets itself from other settings; naming them under trainer.extra would fight that.
_MANAGED = {
    "output_dir": "output_dir (top level)",
    "activation_checkpointing": "trainer.gradient_checkpointing",
    "bf16": "trainer.precision",
    "fp16": "trainer.precision",
    "report_to": "trainer.report_to",
    "save_strategy": "trainer.save_steps",
    "eval_strategy": "trainer.eval_steps",
    "logging_strategy": "trainer.logging_steps",
    "completion_only_loss": "(always on: the loss is on the response only)",
    "reward_weights": "rewards.functions",
    "use_vllm": "trainer.use_vllm",
    "resume_from_checkpoint": "the --resume flag",
}


class PosttrainConfigError(ValueError):
    """A run config is wrong; the message names the key (or file) and the problem."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoraSettings(_Section):
    """The LoRA adapter trained on top of the frozen base model (PEFT ``LoraConfig``)."""

    r: int = Field(8, ge=1, le=1024, description="rank of the update matrices")
    alpha: float = Field(16.0, gt=0, description="scaling numerator (PEFT lora_alpha); the update is scaled by alpha/r")
    dropout: float = Field(0.05, ge=0.0, lt=1.0)
    target_modules: list[str] | Literal["all-linear"] = Field(
        "all-linear", description="module names to adapt, or all-linear (every linear layer but the output head)"
    )

    def to_peft(self) -> LoraConfig:
        from peft import LoraConfig

        return LoraConfig(
            r=self.r,
            lora_alpha=self.alpha,
            lora_dropout=self.dropout,
            target_modules=self.target_modules,
            task_type="CAUSAL_LM",
        )


class TrainerSettings(_Section):
    """Settings both trainers share, under their transformers/TRL names."""

    max_steps: int = Field(-1, ge=-1, description="-1: run num_train_epochs instead")
    num_train_epochs: float = Field(1.0, gt=0)
    learning_rate: float = Field(2e-4, gt=0)
    per_device_train_batch_size: int = Field(2, ge=1)
    gradient_accumulation_steps: int = Field(1, ge=1)
    lr_scheduler_type: str = "linear"
    warmup_steps: float = Field(0.0, ge=0, description="steps, or a fraction of all steps when below 1")
    weight_decay: float = Field(0.0, ge=0)
    max_grad_norm: float = Field(1.0, gt=0)
    precision: Precision = Field("auto", description="auto: bf16 on a GPU that has it, else fp32 (never bf16 on CPU)")
    gradient_checkpointing: bool = Field(False, description="saves GPU memory; on a CPU it only costs time")
    logging_steps: int = Field(1, ge=1)
    save_steps: int = Field(50, ge=1, description="checkpoint every N optimizer steps (for --resume)")
    save_total_limit: int | None = Field(3, ge=1, description="keep only the newest N checkpoints")
    seed: int = Field(42, ge=0, description="model init, data order and sampling; --resume keeps the same order")
    report_to: list[Literal["tensorboard"]] = Field(
        default_factory=list, description="extra loggers; metrics.jsonl is always written, nothing remote by default"
    )
    extra: dict[str, Any] = Field(default_factory=dict, description="any other field of the TRL config, by name")

    @field_validator("lr_scheduler_type")
    @classmethod
    def _known_scheduler(cls, value: str) -> str:
        from transformers import SchedulerType

        known = [s.value for s in SchedulerType]
        if value not in known:
            raise ValueError(f"unknown scheduler {value!r}; choose from {', '.join(known)}")
        return value

    def resolved_precision(self) -> Literal["fp32", "bf16", "fp16"]:
        """``auto`` made concrete for this machine: bf16 only on a GPU that supports it."""
        if self.precision != "auto":
            return self.precision
        import torch

        return "bf16" if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else "fp32"

    def _common_args(self, output_dir: Path) -> dict[str, Any]:
        import torch

        precision = self.resolved_precision()
        typed = self.model_dump(exclude={"precision", "report_to", "extra"})
        # transformers accepts half precision without a GPU only when told the run is on the CPU (CPUs with AMX
        # have native bf16; on others it is slow, which is why precision: auto never picks it there).
        cpu_half = precision != "fp32" and not torch.cuda.is_available()
        return {
            **({"use_cpu": True} if cpu_half else {}),
            **typed,
            "output_dir": str(output_dir),
            # transformers 5 renamed it activation_checkpointing; setting the new name too keeps TRL's True default
            # (on the old name) from applying and avoids the deprecation warning.
            "activation_checkpointing": self.gradient_checkpointing,
            "bf16": precision == "bf16",
            "fp16": precision == "fp16",
            "report_to": list(self.report_to) or "none",
            "logging_strategy": "steps",
            "logging_first_step": True,
            "save_strategy": "steps",
            "disable_tqdm": False,
            # Pinned host memory only speeds copies to a GPU; without one torch warns on every dataloader.
            "dataloader_pin_memory": torch.cuda.is_available(),
        }


class SftTrainerSettings(TrainerSettings):
    """SFT settings (TRL ``SFTConfig``)."""

    max_length: int = Field(1024, ge=16, description="tokens per example, prompt and response together")
    packing: bool = False
    eval_steps: int | None = Field(50, ge=1, description="eval loss on the held-out split every N steps; null: never")
    per_device_eval_batch_size: int = Field(2, ge=1)

    def to_trl(self, output_dir: Path, *, has_eval: bool) -> SFTConfig:
        from trl import SFTConfig

        args = self._common_args(output_dir)
        evaluate = has_eval and self.eval_steps is not None
        args.update(
            eval_strategy="steps" if evaluate else "no",
            eval_steps=self.eval_steps if evaluate else None,
            completion_only_loss=True,
        )
        return _build(SFTConfig, args, self.extra)


class GrpoTrainerSettings(TrainerSettings):
    """GRPO settings (TRL ``GRPOConfig``). ``per_device_train_batch_size`` counts completions, not prompts."""

    learning_rate: float = Field(5e-6, gt=0)
    per_device_train_batch_size: int = Field(4, ge=1)
    num_generations: int = Field(4, ge=2, description="completions per prompt (the group GRPO normalises within)")
    max_completion_length: int = Field(256, ge=1)
    temperature: float = Field(1.0, gt=0)
    top_p: float = Field(1.0, gt=0, le=1)
    beta: float = Field(0.0, ge=0, description="KL penalty to the reference model; 0 needs no reference copy")
    use_vllm: bool | Literal["auto"] = Field(
        "auto", description="vLLM rollouts; auto: when a GPU and vLLM are present, else transformers generation"
    )
    vllm_mode: Literal["colocate", "server"] = "colocate"
    vllm_gpu_memory_utilization: float = Field(0.3, gt=0, le=1)
    log_completions: bool = False

    @model_validator(mode="after")
    def _groups_fit_batches(self) -> GrpoTrainerSettings:
        completions = self.per_device_train_batch_size * self.gradient_accumulation_steps
        if completions % self.num_generations:
            raise ValueError(
                f"num_generations ({self.num_generations}) must divide per_device_train_batch_size x "
                f"gradient_accumulation_steps ({completions}): each prompt's group of completions must fit a batch"
            )
        return self

    def resolved_use_vllm(self) -> bool:
        """``auto`` made concrete: vLLM when CUDA and the vllm package are both present; ``true`` insists on them."""
        import importlib.util

        import torch

        available = torch.cuda.is_available() and importlib.util.find_spec("vllm") is not None
        if self.use_vllm is True and not available:
            raise PosttrainConfigError(
                "trainer.use_vllm: true needs a CUDA GPU and vLLM (pip install 'reasonsuite[gpu]'); "
                "set it to auto or false for transformers generation"
            )
        return available if self.use_vllm == "auto" else bool(self.use_vllm)

    def to_trl(self, output_dir: Path, reward_weights: list[float]) -> GRPOConfig:
        from trl import GRPOConfig

        args = self._common_args(output_dir)
        use_vllm = self.resolved_use_vllm()
        args.update(use_vllm=use_vllm, reward_weights=reward_weights)
        if not use_vllm:
            args.pop("vllm_mode")
            args.pop("vllm_gpu_memory_utilization")
        return _build(GRPOConfig, args, self.extra)


def _build(trl_class: type, args: dict[str, Any], extra: dict[str, Any]) -> Any:
    """Instantiate a TRL config; its own checks (``__post_init__``) become errors naming the trainer section."""
    try:
        return trl_class(**{**args, **extra})
    except (ValueError, TypeError) as err:
        raise PosttrainConfigError(f"trainer: TRL's {trl_class.__name__} rejected the settings: {err}") from None


def _check_extra(extra: dict[str, Any], trl_class_name: str, typed: set[str]) -> list[str]:
    """Problems with ``trainer.extra``: keys TRL does not know, keys posttrain sets, keys with a typed field."""
    if not extra:
        return []
    import trl  # only when needed: importing TRL takes seconds

    fields = {f.name for f in dataclasses.fields(getattr(trl, trl_class_name))}
    problems = []
    for key in extra:
        where = f"trainer.extra.{key}"
        if key in _MANAGED:
            problems.append(f"  {where}: set by posttrain; use {_MANAGED[key]}")
        elif key in typed:
            problems.append(f"  {where}: has its own setting; use trainer.{key}")
        elif key not in fields:
            problems.append(f"  {where}: not a field of TRL's {trl_class_name}{_did_you_mean(key, fields)}")
    return problems


class SftData(_Section):
    """The chain-of-thought set: prompts with reasoned, boxed responses (Recon SFT CoT, 866 rows)."""

    dataset: Literal["recon-cot"] = "recon-cot"
    eval_examples: int = Field(40, ge=0, description="held out for eval loss (split by question, seeded)")
    limit: int | None = Field(None, ge=1, description="train on only the first N examples (smoke runs, tests)")
    long_examples: Literal["drop", "truncate"] = Field(
        "drop", description="examples over trainer.max_length: drop them, or truncate (which cuts off the answer)"
    )


class RlvrData(_Section):
    """The prompt sets GRPO samples from; their columns reach the reward functions."""

    datasets: list[Literal["recon-train", "arena-single-step"]] = Field(
        default_factory=lambda: ["recon-train"],
        description="recon-train: deduplicated Recon-Train (no Recon-Eval questions); arena-single-step: one move "
        "in each one-shot game of the arenas",
    )
    limit: int | None = Field(None, ge=1, description="only the first N prompts after the seeded shuffle")
    max_prompt_length: int | None = Field(
        None, ge=16, description="leave out prompts longer than this many tokens (TRL does not truncate prompts)"
    )

    @field_validator("datasets")
    @classmethod
    def _not_empty(cls, value: list[str]) -> list[str]:
        if not value or len(set(value)) != len(value):
            raise ValueError("name at least one dataset, each once")
        return value


class RewardSettings(_Section):
    """Which reward functions score each completion, with their weights in the total (0: logged only)."""

    functions: dict[str, float] = Field(
        default_factory=lambda: {"recon_hierarchical": 1.0, "recon_format": 0.0, "recon_correctness": 0.0}
    )
    hierarchical: HierarchicalWeights = Field(default_factory=HierarchicalWeights)

    @field_validator("functions")
    @classmethod
    def _known_functions(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = [name for name in value if name not in REWARDS]
        if unknown:
            raise ValueError(
                f"unknown reward {unknown[0]!r}{_did_you_mean(unknown[0], REWARDS)}; known: {', '.join(REWARDS)}"
            )
        if not value:
            raise ValueError("name at least one reward function")
        if not any(weight != 0 for weight in value.values()):
            raise ValueError("every weight is 0: nothing would be optimised")
        return value


class _RunConfig(_Section):
    trl_class_name: ClassVar[str]
    model: str = Field(
        "embedded", description="'embedded' (SmolLM2-135M-Instruct), a local model folder, or a LoRA adapter folder"
    )
    output_dir: Path = Field(description="the run folder: checkpoints, metrics.jsonl, the final adapter")
    lora: LoraSettings = Field(default_factory=LoraSettings)

    @classmethod
    def load(cls, path: str | Path | None = None, overrides: list[str] | tuple[str, ...] = ()) -> Self:
        """The config from a YAML file (optional) with ``key.sub=value`` overrides applied in order.

        Raises PosttrainConfigError listing every problem, each naming its key.
        """
        data = read_yaml(path) if path is not None else {}
        for override in overrides:
            apply_override(data, override)
        source = f" ({path})" if path else ""
        try:
            config = cls.model_validate(data)
        except ValidationError as err:
            raise PosttrainConfigError(f"invalid {cls.__name__}{source}:\n{_explain(err, cls)}") from None
        problems = _check_extra(config.trainer.extra, cls.trl_class_name, set(type(config.trainer).model_fields))
        if problems:
            raise PosttrainConfigError(f"invalid {cls.__name__}{source}:\n" + "\n".join(problems))
        return config

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False)


class SftRunConfig(_RunConfig):
    """``posttrain sft``: LoRA SFT on the chain-of-thought set, loss on the response only."""

    trl_class_name: ClassVar[str] = "SFTConfig"
    data: SftData = Field(default_factory=SftData)
    trainer: SftTrainerSettings = Field(default_factory=SftTrainerSettings)


class RlvrRunConfig(_RunConfig):
    """``posttrain rlvr``: GRPO with verifiable rewards on Recon-Train prompts (and, optionally, arena prompts)."""

    trl_class_name: ClassVar[str] = "GRPOConfig"
    data: RlvrData = Field(default_factory=RlvrData)
    trainer: GrpoTrainerSettings = Field(default_factory=GrpoTrainerSettings)
    rewards: RewardSettings = Field(default_factory=RewardSettings)


# --------------------------------------------------------------------------------------------------- YAML and --set


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads ``2e-4`` as a string; learning rates are written that way, so read it as the float it is."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\d[\d_]*)?(?:\.\d*)?[eE][-+]?\d+$|^[-+]?\d[\d_]*\.\d*$|^[-+]?\.\d+$"),
    list("-+0123456789."),
)


def read_yaml(path: str | Path) -> dict[str, Any]:
    """A YAML file that must hold a mapping; errors name the file and the problem."""
    path = Path(path)
    if not path.is_file():
        raise PosttrainConfigError(f"config file {path} does not exist")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as err:
        raise PosttrainConfigError(f"config file {path} is not valid YAML: {err}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PosttrainConfigError(f"config file {path} must hold a mapping of keys to values")
    return data


def parse_value(text: str) -> Any:
    """A ``--set`` value as YAML: numbers, booleans, null, ``[a, b]`` lists and ``{k: v}`` mappings; else a string."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        return text


def apply_override(data: dict[str, Any], override: str) -> None:
    """Apply one ``dotted.key=value`` to ``data`` in place; a malformed override is an error naming it."""
    key, sep, raw = override.partition("=")
    key = key.strip()
    if not sep or not key:
        raise PosttrainConfigError(f"--set {override!r}: expected key=value, e.g. trainer.learning_rate=1e-4")
    parts = key.split(".")
    if any(not part for part in parts):
        raise PosttrainConfigError(f"--set {key}: empty part in the dotted key")
    node = data
    for depth, part in enumerate(parts[:-1]):
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            where = ".".join(parts[: depth + 1])
            raise PosttrainConfigError(f"--set {key}: {where} holds a value ({child!r}), not a section of keys")
        node = child
    node[parts[-1]] = parse_value(raw)


# --------------------------------------------------------------------------------------------------- error messages


def _did_you_mean(key: str, known: Any) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _section_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic section class at ``loc`` inside ``model``, to suggest its known keys."""
    current: Any = model
    for part in loc:
        field = current.model_fields.get(part) if isinstance(part, str) else None
        annotation = getattr(field, "annotation", None)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        current = annotation
    return current


def _explain(err: ValidationError, model: type[BaseModel]) -> str:
    """One line per problem: ``key.path: message``, with a suggestion for unknown keys."""
    lines = []
    for problem in err.errors():
        loc = tuple(problem.get("loc", ()))
        where = ".".join(str(p) for p in loc) or "config"
        if problem.get("type") == "extra_forbidden":
            section = _section_at(model, loc[:-1])
            hint = _did_you_mean(str(loc[-1]), section.model_fields) if section else ""
            lines.append(f"  {where}: unknown key{hint}")
            continue
        message = problem.get("msg", "invalid").removeprefix("Value error, ")
        got = problem.get("input")
        shown = "" if problem.get("type") in {"value_error", "missing"} or isinstance(got, dict) else f" (got {got!r})"
        lines.append(f"  {where}: {message}{shown}")
    return "\n".join(lines)
