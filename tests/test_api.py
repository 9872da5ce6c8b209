"""The agent API over HTTP (FastAPI's TestClient): every route with good and bad input, the SSE trace, the workflow's
questions answered through `resume`, evaluations, the bearer token, the body size limit and the 429/503 refusals."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fakes import RespondingLLM
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

from reasonsuite.app.api import ApiSettings, create_app
from reasonsuite.app.api.errors import BusyError
from reasonsuite.app.api.guards import ConcurrencyGate
from reasonsuite.app.jobs import JobResult
from reasonsuite.app.services import Services
from reasonsuite.app.shared_model import SharedModel
from reasonsuite.data import load_rack_problems, problem_description

TEXT = problem_description("1")
NO_WEIGHTS = TEXT.replace(
    "pallet weights are 1250 lbs at 4.0 ft, 750 lbs at 8.5 ft, 500 lbs at 13.0 ft",
    "pallet weights are typical for the warehouse",
)
DILEMMA = {"row_payoffs": [[3, 0], [5, 1]], "col_payoffs": [[3, 5], [0, 1]],
           "row_strategies": ["C", "D"], "col_strategies": ["C", "D"]}  # fmt: skip
NO_SUCH_RUN = "0" * 32


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[TestClient]:
    settings = ApiSettings(runs_dir=tmp_path_factory.mktemp("api") / "runs")
    with TestClient(create_app(settings)) as client:
        yield client


def wait_for(client: TestClient, path: str, timeout_s: float = 120.0) -> dict[str, Any]:
    """Poll a run until it stops (finished, failed or waiting), as a client would."""
    stop = threading.Event()
    for _ in range(int(timeout_s / 0.1)):
        run = client.get(path).json()
        if run["status"] not in ("queued", "running"):
            return run
        stop.wait(0.1)
    raise AssertionError(f"{path} still {run['status']} after {timeout_s} s")


def start_masse(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/masse/runs", json=body)
    assert response.status_code == 202, response.text
    started = response.json()
    assert started["status"] == "queued" and len(started["run_id"]) == 32
    return wait_for(client, f"/v1/masse/runs/{started['run_id']}")


def sse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    """(event name, data) of each server-sent event in a response body."""
    events = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "data" in fields:
            events.append((fields.get("event", "message"), json.loads(fields["data"])))
    return events


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return response.json()["error"]


@pytest.fixture(scope="module")
def sample_run(client) -> dict[str, Any]:
    """The sample rack problem's text, checked in deterministic mode (redesign included)."""
    return start_masse(client, problem_text=TEXT, problem_id="sample-1")


# -- health and tools ----------------------------------------------------------------------------------------------


def test_health(client) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["model"] is None and health["jobs_active"] >= 0


def test_the_tools_are_listed_and_described_with_their_schemas(client) -> None:
    names = [tool["name"] for tool in client.get("/v1/tools").json()]
    assert {"nash_equilibria", "seismic_hazard", "convert_units", "rack_check"} <= set(names)
    nash = client.get("/v1/tools/nash_equilibria").json()
    assert "row_payoffs" in nash["input_schema"]["properties"] and "equilibria" in nash["output_schema"]["properties"]
    assert "/v1/tools/nash_equilibria" in client.get("/openapi.json").json()["paths"]


def test_a_tool_call_computes(client) -> None:
    response = client.post("/v1/tools/nash_equilibria", json=DILEMMA)
    assert response.status_code == 200
    equilibria = response.json()["equilibria"]
    pure = [[s["support"] for s in eq["strategies"]] for eq in equilibria if eq["pure"]]
    assert pure == [[["D"], ["D"]]]  # the prisoner's dilemma: both defect
    hazard = client.post("/v1/tools/seismic_hazard", json={"location": "Nanaimo"}).json()
    assert hazard["Sa_0_2"] == pytest.approx(1.02)


