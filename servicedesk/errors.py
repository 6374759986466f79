"""Refusals and how the API answers them: `{"error": {"code", "message"}}` always.

Every refusal is a RuleViolation with a stable code and a Chinese explanation. The bot
maps the code to its own wording (domain.yml); the explanation is for API users, agents
and logs.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

logger = logging.getLogger(__name__)


class RuleViolation(Exception):
    """A request the rules refuse; `code` is stable, `message` explains it."""

    def __init__(self, code: str, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def error(code: str, message: str, status: int) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RuleViolation)
    async def on_rule_violation(_: Request, exc: RuleViolation) -> JSONResponse:
        return error(exc.code, exc.message, exc.status)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        body = {
            "code": "VALIDATION_ERROR",
            "message": "请求参数不正确。",
            "details": jsonable_encoder(exc.errors()),
        }
        return JSONResponse({"error": body}, status_code=422)

    @app.exception_handler(OverflowError)
    async def on_overflow(_: Request, exc: OverflowError) -> JSONResponse:
        # An id or number beyond what the database stores (99999999999999999999999):
        # the caller's mistake, not the desk's.
        return error("VALUE_OUT_OF_RANGE", "请求中的数字超出范围。", 422)

    @app.exception_handler(Exception)
    async def on_unexpected(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("unexpected error", exc_info=exc)
        return error("INTERNAL_ERROR", "服务暂时不可用，请稍后再试。", 500)
