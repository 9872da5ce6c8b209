"""The Structural check tab: a problem in (text or form), the agents' trace live, the checked design out.

The tab is a client of the MASSE run service, like the HTTP API: a run started here is listed by the API and the
other way round, and a run that waits for a person (a missing value, the sign-off approval) is answered here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from html import escape
from typing import Any

import gradio as gr
import pandas as pd
from pydantic import ValidationError

from reasonsuite.data import load_rack_problems, problem_description
from reasonsuite.data.frame_generator import load_frame_problems
from reasonsuite.tools import ToolInputError

from ..jobs import JobStateError, QueueFullError
from ..masse_runs import MasseRunRequest, MasseRuns, MasseRunView
from .problem_file import MAX_PROBLEM_FILE_BYTES, PROBLEM_FILE_TYPES, ProblemFileError, read_problem_file
from .structural_form import (
    BRACE_COLUMNS,
    FormError,
    frame_record,
    frame_widgets,
    hss_braces,
    locations,
    rack_record,
    rack_widgets,
    w_shapes,
)

TRACE_COLUMNS = ["node / role", "kind", "what", "detail"]
MEMBER_COLUMNS = [
    "member",
    "role",
    "combination",
    "axial (kN)",
    "moment (kN·m)",
    "governing check",
    "utilisation",
    "status",
]
FIGURES = ("frame", "deformed", "axial", "moment")


def examples() -> dict[str, tuple[str, dict[str, Any]]]:
    """Shipped problems to start from: label → (description text, structured record)."""
    shipped: dict[str, tuple[str, dict[str, Any]]] = {}
    for key, problem in load_rack_problems().items():
        shipped[f"MASSE sample rack {key} (Nanaimo)"] = (problem_description(key), problem.model_dump(mode="json"))
    for generated in load_frame_problems()[:3]:
        label = f"steel frame {generated.id} ({generated.problem.lateral_system}, {generated.problem.location})"
        shipped[label] = (generated.description, generated.problem.model_dump(mode="json"))
    return shipped


def trace_rows(events: list[dict[str, Any]]) -> pd.DataFrame:
    """The trace as a table: node starts, tool calls with their arguments and results, decisions, questions."""
    rows = []
    for event in events:
        if event.get("event") == "node_start":
            rows.append([event["node"], "node", "start", ""])
        elif event.get("event") == "trace":
            rows.append([event.get("role", ""), event.get("kind", ""), event.get("name", ""), event.get("detail", "")])
        elif event.get("event") == "node_end" and event.get("error"):
            rows.append([event["node"], "error", "node failed", str(event["error"])])
    return pd.DataFrame(rows, columns=TRACE_COLUMNS)


def member_table(view: MasseRunView) -> Any:
    """The utilisation table, failing members in red (a pandas Styler, which Gradio renders with its colours)."""
    frame = pd.DataFrame(
        [
            [
                m.member,
                m.role,
                m.combination,
                round(m.axial_kN, 2),
                round(m.moment_kNm, 2),
                m.governing_check or "",
                round(m.utilisation, 3),
                m.status,
            ]
            for m in view.members
        ],
        columns=MEMBER_COLUMNS,
    )

    def colour(row: pd.Series) -> list[str]:
        failing = row["status"] == "INADEQUATE"
        return ["background-color: #fde0dc; color: #8b1a10; font-weight: 600" if failing else ""] * len(row)

    return frame.style.apply(colour, axis=1).format(
        {"utilisation": "{:.3f}", "axial (kN)": "{:.2f}", "moment (kN·m)": "{:.2f}"}
    )


def verdict_html(view: MasseRunView) -> str:
    """A banner with the run's state: the verdict when signed off, else what it waits for or why it stopped."""
    if view.status in ("queued", "running"):
        return f"<div class='rs-verdict rs-running'>Run {view.run_id[:8]}: {view.status}…</div>"
    if view.status == "waiting":
        asked = (view.question or {}).get("question", "")
        return f"<div class='rs-verdict rs-waiting'>Waiting for your answer: {escape(asked)}</div>"
    if view.status == "failed":
        return f"<div class='rs-verdict rs-failed'>Stopped: {escape(view.error)}</div>"
    css = "rs-adequate" if view.verdict == "ADEQUATE" else "rs-inadequate"
    return (
        f"<div class='rs-verdict {css}' id='rs-verdict'><b>{view.verdict}</b><br>"
        f"<span>{escape(view.sign_off_note)}</span></div>"
    )


