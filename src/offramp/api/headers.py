"""Security headers on every response of the desk (an ASGI middleware), OWASP ASVS 14.4.

The web pages set their own policy (``web/pages.py``: a Content-Security-Policy for
pages, ``no-store``); :class:`SecurityHeaders` adds what a response does not already
carry, so the API's JSON, the static files, the API docs and the early refusals of
:mod:`offramp.api.limits` get them too:

- ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` and
  ``Referrer-Policy: same-origin`` on every response;
- on ``/api`` answers, ``Cache-Control: no-store`` (they hold confidential case data, and
  a shared or browser cache must not keep them), a Content-Security-Policy that lets
  nothing load or run (``default-src 'none'; frame-ancestors 'none'``) and, for JSON,
  ``Content-Disposition: attachment`` (a browser that navigates to one saves it rather
  than rendering it);
- ``Strict-Transport-Security`` when the request came over https (directly, or through
  a proxy whose ``X-Forwarded-Proto`` uvicorn trusts), so browsers stop using plain http.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = b"max-age=63072000; includeSubDomains"  # as docs/operations.md has nginx send
API_CSP = b"default-src 'none'; frame-ancestors 'none'"
EVERY_RESPONSE: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)
API_RESPONSE: tuple[tuple[bytes, bytes], ...] = (
    (b"cache-control", b"no-store"),
    (b"content-security-policy", API_CSP),
)
JSON_TYPES = (b"application/json", b"application/problem+json")


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def added_headers(scope: Scope, present: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers to add to a response with headers ``present`` for request ``scope``."""
    have = {name.lower(): value for name, value in present}
    wanted = list(EVERY_RESPONSE)
    if is_api(str(scope.get("path", ""))):
        wanted += API_RESPONSE
        if have.get(b"content-type", b"").split(b";")[0].strip() in JSON_TYPES:
            wanted.append((b"content-disposition", b'attachment; filename="api.json"'))
    if scope.get("scheme") == "https":
        wanted.append((b"strict-transport-security", HSTS))
    return [(name, value) for name, value in wanted if name not in have]


class SecurityHeaders:
    """The ASGI middleware; wrap the whole desk app (API, web pages, static files)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = list(message.get("headers", []))
                message = {**message, "headers": present + added_headers(scope, present)}
            await send(message)

        await self.app(scope, receive, with_headers)
