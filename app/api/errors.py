"""Every error as JSON with the failing field: {"error": {"type", "message", "field"}} and the right status code."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from reasonsuite.tools import ToolInputError

from ..jobs import FieldError, JobNotFoundError, JobStateError, QueueFullError


class BusyError(RuntimeError):
    """Too many requests of one kind are being computed and waiting: 503, try again shortly."""


def error_body(kind: str, message: str, field: str = "", **extra: Any) -> dict[str, Any]:
    return {"error": {"type": kind, "message": message, "field": field, **extra}}


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts)


def _problem(error: dict[str, Any]) -> dict[str, str]:
    """One validation error as {"field", "message"}.

    A validator that checks nested data (a MASSE run's `problem`) raises ToolInputError naming the field inside it;
    pydantic places such an error at the validator's own location, so the inner field is appended here.
    """
    field, message = _location(error["loc"]), error["msg"].removeprefix("Value error, ")
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, ToolInputError) and cause.field:
        field = ".".join(part for part in (field, cause.field) if part)
        message = str(cause).removeprefix(f"{cause.field}: ")
    return {"field": field, "message": message}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, err: RequestValidationError) -> JSONResponse:
        problems = [_problem(e) for e in err.errors()]
        first = problems[0] if problems else {"field": "", "message": "invalid request"}
        message = "; ".join(f"{p['field']}: {p['message']}" if p["field"] else p["message"] for p in problems)
        return JSONResponse(error_body("invalid_request", message, first["field"], problems=problems), 422)

    @app.exception_handler(ToolInputError)
    async def invalid_tool_input(_: Request, err: ToolInputError) -> JSONResponse:
        return JSONResponse(error_body("invalid_input", str(err), err.field), 422)

    @app.exception_handler(FieldError)
    async def invalid_field(_: Request, err: FieldError) -> JSONResponse:
        return JSONResponse(error_body("invalid_request", str(err), err.field), 422)

    @app.exception_handler(JobNotFoundError)
    async def not_found(_: Request, err: JobNotFoundError) -> JSONResponse:
        return JSONResponse(error_body("not_found", f"no such run: {err.args[0]}", "run_id"), 404)

    @app.exception_handler(JobStateError)
    async def conflict(_: Request, err: JobStateError) -> JSONResponse:
        return JSONResponse(error_body("conflict", str(err)), 409)

    @app.exception_handler(QueueFullError)
    async def queue_full(_: Request, err: QueueFullError) -> JSONResponse:
        return JSONResponse(error_body("queue_full", str(err)), 429, headers={"Retry-After": "5"})

    @app.exception_handler(BusyError)
    async def busy(_: Request, err: BusyError) -> JSONResponse:
        return JSONResponse(error_body("busy", str(err)), 503, headers={"Retry-After": "1"})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, err: StarletteHTTPException) -> JSONResponse:
        kind = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            err.status_code, "http_error"
        )
        return JSONResponse(error_body(kind, str(err.detail)), err.status_code, headers=err.headers)
