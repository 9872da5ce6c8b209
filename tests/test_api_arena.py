"""`/v1/arena/matches` over HTTP: scripted matches, a human seat fed through `/moves`, the SSE stream, bad input."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_api import sse_events, wait_for

from reasonsuite.app.api import ApiSettings, create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[TestClient]:
    settings = ApiSettings(runs_dir=tmp_path_factory.mktemp("arena") / "runs")
    with TestClient(create_app(settings)) as client:
        yield client


def start(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/arena/matches", json=body)
    assert response.status_code == 202, response.text
    return response.json()


def test_tit_for_tat_and_grim_cooperate_in_every_round_over_http(client: TestClient) -> None:
    match = start(client, game="prisoner_dilemma", players=["tit-for-tat", "grim"], rounds=4, trials=3)
    done = wait_for(client, f"/v1/arena/matches/{match['run_id']}")
    assert done["status"] == "finished", done["error"]
    result = done["result"]
    assert len(result["matches"]) == 3
    assert {tuple(r["actions"]) for m in result["matches"] for r in m["rounds"]} == {("cooperate", "cooperate")}
    assert [m["mean_payoff"]["mean"] for m in result["metrics"]] == [3.0, 3.0]
    stream = client.get(f"/v1/arena/matches/{match['run_id']}/events")
    names = [name for name, _ in sse_events(stream.text)]
    assert names.count("match_start") == 3 and names.count("round") == 12 and names[-1] == "end"


def test_a_human_seat_plays_through_the_moves_route(client: TestClient) -> None:
    match = start(client, game="prisoner_dilemma", players=["human", "tit-for-tat"], rounds=2)
    path = f"/v1/arena/matches/{match['run_id']}"
    pause = threading.Event()
    for action in ("defect", "cooperate"):
        for _ in range(300):
            view = client.get(path).json()
            if view["awaiting"] is not None:
                break
            pause.wait(0.05)
        assert view["awaiting"]["view"]["legal_actions"] == ["cooperate", "defect"]
        refused = client.post(f"{path}/moves", json={"action": "betray"})
        assert refused.status_code == 422 and refused.json()["error"]["field"] == "action"
        assert client.post(f"{path}/moves", json={"action": action}).status_code == 200
    done = wait_for(client, path)
    rounds = done["result"]["matches"][0]["rounds"]
    assert [r["actions"] for r in rounds] == [["defect", "cooperate"], ["cooperate", "defect"]]
    again = client.post(f"{path}/moves", json={"action": "defect"})
    assert again.status_code == 409 and "not waiting" in again.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"game": "chess", "players": ["random", "random"]}, "game", "unknown game 'chess'"),
        ({"game": "stag_hunt", "players": ["random"]}, "", "stag_hunt has 2 seats, got 1"),
        ({"game": "stag_hunt", "players": ["random", "psychic"]}, "", "psychic"),
        ({"game": "stag_hunt", "players": ["human", "random"], "trials": 3}, "", "a match with a human seat"),
        ({"game": "stag_hunt", "players": ["llm", "random"]}, "", "needs a model"),
        ({"game": "stag_hunt", "players": ["random", "random"], "rounds": 0}, "rounds", "greater than or equal"),
    ],
)
def test_bad_matches_are_refused_naming_the_problem(client: TestClient, body: dict, field: str, message: str) -> None:
    response = client.post("/v1/arena/matches", json=body)
    assert response.status_code in (409, 422), response.text
    error = response.json()["error"]
    assert message in error["message"] and error["field"] == field


def test_an_unknown_match_is_404_before_any_stream_starts(client: TestClient) -> None:
    assert client.get(f"/v1/arena/matches/{'0' * 32}").status_code == 404
    assert client.get(f"/v1/arena/matches/{'0' * 32}/events").status_code == 404


def test_a_human_bids_a_number_in_a_continuous_game(client: TestClient) -> None:
    match = start(client, game="cournot_duopoly", players=["human", "equilibrium"], rounds=1)
    path = f"/v1/arena/matches/{match['run_id']}"
    pause = threading.Event()
    for _ in range(300):
        view = client.get(path).json()
        if view["awaiting"] is not None:
            break
        pause.wait(0.05)
    low, high = view["awaiting"]["view"]["action_range"]
    for bad, problem in (("lots", "is not a number"), (str(high + 1), "outside the legal range")):
        refused = client.post(f"{path}/moves", json={"action": bad})
        assert refused.status_code == 422 and problem in refused.json()["error"]["message"]
    assert client.post(f"{path}/moves", json={"action": str(low)}).status_code == 200
    done = wait_for(client, path)
    assert done["status"] == "finished" and done["result"]["matches"][0]["rounds"][0]["kind"] == "continuous"
