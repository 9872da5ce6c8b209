"""The web UI (`reasonsuite ui`): Gradio tabs over the same services as the HTTP API.

from reasonsuite.app.ui import build_ui
demo = build_ui(services, evals_dir=Path("runs"), training_dir=Path("runs/posttrain"))
demo.launch()
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from ..services import Services
from . import arena_tab, chat_tab, evals_tab, training_tab
from .problem_file import MAX_PROBLEM_FILE_BYTES
from .structural import StructuralTab

CSS = """
.rs-verdict {padding: 14px 18px; border-radius: 8px; font-size: 1.05rem; background: #f3f4f6;}
.rs-verdict b {font-size: 1.6rem; letter-spacing: 0.04em;}
.rs-adequate {background: #e3f4e8; color: #14532d; border: 1px solid #86c99a;}
.rs-inadequate {background: #fde0dc; color: #8b1a10; border: 1px solid #e8998f;}
.rs-waiting {background: #fff5d6; color: #6b4e00; border: 1px solid #e6c35c;}
.rs-failed {background: #fde0dc; color: #8b1a10;}
"""


def build_ui(
    services: Services, *, evals_dir: Path = Path("runs"), training_dir: Path = Path("runs/posttrain")
) -> gr.Blocks:
    """The Blocks app with one tab per job: structural check, arena, evaluations, reasoner chat, training."""
    model = services.model
    with gr.Blocks(title="reasonsuite") as demo:
        gr.Markdown("## reasonsuite — the LLM proposes, tools compute, verifiers check")
        with gr.Tab("Structural check", id="structural"):
            StructuralTab(services.masse, model.description if model else None).build()
        with gr.Tab("Arena", id="arena"):
            arena_tab.build(services.arena)
        with gr.Tab("Evaluations", id="evals"):
            evals_tab.build(evals_dir)
        with gr.Tab("Reasoner chat", id="chat"):
            chat_tab.build(model)
        with gr.Tab("Training", id="training"):
            training_tab.build(training_dir)
    return demo


def launch_ui(
    services: Services,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    evals_dir: Path = Path("runs"),
    training_dir: Path = Path("runs/posttrain"),
    block: bool = True,
) -> gr.Blocks:
    """Serve the UI; with block=False it returns once the server is up (tests, notebooks)."""
    demo = build_ui(services, evals_dir=evals_dir, training_dir=training_dir)
    demo.queue(default_concurrency_limit=4)
    demo.launch(
        server_name=host,
        server_port=port,
        prevent_thread_lock=not block,
        css=CSS,
        quiet=True,
        allowed_paths=[str(services.jobs.root.resolve()), str(evals_dir.resolve())],
        max_file_size=MAX_PROBLEM_FILE_BYTES,  # the only upload; Gradio refuses a bigger one before storing it
        footer_links=["api"],
    )
    return demo