def test_bad_tool_input_is_422_naming_the_field(client) -> None:
    wrong_type = error_of(client.post("/v1/tools/nash_equilibria", json={"row_payoffs": "x"}), 422)
    assert wrong_type["field"] == "row_payoffs" and wrong_type["type"] == "invalid_request"
    misspelt = error_of(client.post("/v1/tools/seismic_hazard", json={"location": "Nanaimo", "sites": 1}), 422)
    assert misspelt["field"] == "sites"
    # A problem only the calculation sees (not the schema) is named the same way.
    unknown_place = error_of(client.post("/v1/tools/seismic_hazard", json={"location": "Nanaimoo"}), 422)
    assert unknown_place["field"] == "location" and "Nanaimo" in unknown_place["message"]
    not_json = error_of(client.post("/v1/tools/seismic_hazard", content=b"{nope",
                                    headers={"content-type": "application/json"}), 422)  # fmt: skip
    assert "JSON" in not_json["message"]


def test_an_unknown_tool_is_404_naming_the_closest(client) -> None:
    error = error_of(client.post("/v1/tools/nash_equilibrium", json={}), 404)
    assert "nash_equilibria" in error["message"]
    assert "nash_equilibria" in error_of(client.get("/v1/tools/nash_equilibrium"), 404)["message"]


# -- MASSE runs ----------------------------------------------------------------------------------------------------


def test_a_run_finishes_with_verdict_table_and_report(client, sample_run) -> None:
    run = sample_run
    assert run["status"] == "finished" and run["verdict"] == "ADEQUATE" and run["error"] == ""
    assert run["request"]["problem_id"] == "sample-1" and run["request"]["mode"] == "deterministic"
    assert [r["verdict"] for r in run["rounds"]][0] == "INADEQUATE"  # as given; the redesign passes
    utilisations = [m["utilisation"] for m in run["members"]]
    assert utilisations == sorted(utilisations, reverse=True) and all(m["status"] == "ADEQUATE" for m in run["members"])
    assert "The design as given is INADEQUATE" in run["sign_off_note"]
    assert run["run_id"] in [listed["run_id"] for listed in client.get("/v1/masse/runs").json()]


