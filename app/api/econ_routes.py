"""`/v1/econ/questions`: ask the economics agent a question in the background and read how it was answered."""

from __future__ import annotations

from fastapi import APIRouter, Query

from ..econ_questions import EconQuestionRequest, EconQuestions, EconQuestionView


def econ_router(questions: EconQuestions) -> APIRouter:
    router = APIRouter(prefix="/v1/econ/questions", tags=["econ"])

    @router.post("", status_code=202, summary="Ask the economics agent (returns at once with the question id)")
    def ask(request: EconQuestionRequest) -> EconQuestionView:
        return questions.start(request)

    @router.get("", summary="Questions, newest first")
    def list_questions(limit: int = Query(50, ge=1, le=1000)) -> list[EconQuestionView]:
        return questions.list(limit)

    @router.get("/{question_id}", summary="A question's status and, once answered, the answer and how it was found")
    def get(question_id: str) -> EconQuestionView:
        return questions.get(question_id)

    return router
