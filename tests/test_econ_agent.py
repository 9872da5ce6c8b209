"""The economics agent with scripted models: routing, filling with validation and grounding, mapping, fallback, the
oracle, the batched eval hook and the `ask` command. The solvers are the real tools; only the model is scripted."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from fakes import RespondingLLM
from typer.testing import CliRunner

from reasonsuite.agents.econ import EconConfig, answer, answer_many
from reasonsuite.agents.econ.bindings import Claims, available_bindings, fill_model
from reasonsuite.agents.econ.grounding import numbers_stated, ungrounded_numbers
from reasonsuite.agents.econ.mapping import MappingError, answer_format, map_claims
from reasonsuite.agents.econ.nodes import route_model
from reasonsuite.agents.econ.oracle import gold_preset
from reasonsuite.data import load_recon
from reasonsuite.evals.answers import check_answer
from reasonsuite.evals.econ_agent import run_econ_eval
from reasonsuite.evals.runner import RunMismatchError, run_eval
from reasonsuite.llm import SamplingParams
from reasonsuite.tools.registry import list_tools

RECON = load_recon("eval")
PLAIN_TEXT = "<think>by hand</think> \\boxed{Option 1: plain}"


def _item(category: str, index: int = 0) -> dict[str, Any]:
    return [row for row in RECON if row["category"] == category][index]


def _question(item: dict[str, Any]) -> str:
    return item["messages"][-1]["content"]


def scripted(route: str | Callable[[str], str], fills: list[str] | Callable[[str], str]) -> RespondingLLM:
    """A model that routes with ``route``, fills with the next of ``fills`` (or ``fills(prompt)``), and answers any
    other prompt (the plain fallback) with PLAIN_TEXT."""
    queue = list(fills) if isinstance(fills, list) else None

    def respond(prompt: str) -> str:
        if prompt.startswith("Which calculator"):
            return route(prompt) if callable(route) else json.dumps({"tool": route})
        if prompt.startswith("Fill the input"):
            if queue is not None:
                return queue.pop(0) if len(queue) > 1 else queue[0]
            return fills(prompt)  # type: ignore[operator]
        return PLAIN_TEXT

    return RespondingLLM(respond, structured_retries=0)


def _gold_fill(question: str) -> str:
    """The oracle's input for a templated question, as the model would write it (only the fill schema's fields)."""
    preset = gold_preset(question)
    assert preset is not None
    binding = next(b for b in available_bindings() if b.tool == preset.tool)
    return json.dumps({name: preset.input[name] for name in fill_model(binding).model_fields})


# --- routing to each tool, with the real solver and the mapping onto the question's format ------------------------

_CUSTOM = {
    "expected_utility": (
        "Which do you choose? A pays 100 with probability 50% and 0 otherwise; B pays 40 for sure.\n\nOptions:\n"
        "Option 1: A\nOption 2: B",
        {
            "lotteries": [
                {"name": "Option 1", "outcomes": [100, 0], "probabilities": [0.5, 0.5]},
                {"name": "Option 2", "outcomes": [40], "probabilities": [1]},
            ]
        },  # fmt: skip
        "Option 1: A",
    ),
    "backward_induction": (
        "Player A chooses stop or go. Stop gives A 2 and B 1. After go, Player B chooses left (A 1, B 3) or right "
        "(A 3, B 2). What should Player B do?\n\nOptions:\nOption 1: Player B should go left\n"
        "Option 2: Player B should go right",
        {
            "players": ["A", "B"],
            "tree": {
                "player": "A",
                "moves": {
                    "stop": {"payoffs": [2, 1]},
                    "go": {"player": "B", "moves": {"left": {"payoffs": [1, 3]}, "right": {"payoffs": [3, 2]}}},
                },
            },
        },  # fmt: skip
        "Option 1: Player B should go left",
    ),
    "oligopoly": (
        "Two firms compete in quantities; demand is P = 100 - 1 Q and both have marginal cost 10. What is the "
        "market price?\n\nOptions:\nOption 1: 40\nOption 2: 55",
        {"model": "cournot", "demand_intercept": 100, "demand_slope": 1, "marginal_costs": [10, 10]},
        "Option 1: 40",
    ),
    "symbolic_math": (
        "Solve 2*x - 6 = 0 for x.\n\nOptions:\nOption 1: 3\nOption 2: 6",
        {"operation": "solve", "expression": "2*x - 6 = 0", "variable": "x"},
        "Option 1: 3",
    ),
    "best_response": (
        "Row payoffs [[3, 0], [1, 2]], column payoffs [[1, 0], [0, 1]]; the column player mixes 1/3 and 2/3. Row's "
        "best reply?",
        {
            "row_payoffs": [[3, 0], [1, 2]],
            "col_payoffs": [[1, 0], [0, 1]],
            "player": "row",
            "opponent_strategy": ["1/3", "2/3"],
        },  # fmt: skip
        None,
    ),
}
_RECON_CASES = {
    "nash_equilibria": "pure_nash_equilibrium",
    "perfectly_transparent_equilibrium": "perfectly_transparent_equilibrium",
    "condorcet_winner": "condorcet_voting",
    "bayesian_game_equilibria": "bayesian_states",
}
REGISTERED = {tool.name for tool in list_tools()}


def _cases() -> list[Any]:
    cases = []
    for tool, category in _RECON_CASES.items():
        item = _item(category)
        cases.append(pytest.param(tool, _question(item), _gold_fill(_question(item)), item["answer"], id=tool))
    for tool, (question, filled, gold) in _CUSTOM.items():
        cases.append(pytest.param(tool, question, json.dumps(filled), gold, id=tool))
    item = _item("time_preference")  # $373 tomorrow over $371 today reveals delta >= 371/373: 373 in 196 days wins
    dated = {"options": [{"label": "Option 1", "amount": 371, "delay": 195}, {"label": "Option 2", "amount": 373,
             "delay": 196}], "revealed_choice": {"chosen": {"label": "tomorrow", "amount": 373, "delay": 1},
             "rejected": {"label": "today", "amount": 371, "delay": 0}}}  # fmt: skip
    cases.append(pytest.param("intertemporal_choice", _question(item), json.dumps(dated), item["answer"],
                              id="intertemporal_choice"))  # fmt: skip
    item = _item("repeated_game_min_discount_factor")  # R 280, P 140, T 566, S 486.5: (566 - 280) / (566 - 140) = 0.67
    grim = {"mutual_cooperation": 280.0, "mutual_defection": 140.0, "temptation": 566.0, "sucker": 486.5}
    cases.append(pytest.param("grim_trigger_discount_factor", _question(item), json.dumps(grim), item["answer"],
                              id="grim_trigger_discount_factor"))  # fmt: skip
    return [case for case in cases if case.values[0] in REGISTERED]


@pytest.mark.parametrize(("tool", "question", "filled", "gold"), _cases())
def test_each_tool_is_routed_filled_called_and_mapped(tool: str, question: str, filled: str, gold: str | None) -> None:
    result = answer(question, scripted(tool, [filled]))
    assert result.route is not None and result.route.tool == tool and result.route.source == "llm"
    assert result.tool == tool and result.fallback_reason is None, result.fallback_reason
    assert [attempt.problem for attempt in result.fills] == [None]
    assert result.tool_output is not None and result.mapping is not None
    if gold is None:  # a free-form question: the answer is the tool's summary
        assert (
            result.answer_format == "free" and result.response == "best responses of row: 2 (payoff 5/3)"
        )  # 1/3+4/3 > 3/3
    else:
        assert result.mapping.answer == gold or check_answer(result.response, gold, _type(gold)).correct


def _type(gold: str) -> Any:
    return "multiple_choice" if gold.startswith("Option") else "ne_list"


def test_the_route_schema_lists_the_bound_registered_tools_and_none() -> None:
    tools = tuple(b.tool for b in available_bindings())
    choices = route_model(tools).model_json_schema()["properties"]["tool"]["enum"]
    assert choices == [*tools, "none"]
    assert "rack_check" not in choices and "nash_equilibria" in choices  # only tools with an economics binding


def test_routing_to_none_falls_back_to_the_plain_prompt_of_the_eval() -> None:
    item = _item("causal_reasoning")
    llm = scripted("none", ["{}"])
    result = answer("", llm, messages=item["messages"])
    assert result.tool is None and result.fallback_reason == "no tool applies (routing chose none)"
    assert result.response == PLAIN_TEXT and llm.prompts[-1] == item["messages"][-1]["content"]
    assert not any(p.startswith("Fill the input") for p in llm.prompts)


def test_config_narrows_the_tools_routing_may_choose() -> None:
    llm = scripted("nash_equilibria", ["{}"])
    answer("Solve 2*x = 4", llm, config=EconConfig(tools=("symbolic_math",)))
    catalogue = llm.prompts[0].split("Calculators:")[1].split("Question:")[0]
    assert "symbolic_math" in catalogue and "nash_equilibria" not in catalogue


# --- validation, grounding and fallback -----------------------------------------------------------------------------

PNE = _item("pure_nash_equilibrium")


def test_an_input_the_tool_refuses_twice_ends_in_the_plain_answer() -> None:
    ragged = json.dumps({"row_payoffs": [[8, 7, 3], [2, 6]], "col_payoffs": [[1, 0, 3], [5, 6, 8], [7, 2, 4]]})
    llm = scripted("nash_equilibria", [ragged])
    result = answer("", llm, messages=PNE["messages"])
    assert result.tool is None and len(result.fills) == 2 and len(result.tool_errors) == 2
    assert "row_payoffs.1: row 1 has 2 entries, expected 3" in result.tool_errors[0]
    assert result.fallback_reason.startswith("nash_equilibria refused the input 2 time(s)")
    second_fill = [p for p in llm.prompts if p.startswith("Fill the input")][1]
    assert "Your last input was rejected: row_payoffs.1: row 1 has 2 entries" in second_fill
    assert result.response == PLAIN_TEXT


def test_output_that_never_fits_the_schema_counts_as_a_failed_fill() -> None:
    result = answer("", scripted("nash_equilibria", ['{"row_payoffs": [[1, 2]]}']), messages=PNE["messages"])
    assert [attempt.filled for attempt in result.fills] == [None, None]
    assert all(attempt.problem.startswith("no valid JSON after 1 attempt(s)") for attempt in result.fills)
    assert result.fallback_reason.startswith("the nash_equilibria input failed 2 time(s)")


def test_invented_numbers_are_sent_back_and_a_grounded_second_try_is_used() -> None:
    invented = json.dumps({"row_payoffs": [[8, 7, 3], [2, 6, 1], [5, 0, 99]],
                           "col_payoffs": [[1, 0, 3], [5, 6, 8], [7, 2, 4]]})  # fmt: skip
    llm = scripted("nash_equilibria", [invented, _gold_fill(_question(PNE))])
    result = answer("", llm, messages=PNE["messages"])
    assert result.fills[0].ungrounded == ["row_payoffs.2.2 = 99"] and result.fills[1].problem is None
    assert "numbers not in the question: row_payoffs.2.2 = 99" in [p for p in llm.prompts if "Fill" in p][1]
    assert result.tool == "nash_equilibria" and check_answer(result.response, PNE["answer"], "ne_list").correct


def test_invented_numbers_twice_fall_back_without_calling_the_tool() -> None:
    invented = json.dumps({"row_payoffs": [[11, 12], [13, 14]], "col_payoffs": [[14, 13], [12, 11]]})
    result = answer("", scripted("nash_equilibria", [invented]), messages=PNE["messages"])
    assert result.tool is None and result.tool_output is None
    assert all(attempt.ungrounded for attempt in result.fills) and len(result.fills) == 2
    assert "numbers not in the question" in result.fallback_reason


def test_a_result_that_matches_no_option_falls_back_with_the_reason() -> None:
    question = "Solve 2*x - 6 = 0 for x.\n\nOptions:\nOption 1: 4\nOption 2: 6"
    filled = json.dumps({"operation": "solve", "expression": "2*x - 6 = 0", "variable": "x"})
    result = answer(question, scripted("symbolic_math", [filled]))
    assert result.tool is None and result.tool_output is not None and result.mapping is None
    assert "gives no answer: the result matches none of the options" in result.fallback_reason
    assert result.response == PLAIN_TEXT


# --- mapping and grounding by rule ----------------------------------------------------------------------------------


def test_options_are_chosen_by_label_or_by_a_number_rounded_as_the_option_writes_it() -> None:
    question = "Which?\n\nOptions:\nOption 1: 0.67\nOption 2: 0.68\nOption 3: Player B should pass"
    assert map_claims(Claims("s", numbers=[2 / 3]), question, "multiple_choice").answer == "Option 1: 0.67"
    assert map_claims(Claims("s", labels=["B passes"]), question, "multiple_choice").answer.startswith("Option 3")
    assert map_claims(Claims("s", labels=["Option 2"]), question, "multiple_choice").answer == "Option 2: 0.68"
    with pytest.raises(MappingError, match="matches none"):
        map_claims(Claims("s", numbers=[0.7]), question, "multiple_choice")
    with pytest.raises(MappingError, match=r"matches options \[1, 2\]"):
        map_claims(Claims("s", numbers=[0.67, 0.68]), question, "multiple_choice")


def test_profiles_map_to_a_boxed_list_and_other_formats_are_refused() -> None:
    mapped = map_claims(Claims("s", profiles=[(0, 1), (2, 2)]), "…", "ne_list")
    assert mapped.response.endswith("\\boxed{[[0, 1], [2, 2]]}")
    assert check_answer(mapped.response, "[[2, 2], [0, 1]]", "ne_list").correct
    assert map_claims(Claims("s", profiles=[]), "…", "ne_list").answer == "[]"
    with pytest.raises(MappingError, match="gives none"):
        map_claims(Claims("s", numbers=[1.0]), "…", "ne_list")
    with pytest.raises(MappingError, match="yes no"):
        map_claims(Claims("s", labels=["yes"]), "…", "yes_no")


@pytest.mark.parametrize(
    ("category", "form"),
    [("pure_nash_equilibrium", "ne_list"), ("perfectly_transparent_equilibrium", "ne_list"),
     ("causal_reasoning", "yes_no"), ("event_ordering", "ordering"), ("time_preference", "multiple_choice")],
)  # fmt: skip
def test_the_answer_format_is_read_from_the_question_text(category: str, form: str) -> None:
    assert answer_format(_question(_item(category))) == form


def test_grounding_reads_percentages_signs_and_fractions() -> None:
    text = "win 66.92% of the time, lose -3 or gain 2 of 3 parts; 29,000 units"
    assert {0.6692, 66.92, -3.0, 3.0, 2.0, 29000.0} <= numbers_stated(text)
    filled = {"p": 0.6692, "loss": -3, "share": "2/3", "units": "29000", "label": "x", "player": 7, "mixed": True}
    assert ungrounded_numbers(filled, text) == ["player = 7"]
    assert ungrounded_numbers(filled, text, exempt=("player",)) == []
    assert ungrounded_numbers({"rows": [[1, 5], [0, 4]]}, text) == ["rows.0.1 = 5", "rows.1.1 = 4"]  # 0, 1: words


# --- oracle ---------------------------------------------------------------------------------------------------------


class _NoReadingLLM(RespondingLLM):
    """Fails the test if the agent asks the model to route or fill (the oracle must do both)."""

    def __init__(self) -> None:
        def respond(prompt: str) -> str:
            assert not prompt.startswith(("Which calculator", "Fill the input")), "oracle items must not be read"
            return PLAIN_TEXT

        super().__init__(respond)


@pytest.mark.parametrize("category", ["pure_nash_equilibrium", "perfectly_transparent_equilibrium", "bayesian_states"])
def test_with_gold_inputs_the_tools_solve_every_templated_question(category: str) -> None:
    items = [row for row in RECON if row["category"] == category]
    if gold_preset(_question(items[0])) is None:
        pytest.skip(f"the tool for {category} is not registered")
    results = answer_many([row["messages"] for row in items], _NoReadingLLM(), oracle=True)
    assert all(result.oracle and result.route.source == "oracle" for result in results)
    verdicts = [
        check_answer(r.response, row["answer"], row["answer_type"]).correct
        for r, row in zip(results, items, strict=True)
    ]
    assert sum(verdicts) == len(items) == 20


def test_the_oracle_reads_ballots_and_state_tables() -> None:
    ballots = gold_preset(_question(_item("condorcet_voting")))
    if ballots is not None:
        assert (
            ballots.input["ballots"][0] == {"count": 30, "ranking": ["X", "O", "N"]}
            and len(ballots.input["ballots"]) == 5
        )
    states = gold_preset(_question(_item("bayesian_states")))
    if states is not None:
        first = states.input["states"][0]
        assert first["probability"] == "0.39" and first["row_payoffs"] == [[0.09, 3.42], [0.99, 0.71]]
        assert states.input["row_strategies"] == ["Action R", "Action S"]
    assert gold_preset(_question(_item("causal_reasoning"))) is None


# --- batching and the graph -----------------------------------------------------------------------------------------


class _CountingLLM(RespondingLLM):
    def __init__(self, respond: Callable[[str], str]) -> None:
        super().__init__(respond, structured_retries=0)
        self.batches: list[int] = []

    def generate(self, prompts, params=None, *, schema=None):  # noqa: ANN001 - the protocol's signature
        self.batches.append(len(prompts))
        return super().generate(prompts, params, schema=schema)

    def generate_each(self, prompts, params, schema):  # noqa: ANN001 - the protocol's signature
        self.batches.append(len(prompts))
        return super().generate_each(prompts, params, schema)


def _recon_fills(prompt: str) -> str:
    return _gold_fill(prompt.split("Question:\n", 1)[1])


def _recon_route(prompt: str) -> str:
    return json.dumps({"tool": "nash_equilibria" if "pure strategy Nash" in prompt else "none"})


def test_a_batch_routes_in_one_call_fills_per_tool_and_falls_back_in_one_call() -> None:
    items = [row for row in RECON if row["category"] == "pure_nash_equilibrium"][:3] + [_item("causal_reasoning")]
    llm = _CountingLLM(lambda p: _recon_route(p) if p.startswith("Which") else _recon_fills(p) if p.startswith(
        "Fill") else PLAIN_TEXT)  # fmt: skip
    results = answer_many([row["messages"] for row in items], llm)
    assert llm.batches == [4, 3, 1]  # route all, fill the three matrix questions, plain answer for the last
    assert [r.tool for r in results] == ["nash_equilibria"] * 3 + [None]
    one = answer("", _CountingLLM(llm.respond), messages=items[0]["messages"])
    assert one.model_dump() == results[0].model_dump()  # the graph and the batched driver take the same path


def test_one_item_whose_output_never_validates_does_not_sink_the_batch() -> None:
    items = [row for row in RECON if row["category"] == "pure_nash_equilibrium"][:4]
    bad = _question(items[2])

    def respond(prompt: str) -> str:
        if prompt.startswith("Which"):
            return '{"tool": "nash_equilibria"}'
        if prompt.startswith("Fill"):
            return "{not json" if bad in prompt else _recon_fills(prompt)
        return PLAIN_TEXT

    llm = _CountingLLM(respond)
    results = answer_many([row["messages"] for row in items], llm)
    assert [r.tool for r in results] == ["nash_equilibria", "nash_equilibria", None, "nash_equilibria"]
    # One call per step whatever fails: route 4, fill 4, the bad one's second fill, its plain answer.
    assert llm.batches == [4, 4, 1, 1]
    assert results[2].fills[0].problem.startswith("no valid JSON")


# --- the eval hook --------------------------------------------------------------------------------------------------


class _Task:
    """Four Recon-Eval items (two a tool solves, two it does not) as a task the runner can evaluate."""

    name = "recon-eval"

    def documents(self):  # noqa: ANN201
        wanted = {_item(c)["id"] for c in ("pure_nash_equilibrium", "causal_reasoning")} | {
            _item("pure_nash_equilibrium", 1)["id"], _item("event_ordering")["id"]}  # fmt: skip
        return RECON.filter(lambda row: row["id"] in wanted)

    def majority_source(self) -> None:
        return None


def _eval_llm() -> _CountingLLM:
    return _CountingLLM(lambda p: _recon_route(p) if p.startswith("Which") else _recon_fills(p) if p.startswith(
        "Fill") else PLAIN_TEXT)  # fmt: skip


def test_the_eval_hook_writes_agent_records_and_the_agent_summary(tmp_path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    lines = [{"doc_id": row["id"], "correct": False} for row in _Task().documents()]
    (plain / "samples.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "agent"
    results = run_econ_eval(_Task(), _eval_llm(), out, SamplingParams(max_new_tokens=64), plain_run=plain)  # type: ignore[arg-type]
    records = [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]
    assert len(records) == 4 and all("agent" in r for r in records)
    by_category = {r["category"]: r for r in records}
    pne = by_category["pure_nash_equilibrium"]
    assert pne["correct"] and pne["agent"]["used_tool"] and pne["agent"]["tool"] == "nash_equilibria"
    assert pne["agent"]["route"]["tool"] == "nash_equilibria" and "pure_equilibria" in pne["agent"]["tool_output"]
    causal = by_category["causal_reasoning"]
    assert causal["agent"]["fallback_reason"].startswith("no tool applies") and causal["response"] == PLAIN_TEXT
    summary = json.loads((out / "results.json").read_text())["agent"]
    assert summary == results["agent"] and summary["name"] == "econ"
    pne_cell = summary["per_category"]["pure_nash_equilibrium"]
    assert pne_cell["n"] == 2 and pne_cell["tool_used_rate"] == 1.0 and pne_cell["accuracy_tool_used"]["correct"] == 2
    assert pne_cell["plain"]["correct"] == 0 and pne_cell["agent"]["correct"] == 2
    assert summary["overall"]["tool_chosen_rate"] == 0.5 and summary["overall"]["validation_failure_items"] == 0
    assert summary["fallback_reasons"] == {"no tool applies": 2}
    assert json.loads((out / "run.json").read_text())["agent"] == "econ"
    with pytest.raises(RunMismatchError, match="agent"):  # a plain run must not resume into the agent's folder
        run_eval(_Task(), _eval_llm(), out, SamplingParams(max_new_tokens=64))  # type: ignore[arg-type]


def test_the_oracle_eval_reads_templated_items_without_the_model(tmp_path) -> None:
    llm = _eval_llm()
    results = run_econ_eval(_Task(), llm, tmp_path, SamplingParams(max_new_tokens=64), oracle=True)  # type: ignore[arg-type]
    assert results["agent"]["name"] == "econ-oracle" and results["agent"]["overall"]["oracle_inputs"] == 2
    assert results["agent"]["per_category"]["pure_nash_equilibrium"]["agent"]["accuracy"] == 1.0


# --- the ask command ------------------------------------------------------------------------------------------------


def test_ask_prints_the_steps_and_the_answer_or_the_json_record(monkeypatch) -> None:
    from reasonsuite import ask_cli
    from reasonsuite.cli import app

    question = _question(PNE)
    monkeypatch.setattr(ask_cli, "load_backend", lambda config: scripted("nash_equilibria", [_gold_fill(question)]))
    runner = CliRunner()
    shown = runner.invoke(app, ["ask", question])
    assert shown.exit_code == 0, shown.output
    assert "nash_equilibria (llm)" in shown.output and re.search(r"\\boxed\{\[\]\}", shown.output)
    as_json = runner.invoke(app, ["ask", question, "--json"])
    record = json.loads(as_json.output)
    assert record["tool"] == "nash_equilibria" and record["fills"][0]["problem"] is None


def test_eval_run_rejects_an_unknown_agent() -> None:
    from reasonsuite.cli import app

    result = CliRunner().invoke(app, ["eval", "run", "--agent", "magic", "--limit", "1"])
    assert result.exit_code == 2 and "econ, econ-oracle" in result.output
