"""The lm-evaluation-harness task file's hooks (the harness itself is not a dependency; see evals/lm_eval)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml

TASK_DIR = Path(__file__).resolve().parents[1] / "evals" / "lm_eval"


def _hooks():
    spec = importlib.util.spec_from_file_location("recon_eval_utils", TASK_DIR / "utils.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_task_file_names_its_hooks() -> None:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!function", lambda loader, node: ("function", loader.construct_scalar(node)))
    config = yaml.load((TASK_DIR / "recon_eval.yaml").read_text(), Loader=Loader)  # noqa: S506 - SafeLoader subclass
    hooks = _hooks()
    for key in ("custom_dataset", "doc_to_text", "process_results"):
        kind, target = config[key]
        assert kind == "function" and hasattr(hooks, target.removeprefix("utils."))
    assert config["output_type"] == "generate_until" and config["test_split"] == "test"


def test_hooks_load_the_shipped_split_and_score_with_the_suite_checker() -> None:
    hooks = _hooks()
    test = hooks.load_recon_eval()["test"]
    assert len(test) == 300
    doc = test[0]
    assert "Question:" in hooks.doc_to_text(doc)
    assert hooks.process_results(doc, [r"\boxed{Option 1}"]) == {"acc": 1.0, "extracted": 1.0}
    assert hooks.process_results(doc, ["no idea"]) == {"acc": 0.0, "extracted": 0.0}