def test_the_report_downloads(client, sample_run) -> None:
    base = f"/v1/masse/runs/{sample_run['run_id']}/report"
    markdown = client.get(f"{base}/markdown")
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("# MASSE engineer's report") and "sample-1" in markdown.text
    pdf = client.get(f"{base}/pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    frame = client.get(f"{base}/frame")
    assert frame.headers["content-type"] == "image/png" and frame.content.startswith(b"\x89PNG")
    missing = error_of(client.get(f"{base}/../../job.json"), 404)  # no way out of the run's folder
    assert missing["type"] == "not_found"
    assert "available: " in error_of(client.get(f"{base}/nope"), 409)["message"]


def test_the_trace_streams_as_server_sent_events(client, sample_run) -> None:
    response = client.get(f"/v1/masse/runs/{sample_run['run_id']}/events")
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    names = [name for name, _ in events]
    assert names[0] == "node_start" and events[0][1]["node"] == "project_manager"
    assert {"node_start", "trace", "node_end"} <= set(names) and names.count("end") == 1
    assert events[-1] == ("end", {"status": "finished", "error": ""})
    tools = [data["name"] for name, data in events if name == "trace" and data["kind"] == "tool"]
    assert tools[:2] == ["storage_rack_loads", "seismic_hazard"] and "member_checks" in tools
    later = sse_events(client.get(f"/v1/masse/runs/{sample_run['run_id']}/events", params={"after": 5}).text)
    assert later[:-1] == events[5:-1]  # a reconnecting client picks up where it left off


def test_a_missing_value_becomes_a_question_and_the_answer_finishes_the_run(client) -> None:
    run = start_masse(client, problem_text=NO_WEIGHTS, on_missing="interrupt", max_redesign_rounds=0)
    assert run["status"] == "waiting" and run["question"]["missing"] == ["pallet_weights_lb"]
    path = f"/v1/masse/runs/{run['run_id']}"
    assert sse_events(client.get(f"{path}/events").text)[-1] == ("end", {"status": "waiting", "error": ""})
    no_answer = error_of(client.post(f"{path}/resume", json={}), 409)
    assert "waits for an answer" in no_answer["message"]
    assert error_of(client.post(f"{path}/resume", json={"answer": [1, 2]}), 422)["field"] == "answer"
    answer = {"level_elevations_ft": [4.0, 8.5, 13.0], "pallet_weights_lb": [1250, 750, 500]}
    resumed = client.post(f"{path}/resume", json={"answer": answer})
    assert resumed.status_code == 202 and resumed.json()["status"] == "queued"
    done = wait_for(client, path)
    assert done["status"] == "finished" and done["verdict"] == "INADEQUATE" and done["question"] is None


def test_an_approval_is_asked_before_the_sign_off(client) -> None:
    record = load_rack_problems()["1"].model_dump()
    run = start_masse(client, problem=record, require_approval=True, max_redesign_rounds=0)
    assert run["status"] == "waiting" and run["question"]["role"] == "safety_manager"
    path = f"/v1/masse/runs/{run['run_id']}"
    assert client.post(f"{path}/resume", json={"answer": {"approve": True}}).status_code == 202
    done = wait_for(client, path)
    assert done["status"] == "finished" and done["verdict"] == "INADEQUATE" and done["sign_off_note"]


def test_a_finished_run_cannot_be_resumed(client, sample_run) -> None:
    error = error_of(client.post(f"/v1/masse/runs/{sample_run['run_id']}/resume", json={}), 409)
    assert "finished" in error["message"]


@pytest.mark.parametrize("path", ["", "/events", "/report/markdown"])
def test_an_unknown_run_is_404(client, path) -> None:
    assert error_of(client.get(f"/v1/masse/runs/{NO_SUCH_RUN}{path}"), 404)["field"] == "run_id"
    assert error_of(client.get(f"/v1/masse/runs/not-an-id{path}"), 404)["type"] == "not_found"
    assert error_of(client.post(f"/v1/masse/runs/{NO_SUCH_RUN}/resume", json={}), 404)["type"] == "not_found"


def test_a_bad_run_request_is_422_naming_the_field(client) -> None:
    record = load_rack_problems()["1"].model_dump()
    record["bays"] = "two"
    bad_problem = error_of(client.post("/v1/masse/runs", json={"problem": record}), 422)
    assert bad_problem["field"] == "problem.bays" and "valid integer" in bad_problem["message"]
    both = error_of(client.post("/v1/masse/runs", json={"problem": record, "problem_text": TEXT}), 422)
    assert "exactly one of problem_text or problem" in both["message"]
    assert error_of(client.post("/v1/masse/runs", json={"problem_text": TEXT, "mode": "magic"}), 422)["field"] == "mode"
    assert error_of(client.post("/v1/masse/runs", json={"problem_text": "short"}), 422)["field"] == "problem_text"
    assert error_of(client.post("/v1/masse/runs", json={"problem_text": TEXT, "colour": 1}), 422)["field"] == "colour"
    assert error_of(client.get("/v1/masse/runs", params={"limit": 0}), 422)["field"] == "limit"
    masse_layout = {"floor_elevations": ["4"], "column_dimensions": 5}  # a MASSE record with a number for an object
    flat = error_of(client.post("/v1/masse/runs", json={"problem": masse_layout}), 422)
    assert flat["field"] == "problem.column_dimensions" and "width, depth and thickness" in flat["message"]


def test_an_llm_run_without_a_model_is_409(client) -> None:
    error = error_of(client.post("/v1/masse/runs", json={"problem_text": TEXT, "mode": "llm"}), 409)
    assert "needs a model" in error["message"]


# -- evaluations ---------------------------------------------------------------------------------------------------


def test_a_deterministic_masse_evaluation_runs_and_reports(client) -> None:
    response = client.post("/v1/evals/runs", json={"task": "masse", "mode": "deterministic", "limit": 1})
    assert response.status_code == 202
    path = f"/v1/evals/runs/{response.json()['run_id']}"
    run = wait_for(client, path)
    assert run["status"] == "finished" and run["error"] == ""
    assert run["progress"]["answered"] == run["progress"]["total"] >= 1
    assert run["results"] and run["results"]["mode"] == "deterministic"
    assert run["run_id"] in [listed["run_id"] for listed in client.get("/v1/evals/runs").json()]


def test_bad_evaluation_requests(client) -> None:
    unknown = error_of(client.post("/v1/evals/runs", json={"task": "no-such-task"}), 422)
    assert unknown["field"] == "task" and "recon-eval" in unknown["message"]
    assert error_of(client.post("/v1/evals/runs", json={"task": "masse", "limit": 0}), 422)["field"] == "limit"
    needs_model = error_of(client.post("/v1/evals/runs", json={"task": "recon-eval", "limit": 1}), 409)
    assert "needs a model" in needs_model["message"]
    llm_masse = error_of(client.post("/v1/evals/runs", json={"task": "masse", "mode": "llm"}), 409)
    assert "needs a model" in llm_masse["message"]
    assert error_of(client.get(f"/v1/evals/runs/{NO_SUCH_RUN}"), 404)["type"] == "not_found"


# -- economics questions -------------------------------------------------------------------------------------------


def test_an_economics_question_is_answered_by_the_tool_and_says_so(tmp_path) -> None:
    def respond(prompt: str) -> str:  # the model routes and reads; the solver computes
        if prompt.startswith("Which calculator"):
            return json.dumps({"tool": "symbolic_math"})
        if prompt.startswith("Fill the input"):
            return json.dumps({"operation": "solve", "expression": "2*x - 6 = 0", "variable": "x"})
        return "I think \\boxed{Option 2: 6}"

    model = SharedModel(factory=lambda: RespondingLLM(respond))
    with TestClient(create_app(ApiSettings(runs_dir=tmp_path / "runs"), model=model)) as client:
        question = "Solve 2*x - 6 = 0 for x.\n\nOptions:\nOption 1: 3\nOption 2: 6"
        response = client.post("/v1/econ/questions", json={"question": question})
        assert response.status_code == 202, response.text
        asked = wait_for(client, f"/v1/econ/questions/{response.json()['question_id']}")
        assert asked["status"] == "finished", asked["error"]
        result = asked["result"]
        assert result["answer"] == "Option 1: 3" and result["computed_by"] == "symbolic_math"
        assert result["tool_input"]["expression"] == "2*x - 6 = 0" and result["fallback_reason"] is None
        assert result["record"]["route"]["tool"] == "symbolic_math"
        assert asked["question_id"] in [q["question_id"] for q in client.get("/v1/econ/questions").json()]
        short = error_of(client.post("/v1/econ/questions", json={"question": "why?"}), 422)
        assert short["field"] == "question"
        unknown = error_of(client.post("/v1/econ/questions", json={"question": question, "temperature": 2}), 422)
        assert unknown["field"] == "temperature"


def test_an_economics_question_without_a_model_is_409(client) -> None:
    error = error_of(client.post("/v1/econ/questions", json={"question": "What is a Nash equilibrium?"}), 409)
    assert "needs a model" in error["message"]


# -- the token, size limits and refusals ---------------------------------------------------------------------------


def test_the_bearer_token_guards_every_v1_route(tmp_path) -> None:
    settings = ApiSettings(runs_dir=tmp_path, token="s3cret")
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").status_code == 200  # liveness stays open
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}):
            response = client.get("/v1/tools", headers=headers)
            assert error_of(response, 401)["type"] == "unauthorized"
            assert response.headers["www-authenticate"] == "Bearer"
        assert error_of(client.post("/v1/tools/seismic_hazard", json={"location": "Nanaimo"}), 401)
        assert error_of(client.post("/v1/masse/runs", json={"problem_text": TEXT}), 401)
        good = {"Authorization": "Bearer s3cret"}
        assert client.get("/v1/tools", headers=good).status_code == 200
        assert client.post("/v1/tools/seismic_hazard", json={"location": "Nanaimo"}, headers=good).status_code == 200


