"""The ``posttrain`` command: ``sft``, ``rlvr``, ``merge`` and ``plot`` over the library in this package.

A thin shell, as TRL's ``trl sft`` is over its script: build the config from a file and ``--set`` overrides, call the
run function, print where the results are and what to run next. Expected errors (a bad config, a missing folder)
print one message and exit 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from ..cli_common import fail, run_app

if TYPE_CHECKING:
    from .runs import RunResult

# The library (torch, TRL) loads inside each command, so that `posttrain --help` answers at once.
CONFIGS_DIR = Path(__file__).resolve().parent / "configs"

app = typer.Typer(
    name="posttrain",
    help="Post-train reasoning models: LoRA SFT on chain-of-thought data, GRPO with verifiable rewards (TRL + PEFT).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()

ConfigOption = Annotated[
    str,
    typer.Option(
        "--config", "-c", help="YAML run config: a path, or the name of a shipped one (see `posttrain configs`)"
    ),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", "-s", help="override one key, e.g. --set trainer.max_steps=10 (repeatable)"),
]
ResumeOption = Annotated[
    bool, typer.Option("--resume", help="continue the run in output_dir from its last checkpoint (same data order)")
]
PrintOption = Annotated[bool, typer.Option("--print-config", help="validate, print the resolved config and exit")]


@contextmanager
def _expected_errors() -> Iterator[None]:
    from .config import PosttrainConfigError
    from .model import ModelLoadError

    try:
        yield
    except (PosttrainConfigError, ModelLoadError, FileExistsError, FileNotFoundError) as err:
        raise fail(str(err)) from None


def config_path(name: str) -> Path:
    """A config path as given, else a shipped config by name (``sft-smollm2-cpu`` or ``sft-smollm2-cpu.yaml``)."""
    path = Path(name).expanduser()
    if path.is_file():
        return path
    shipped = CONFIGS_DIR / (name if name.endswith(".yaml") else f"{name}.yaml")
    if shipped.is_file() and path.parent == Path("."):
        return shipped
    from .config import PosttrainConfigError

    known = ", ".join(sorted(p.stem for p in CONFIGS_DIR.glob("*.yaml")))
    raise PosttrainConfigError(f"--config: {name} is neither a file nor a shipped config ({known})")


def _quiet_libraries() -> None:
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # per-file loading bars; the training progress bar stays
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("reasonsuite").setLevel(logging.INFO)


def _report(result: RunResult, what: str) -> None:
    console.print(f"[bold green]{what} done[/] after {result.global_step} steps: adapter in {result.adapter}")
    console.print(f"Curves: posttrain plot {result.run_dir}", highlight=False)
    console.print(f"Merged copy: posttrain merge {result.adapter} --out {result.run_dir / 'merged'}", highlight=False)
    console.print("Evaluate on Recon-Eval, with the base model for comparison:", highlight=False)
    console.print(result.next_steps(), highlight=False, markup=False)


@app.command()
def sft(config: ConfigOption, set_: SetOption = None, resume: ResumeOption = False, print_config: PrintOption = False):
    """LoRA SFT on the Recon chain-of-thought set (loss on the response only, eval loss on a held-out split)."""
    with _expected_errors():
        from .config import SftRunConfig

        run_config = SftRunConfig.load(config_path(config), set_ or [])
        if print_config:
            console.print(run_config.to_yaml(), highlight=False, markup=False)
            return
        _quiet_libraries()
        from .sft import run_sft

        _report(run_sft(run_config, resume=resume), "SFT")


@app.command()
def rlvr(config: ConfigOption, set_: SetOption = None, resume: ResumeOption = False, print_config: PrintOption = False):
    """GRPO with verifiable rewards (the evals' answer checker) on Recon-Train prompts, with LoRA."""
    with _expected_errors():
        from .config import RlvrRunConfig

        run_config = RlvrRunConfig.load(config_path(config), set_ or [])
        if print_config:
            console.print(run_config.to_yaml(), highlight=False, markup=False)
            return
        _quiet_libraries()
        from .rlvr import run_rlvr

        _report(run_rlvr(run_config, resume=resume), "GRPO")


@app.command()
def merge(
    adapter: Annotated[Path, typer.Argument(help="a LoRA adapter folder (a run's adapter/ or checkpoint-N/)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="folder for the merged model")],
    dtype: Annotated[str, typer.Option(help="float32 | bfloat16 | float16")] = "float32",
    overwrite: Annotated[bool, typer.Option(help="replace --out if it exists")] = False,
):
    """Merge a LoRA adapter into its base model: a plain safetensors folder with tokenizer, loadable anywhere."""
    with _expected_errors():
        _quiet_libraries()
        from .config import PosttrainConfigError
        from .merge import merge_adapter

        try:
            merged = merge_adapter(adapter, out, dtype=dtype, overwrite=overwrite)
        except ValueError as err:
            raise PosttrainConfigError(str(err)) from None
    console.print(f"merged model in {merged}", highlight=False)
    console.print(f"  reasonsuite eval run --task recon-eval --model {merged}", highlight=False)


@app.command()
def plot(
    run: Annotated[Path, typer.Argument(help="a run folder (output_dir of posttrain sft or rlvr)")],
    out: Annotated[Path | None, typer.Option(help="folder for curves.png (default: the run folder)")] = None,
):
    """Write the run's loss, reward and learning-rate curves to curves.png."""
    with _expected_errors():
        from .config import PosttrainConfigError
        from .plot import plot_run

        try:
            written = plot_run(run, out)
        except (ValueError, FileNotFoundError) as err:
            raise PosttrainConfigError(str(err)) from None
    console.print(str(written), highlight=False)


@app.command()
def configs():
    """List the shipped run configs (pass a name to --config)."""
    for path in sorted(CONFIGS_DIR.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
        console.print(f"[bold]{path.stem}[/]  {first}", highlight=False)


def main() -> None:
    run_app(app, interrupted="interrupted (resume with --resume)")


if __name__ == "__main__":
    main()
