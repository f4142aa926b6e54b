"""Sign-in and size checks before a request body is read (an ASGI middleware).

An anonymous client must not make the server read, buffer and parse a large body only
to be told to sign in. :class:`BodyLimits` looks at the headers first:

- an API write (``/api/...``, any method that carries a body) without an
  ``Authorization`` header or a session cookie is answered 401 at once, body unread
  (signing in, ``POST /api/session``, is the one anonymous write);
- a ``Content-Length`` above the route's limit is answered 413 at once;
- a body without a length (chunked) is counted as it streams, and refused with 413
  when it passes the limit, before the rest is read;
- an API body that does not say it is JSON (``Content-Type: application/json``) is
  answered 415 at once (OWASP ASVS 13.1.5).

Whether a token or cookie is *valid* is checked later, by the route's dependency: this
only keeps requests that cannot be signed in from costing memory. Limits are per
route (:data:`ROUTE_LIMITS`, first match wins, else :data:`DEFAULT_LIMIT`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

from offramp.services.session_rules import SESSION_COOKIES

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MiB = 1024 * 1024
DEFAULT_LIMIT = 1 * MiB
# a case file may hold 5,000,000 characters (api/schemas.py), at most 6 bytes each in JSON
CASE_FILE_LIMIT = 32 * MiB
ROUTE_LIMITS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("POST", re.compile(r"^/api/cases$"), CASE_FILE_LIMIT),
    ("PUT", re.compile(r"^/api/cases/[^/]+/casefile$"), CASE_FILE_LIMIT),
    ("POST", re.compile(r"^/api/session$"), 16 * 1024),
    ("POST", re.compile(r"^/api/cases/[^/]+/intake/proposals$"), 2 * MiB),
    ("POST", re.compile(r"^/(?!api/)"), 2 * MiB),  # the web desk's forms and uploads
)
ANONYMOUS_WRITES = frozenset({("POST", "/api/session")})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def limit_for(method: str, path: str) -> int:
    """The largest body, in bytes, that ``method path`` accepts."""
    for m, pattern, limit in ROUTE_LIMITS:
        if m == method and pattern.match(path):
            return limit
    return DEFAULT_LIMIT


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes its route's limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than this route's {limit:,} bytes.")


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _has_session(cookie_header: str) -> bool:
    """Whether a session cookie, by its http or https (``__Host-``) name, has a value."""
    return any(
        part.strip().split("=", 1)[0] in SESSION_COOKIES and "=" in part and part.split("=", 1)[1]
        for part in cookie_header.split(";")
    )


def _has_body(headers: dict[str, str]) -> bool:
    return headers.get("content-length", "0").strip() not in ("", "0") or (
        "chunked" in headers.get("transfer-encoding", "").lower()
    )


def _is_json(headers: dict[str, str]) -> bool:
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


async def _problem(send: Send, status: int, title: str, detail: str) -> None:
    body = {
        "type": "https://offramp.example/problems/" + title.lower().replace(" ", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "errors": [{"where": "", "message": detail}],
    }
    raw = json.dumps(body).encode("utf-8")
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(raw)).encode()),
        (b"connection", b"close"),
    ]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": raw})


class BodyLimits:
    """The ASGI middleware; wrap the whole desk app (API and web) with it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        headers = _headers(scope)
        if (
            path.startswith("/api/")
            and (method, path.rstrip("/")) not in ANONYMOUS_WRITES
            and not headers.get("authorization")
            and not _has_session(headers.get("cookie", ""))
        ):
            await _problem(
                send,
                401,
                "Sign-in required",
                "Sign in first: send a bearer token or a session cookie.",
            )
            return
        limit = limit_for(method, path)
        declared = headers.get("content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _problem(send, 400, "Bad request", "Content-Length is not a number.")
                return
            if size > limit:
                await _problem(send, 413, "Content too large", BodyTooLarge(limit).detail)
                return
        if path.startswith("/api/") and _has_body(headers) and not _is_json(headers):
            await _problem(
                send,
                415,
                "Unsupported media type",
                "Send the request body as JSON, with Content-Type: application/json.",
            )
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge as exc:
            if started:
                raise
            await _problem(send, 413, "Content too large", exc.detail)