def test_a_token_is_required_off_loopback() -> None:
    with pytest.raises(ValidationError, match="REASONSUITE_API_TOKEN"):
        ApiSettings(host="0.0.0.0")
    assert ApiSettings(host="0.0.0.0", token="s3cret").token is not None
    assert ApiSettings(host="::1").token is None and ApiSettings(host="localhost").token is None


def test_a_body_over_the_limit_is_413_declared_or_streamed(tmp_path) -> None:
    settings = ApiSettings(runs_dir=tmp_path, max_body_bytes=2048)
    big = {"location": "Nanaimo", "padding": "x" * 4000}
    with TestClient(create_app(settings)) as client:
        declared = client.post("/v1/tools/seismic_hazard", json=big)
        assert error_of(declared, 413)["type"] == "too_large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: the body is counted as it arrives
            yield b'{"location": "Nanaimo", "padding": "'
            for _ in range(10):
                yield b"x" * 400
            yield b'"}'

        json_type = {"content-type": "application/json"}
        streamed = client.post("/v1/tools/seismic_hazard", content=chunks(), headers=json_type)
        assert "content-length" not in streamed.request.headers
        assert error_of(streamed, 413)["type"] == "too_large"
        small = client.post("/v1/tools/seismic_hazard", json={"location": "Nanaimo"})
        assert small.status_code == 200