def rounds_table(view: MasseRunView) -> pd.DataFrame:
    rows = [
        [
            r["round"],
            ", ".join(f"{group}: {name}" for group, name in r["sections"].items()),
            r["verdict"],
            round(r["max_utilisation"], 3),
            r["governing"],
            r.get("proposal_reason", ""),
        ]
        for r in view.rounds
    ]
    return pd.DataFrame(rows, columns=["round", "sections", "verdict", "max utilisation", "governing", "why"])


def answer_template(view: MasseRunView) -> str:
    """A JSON answer to fill in: the missing fields as nulls, or the approval."""
    question = view.question or {}
    if "missing" in question:
        return json.dumps({field: None for field in question["missing"]}, indent=1)
    return json.dumps({"approve": True, "note": ""}, indent=1)


def question_text(view: MasseRunView) -> str:
    question = view.question or {}
    return f"**{question.get('role', '')}**: {question.get('question', '')}"


def run_label(view: MasseRunView) -> str:
    source = view.request.problem_id or ("text" if view.request.problem_text else "form")
    outcome = view.verdict if view.status == "finished" else view.status
    return f"{view.run_id[:8]} · {source} · {view.request.mode} · {outcome}"


class StructuralTab:
    """Builds the tab's layout and wires its events to a MasseRuns service."""

    def __init__(self, runs: MasseRuns, model_description: str | None) -> None:
        self.runs = runs
        self.model_description = model_description
        self.examples = examples()

    # -- layout -----------------------------------------------------------------------------------------------------

    def build(self) -> None:
        run_id = gr.State("")
        source = gr.State("text")
        with gr.Row():
            with gr.Column(scale=5):
                example = gr.Dropdown(list(self.examples), label="Start from a shipped problem", value=None)
                with gr.Tabs() as problem_tabs:
                    with gr.Tab("Description", id="text") as text_tab:
                        text = gr.Textbox(
                            lines=10,
                            label="Problem description",
                            elem_id="rs-problem-text",
                            placeholder="Describe the rack or steel frame: location, geometry, loads, sections…",
                        )
                        upload = gr.UploadButton(
                            f"Open a problem file ({', '.join(PROBLEM_FILE_TYPES)}, "
                            f"up to {MAX_PROBLEM_FILE_BYTES // 1024} KB)",
                            file_types=list(PROBLEM_FILE_TYPES),
                            size="sm",
                            elem_id="rs-problem-file",
                        )
                    with gr.Tab("Rack form", id="rack") as rack_tab:
                        rack_inputs = self._rack_form()
                    with gr.Tab("Steel frame form", id="frame") as frame_tab:
                        frame_inputs = self._frame_form()
                with gr.Row():
                    mode = gr.Radio(
                        ["deterministic", "llm"],
                        value="deterministic",
                        label="Mode",
                        info=f"llm uses the server's model ({self.model_description or 'none loaded'})",
                    )
                    rounds = gr.Slider(0, 6, value=3, step=1, label="Redesign rounds")
                    approve = gr.Checkbox(False, label="Ask me to approve the sign-off")
                run_button = gr.Button("Run check", variant="primary", elem_id="rs-run")
            with gr.Column(scale=4):
                with gr.Row():
                    previous = gr.Dropdown([], value=None, label="Previous runs", scale=4)
                    refresh = gr.Button("↻", scale=0, min_width=40)
                    reopen = gr.Button("Open", scale=1)
                verdict = gr.HTML("<div class='rs-verdict'>No run yet.</div>", elem_id="rs-verdict-box")
                with gr.Group(visible=False) as answer_group:
                    question = gr.Markdown()
                    answer = gr.Code(language="json", label="Your answer (JSON)", lines=4)
                    with gr.Row():
                        send = gr.Button("Send answer", variant="primary")
                        reject = gr.Button("Reject sign-off")
                trace = gr.Dataframe(
                    headers=TRACE_COLUMNS, label="Agent trace (live)", wrap=True, max_height=360, elem_id="rs-trace"
                )
        with gr.Row():
            members = gr.Dataframe(headers=MEMBER_COLUMNS, label="Member checks (CSA S16-14)", elem_id="rs-members")
        with gr.Row():
            figures = gr.Gallery(label="Frame, deformed shape, axial and moment diagrams", columns=4, height=300)
        with gr.Row():
            history = gr.Dataframe(label="Design rounds", wrap=True)
            files = gr.File(label="Report (Markdown and PDF)", file_count="multiple")

        results = [run_id, verdict, trace, members, figures, history, files, answer_group, question, answer]
        form = [source, text, *rack_inputs, *frame_inputs]
        for tab, name in ((text_tab, "text"), (rack_tab, "rack"), (frame_tab, "frame")):
            tab.select(lambda chosen=name: chosen, None, [source])
        example.change(self.load_example, [example], [text, *rack_inputs, *frame_inputs])
        upload.upload(self.load_file, [upload], [problem_tabs, source, text, *rack_inputs, *frame_inputs])
        run_button.click(self.start, [*form, mode, rounds, approve], results).then(self.refresh_runs, None, [previous])
        send.click(self.send_answer, [run_id, answer], results)
        reject.click(self.reject, [run_id], results)
        refresh.click(self.refresh_runs, None, [previous])
        reopen.click(self.reopen, [previous], results)

    def _rack_form(self) -> list[gr.components.Component]:
        with gr.Row():
            location = gr.Dropdown(locations(), label="Location (BCBC 2018 Table C-3)", value="Nanaimo")
            bays = gr.Number(2, label="Bays", precision=0, minimum=1)
            pallets = gr.Number(3, label="Pallets per beam", precision=0, minimum=1)
        with gr.Row():
            beam = gr.Number(8.0, label="Beam length (ft)")
            width = gr.Number(3.5, label="Frame width (ft)")
            height = gr.Number(16.0, label="Frame height (ft)")
        with gr.Row():
            elevations = gr.Textbox("4, 8.5, 13", label="Level elevations (ft)")
            weights = gr.Textbox("1250, 750, 500", label="Pallet weight per level (lb)")
        braces = gr.Dataframe(
            headers=BRACE_COLUMNS,
            datatype=["number"] * 4,
            column_count=(4, "fixed"),
            label="Braces (end points, ft)",
            value=[[0, 0.5, 3.5, 0.5]],
        )
        with gr.Row():
            column = [gr.Number(label=f"Post {k}") for k in ("flange width (in)", "web depth (in)", "thickness (in)")]
        with gr.Row():
            brace = [gr.Number(label=f"Brace {k}") for k in ("flange width (in)", "web depth (in)", "thickness (in)")]
        return [location, bays, pallets, beam, width, height, elevations, weights, braces, *column, *brace]

    def _frame_form(self) -> list[gr.components.Component]:
        with gr.Row():
            location = gr.Dropdown(locations(), label="Location (BCBC 2018 Table C-3)", value="Chilliwack")
            span = gr.Number(10.0, label="Span (m)")
            eave = gr.Number(4.5, label="Eave height (m)")
            spacing = gr.Number(6.5, label="Frame spacing (m)")
        with gr.Row():
            system = gr.Radio(["braced", "moment"], value="braced", label="Lateral system")
            fixity = gr.Radio(["pinned", "fixed"], value="pinned", label="Column bases (moment frame)")
            dead = gr.Number(1.4, label="Roof dead load (kPa)")
            snow = gr.Number(2.9, label="Roof snow load (kPa)")
        with gr.Row():
            column = gr.Dropdown(w_shapes(), value="W200x27", label="Column")
            beam = gr.Dropdown(w_shapes(), value="W460x74", label="Beam")
            brace = gr.Dropdown(hss_braces(), value="HSS178x178x9.5", label="Brace (braced frame)")
        return [location, span, eave, spacing, system, fixity, dead, snow, column, beam, brace]

    # -- events -----------------------------------------------------------------------------------------------------

    def load_example(self, label: str | None) -> list[Any]:
        if not label:
            return [gr.skip()] * (1 + 15 + 11)
        return self._filled(*self.examples[label])

    def load_file(self, path: str | None) -> list[Any]:
        """Fill the tab from an uploaded problem file: a description into the text box, a JSON problem into its form,
        and show that input."""
        if not path:
            return [gr.skip()] * (2 + 1 + 15 + 11)
        try:
            loaded = read_problem_file(path)
        except ProblemFileError as err:
            raise gr.Error(str(err), duration=None) from None
        shown = {"text": "text", "rack": "rack", "steel_frame": "frame"}[loaded.structure]
        return [gr.Tabs(selected=shown), shown, *self._filled(loaded.text, loaded.record)]

    @staticmethod
    def _filled(text: str | None, record: dict[str, Any] | None) -> list[Any]:
        """Values for the text box, the rack form and the frame form: the record fills the form of its structure;
        whatever is not given stays as it is."""
        is_frame = record is not None and record.get("structure") == "steel_frame"
        rack = rack_widgets(record) if record is not None and not is_frame else [gr.skip()] * 15
        frame = frame_widgets(record) if is_frame else [gr.skip()] * 11
        return [gr.skip() if text is None else text, *rack, *frame]

    def start(self, source: str, text: str, *values: Any) -> Iterator[list[Any]]:
        *form, mode, rounds, approve = values
        rack, frame = form[:15], form[15:]
        try:
            problem = self._problem(source, text, rack, frame)
            request = MasseRunRequest(
                mode=mode, max_redesign_rounds=int(rounds), require_approval=bool(approve), **problem
            )
            view = self.runs.start(request)
        except ValidationError as err:
            raise gr.Error(str(ToolInputError.from_validation_error(err)), duration=None) from None
        except (FormError, JobStateError, QueueFullError) as err:
            raise gr.Error(str(err), duration=None) from None
        yield from self._follow(view.run_id)

    def send_answer(self, run_id: str, answer: str) -> Iterator[list[Any]]:
        if not run_id:
            raise gr.Error("no run is waiting for an answer")
        try:
            value = json.loads(answer or "null")
        except ValueError as err:
            raise gr.Error(f"answer: not valid JSON ({err})") from None
        if not isinstance(value, dict) or any(v is None for v in value.values()):
            raise gr.Error("answer: a JSON object with a value for every field")
        try:
            self.runs.answer(run_id, value)
        except JobStateError as err:
            raise gr.Error(str(err)) from None
        yield from self._follow(run_id)

    def reject(self, run_id: str) -> Iterator[list[Any]]:
        if not run_id:
            raise gr.Error("no run is waiting for an answer")
        try:
            self.runs.answer(run_id, {"approve": False, "note": "rejected in the web UI"})
        except JobStateError as err:
            raise gr.Error(str(err)) from None
        yield from self._follow(run_id)

    def refresh_runs(self) -> Any:
        views = self.runs.list()
        return gr.update(choices=[(run_label(v), v.run_id) for v in views])

    def reopen(self, run_id: str | None) -> list[Any]:
        if not run_id:
            raise gr.Error("pick a previous run first")
        return self._render(self.runs.get(run_id), self.runs.jobs.events(run_id))

    # -- helpers ----------------------------------------------------------------------------------------------------

    def _problem(self, source: str, text: str, rack: list[Any], frame: list[Any]) -> dict[str, Any]:
        if source == "rack":
            return {"problem": rack_record(*rack[:9], rack[9:12], rack[12:15])}
        if source == "frame":
            return {"problem": frame_record(*frame)}
        return {"problem_text": text}

    def _follow(self, run_id: str) -> Iterator[list[Any]]:
        events: list[dict[str, Any]] = []
        for event in self.runs.jobs.follow(run_id, poll_s=1.0):
            if event is not None:
                events.append(event)
            if event is None or len(events) % 5 == 0:
                yield self._render(self.runs.get(run_id), events)
        yield self._render(self.runs.get(run_id), events)

    def _render(self, view: MasseRunView, events: list[dict[str, Any]]) -> list[Any]:
        waiting = view.status == "waiting"
        figures = [
            (str(self.runs.report_file(view.run_id, name)), name) for name in FIGURES if name in view.report_files
        ]
        files = [
            str(self.runs.report_file(view.run_id, name)) for name in ("markdown", "pdf") if name in view.report_files
        ]
        return [
            view.run_id,
            verdict_html(view),
            trace_rows(events),
            member_table(view) if view.members else None,
            figures,
            rounds_table(view),
            files,
            gr.update(visible=waiting),
            question_text(view) if waiting else "",
            answer_template(view) if waiting else "",
        ]
