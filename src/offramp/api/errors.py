"""One handler: every error becomes an RFC 9457 problem detail, never a traceback.

    {"type": ..., "title": "Not found", "status": 404, "detail": "No such case.",
     "errors": [{"where": "", "message": "No such case."}]}

A 404 has the same body whether the thing is missing or hidden from the caller.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from offramp.errors import Forbidden, OfframpError, Throttled

PROBLEM_TYPE = "https://offramp.example/problems/"
MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("offramp.api")


def problem(
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + title.lower().replace(" ", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "errors": errors if errors is not None else [{"where": "", "message": detail}],
    }
    headers = {**({"WWW-Authenticate": "Bearer"} if status == 401 else {}), **(headers or {})}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _offramp(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OfframpError)
    errors = [{"where": p.where, "message": p.message} for p in exc.problems]
    if isinstance(exc, Forbidden):
        errors = [{"where": exc.action, "message": exc.message}]
    if isinstance(exc, Throttled):
        headers = {"Retry-After": str(exc.retry_after)}
        return problem(exc.status, exc.title, exc.message, errors, headers)
    return problem(exc.status, exc.title, exc.message, errors)


def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"where": ".".join(str(x) for x in e.get("loc", ())), "message": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"where": "", "message": "invalid request"}
    return problem(422, "Invalid input", f"{first['where']}: {first['message']}", errors)


def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return problem(404, "Not found", "No such resource.")
    if exc.status_code == 400:
        return problem(400, "Bad request", str(exc.detail))
    if exc.status_code == 413:  # a streamed body past its limit (api/limits.py)
        return problem(413, "Content too large", str(exc.detail))
    if exc.status_code == 405:
        return problem(405, "Method not allowed", "That method is not allowed here.")
    return problem(exc.status_code, "Error", str(exc.detail))


def _crash(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem(500, "Internal error", "Something went wrong on the server; it was logged.")


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(OfframpError, _offramp)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _crash)