class _Nothing(BaseModel):
    pass


def test_a_full_job_queue_is_429(tmp_path) -> None:
    services = Services.create(tmp_path, workers=1, queue=0)
    release = threading.Event()

    def hold(record, folder, emit, answer) -> JobResult:  # a real job that runs until released
        release.wait(30)
        return JobResult(outcome={"held": True})

    with TestClient(create_app(ApiSettings(runs_dir=tmp_path), services=services)) as client:
        busy = services.jobs.submit("hold", _Nothing(), hold)
        try:
            response = client.post("/v1/masse/runs", json={"problem_text": TEXT})
            assert error_of(response, 429)["type"] == "queue_full" and response.headers["retry-after"]
            assert client.get("/health").json()["jobs_active"] == 1
        finally:
            release.set()
        assert services.jobs.wait(busy.job_id).status == "finished"


def test_a_full_tool_gate_refuses_at_once() -> None:
    gate = ConcurrencyGate(workers=1, queue=0)
    entered, release = threading.Event(), threading.Event()

    def slow() -> str:
        entered.set()
        release.wait(10)
        return "done"

    async def scenario() -> tuple[str, str]:
        first = asyncio.create_task(gate.run(slow))
        await asyncio.to_thread(entered.wait, 10)
        with pytest.raises(BusyError, match="limit 1"):
            await gate.run(slow)
        release.set()
        return await first, await gate.run(lambda: "again")  # the slot is free once the first call ends

    assert asyncio.run(scenario()) == ("done", "again")
    assert gate.admitted == 0


def test_a_refused_tool_call_is_503_with_retry_after(tmp_path) -> None:
    """The HTTP side of the gate: a tool call beyond the limit answers 503 while another computes."""
    settings = ApiSettings(runs_dir=tmp_path, tool_workers=1, tool_queue=0)
    entered, release = threading.Event(), threading.Event()
    app = create_app(settings)
    gate: ConcurrencyGate = app.state.tool_gate  # held by a call that waits: the gate is under test, not a tool
    with TestClient(app) as client:

        def held() -> None:
            entered.set()
            release.wait(10)

        results: list[Any] = []
        holder = threading.Thread(target=lambda: results.append(client.portal.call(gate.run, held)))
        holder.start()
        assert entered.wait(10)
        try:
            response = client.post("/v1/tools/seismic_hazard", json={"location": "Nanaimo"})
            assert error_of(response, 503)["type"] == "busy" and response.headers["retry-after"] == "1"
        finally:
            release.set()
            holder.join(10)
        assert client.post("/v1/tools/seismic_hazard", json={"location": "Nanaimo"}).status_code == 200
