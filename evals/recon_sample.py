"""The suite's first job: answer the first N Recon-Eval questions with a backend and score them.

It is the smallest end-to-end path through the pipeline (shipped data → LLM backend → answer checker), and what
``make demo`` runs on the embedded model. Full batch evaluation with per-sample records lives in the evals runner.
"""

from __future__ import annotations

from pydantic import BaseModel

from ..data import load_recon
from ..llm import LLM, SamplingParams
from .answers import Verdict, check_answer


class SampleResult(BaseModel):
    id: str
    question: str
    gold: str
    answer_type: str
    output: str
    verdict: Verdict
    completion_tokens: int
    finish_reason: str


class SampleRun(BaseModel):
    model: str
    samples: list[SampleResult]

    @property
    def accuracy(self) -> float:
        return sum(s.verdict.correct for s in self.samples) / len(self.samples) if self.samples else 0.0


def question_text(user_prompt: str) -> str:
    """The question part of a Recon prompt (after the fixed instructions), for display."""
    _, _, question = user_prompt.partition("Question:\n")
    return (question or user_prompt).strip()


def run_recon_sample(llm: LLM, n: int = 10, params: SamplingParams | None = None) -> SampleRun:
    """Answer the first ``n`` Recon-Eval questions in one batch and check each answer."""
    if not 1 <= n <= 300:
        raise ValueError(f"n: must be between 1 and 300 (Recon-Eval has 300 questions), got {n}")
    rows = load_recon("eval").select(range(n))
    generations = llm.generate([row["messages"] for row in rows], params)
    samples = []
    for row, generation in zip(rows, generations, strict=True):
        samples.append(
            SampleResult(
                id=row["id"],
                question=question_text(row["messages"][-1]["content"]),
                gold=row["answer"],
                answer_type=row["answer_type"],
                output=generation.text,
                verdict=check_answer(generation.text, row["answer"], row["answer_type"]),
                completion_tokens=generation.completion_tokens,
                finish_reason=generation.finish_reason,
            )
        )
    return SampleRun(model=llm.name, samples=samples)
