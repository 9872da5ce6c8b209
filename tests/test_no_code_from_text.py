"""No user or model text is ever run as code: a scan of the suite's own source for the calls that would do it.

The suite reads problem descriptions, game files, configs and model output. Python's `eval`/`exec`/`compile`, pickle
and marshal, sympy's `sympify`/`parse_expr` (which evaluate Python) and an unsafe YAML loader would each turn such
text into code; `torch.load` without `weights_only=True` unpickles. None may appear in the packages (the restricted
parser in tools/symbolic is how model-written maths is read).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("agents", "app", "data", "evals", "llm", "posttrain", "reasonsuite", "tools", "benchmarks")
BUILTINS_THAT_RUN_CODE = {"eval", "exec", "compile", "__import__"}  # as methods (model.eval(), re.compile) harmless
SYMPY_EVALUATORS = {"sympify", "parse_expr"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "dill", "cloudpickle"}
SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader", "_Loader"}  # _Loader: posttrain's SafeLoader subclass


def _sources() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def _called_name(node: ast.Call) -> str:
    function = node.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return ""


def _problems(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"{where}: imports {m}" for m in modules if m.split(".")[0] in FORBIDDEN_MODULES]
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        keywords = {keyword.arg: keyword.value for keyword in node.keywords}
        if (name in BUILTINS_THAT_RUN_CODE and isinstance(node.func, ast.Name)) or name in SYMPY_EVALUATORS:
            found.append(f"{where}: calls {name}()")
        if name == "load" and isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", "") == "yaml":
            loader = keywords.get("Loader")
            if not (isinstance(loader, ast.Name | ast.Attribute) and _called_name_of(loader) in SAFE_YAML_LOADERS):
                found.append(f"{where}: yaml.load without a safe loader")
        if name == "load" and getattr(node.func, "value", None) is not None:
            if getattr(node.func.value, "id", "") == "torch":
                weights_only = keywords.get("weights_only")
                if not (isinstance(weights_only, ast.Constant) and weights_only.value is True):
                    found.append(f"{where}: torch.load without weights_only=True")
    return found


def _called_name_of(node: ast.AST) -> str:
    return node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")


def test_the_scan_sees_the_whole_suite() -> None:
    sources = _sources()
    assert len(sources) > 100 and any(path.name == "parser.py" for path in sources)


def test_no_source_runs_text_as_code() -> None:
    problems = [problem for path in _sources() for problem in _problems(path)]
    assert problems == []


@pytest.mark.parametrize(
    "snippet",
    ["eval(text)", "exec(answer)", "import pickle", "from marshal import loads", "sympy.sympify(reply)",
     "parse_expr(s)", "yaml.load(data)", "yaml.load(data, Loader=yaml.Loader)", "torch.load(path)",
     "__import__('os')"],
)  # fmt: skip
def test_the_scan_catches_each_forbidden_form(tmp_path: Path, snippet: str) -> None:
    source = tmp_path / "probe.py"
    source.write_text(snippet + "\n", encoding="utf-8")
    assert _problems(source, tmp_path), snippet


def test_safe_forms_pass_the_scan(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text(
        "import re\nre.compile('x')\nmodel.eval()\nyaml.load(t, Loader=yaml.SafeLoader)\n"
        "torch.load(p, weights_only=True)\nast.literal_eval(s)\n",
        encoding="utf-8",
    )
    assert _problems(source, tmp_path) == []
