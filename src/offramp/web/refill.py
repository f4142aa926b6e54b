"""A form refused before it was acted on (over the write limit), shown again as typed.

:func:`page_again` renders, inside the same request, the page the form was sent from
(the browser's ``Referer``, sent same-origin by the desk's ``Referrer-Policy``) as a GET
with the same cookies; :func:`refill` puts what was typed back into that page's form
whose ``action`` is where it was sent, with a notice at the top of the form (and the
``<details>`` around it open). Text fields and areas get their text back, choices their
selection, boxes their tick, hidden fields what was sent (a version stays the one the
user saw, so a change made meanwhile is still a conflict); the CSRF token stays the
page's, and a password is never sent back. Every value is escaped as it goes in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse

from offramp.web.security import CSRF_FIELD

NOT_REFILLED = frozenset({"password", "file", "submit", "button", "reset", "image"})
TICKED = frozenset({"checkbox", "radio"})
Attrs = list[tuple[str, str | None]]


def origin_path(request: Request) -> str | None:
    """The path and query of the page the form was sent from, if that is a page of this
    desk (``Referer`` of the same origin); without ``done``, which told of an earlier
    write."""
    referer = request.headers.get("referer", "")
    seen = urlsplit(referer)
    if f"{seen.scheme}://{seen.netloc}" != f"{request.url.scheme}://{request.url.netloc}":
        return None
    query = urlencode([(k, v) for k, v in parse_qsl(seen.query) if k != "done"])
    return (seen.path or "/") + (f"?{query}" if query else "")


async def page_again(request: Request, target: str) -> str | None:
    """The HTML the GET of ``target`` (path and query) answers the same browser now;
    None unless it is a page (200, HTML)."""
    path, _, query = target.partition("?")
    headers = [
        (k, v) for k, v in request.scope["headers"] if k not in (b"content-type", b"content-length")
    ]
    scope: dict[str, Any] = {
        **request.scope,
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": headers,
        "state": {},
    }
    sent: list[Mapping[str, Any]] = []

    async def receive() -> Mapping[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Mapping[str, Any]) -> None:
        sent.append(message)

    await request.app.router(scope, receive, send)
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    if start is None or start["status"] != 200:
        return None
    kinds = [v for k, v in start["headers"] if k == b"content-type"]
    if not kinds or not kinds[0].startswith(b"text/html"):
        return None
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body").decode()


@dataclass
class _Edit:
    start: int
    end: int
    text: str


class _FormFinder(HTMLParser):
    """Where the form posting to ``action`` begins and ends in a page, and the edits
    that put ``values`` back into its fields."""

    def __init__(self, page: str, action: str, page_path: str, values: Mapping[str, Sequence[str]]):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.action = action
        self.page_path = page_path
        self.values = values
        self.lines = [0]
        for line in page.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.form_open: int | None = None  # the end of the form's start tag
        self.depth = 0  # nested forms are not HTML; counted anyway, to find the end
        self.done = False
        self.edits: list[_Edit] = []
        self.textarea: tuple[str, int] | None = None  # its name and where its text starts
        self.select: str | None = None
        self.around: list[tuple[tuple[int, int], Attrs]] = []  # the <details> the form is in

    def _here(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def _start_tag(self) -> tuple[int, int]:
        start = self._here()
        return start, start + len(self.get_starttag_text() or "")

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        if self.done:
            return
        got = dict(attrs)
        if tag == "form":
            self.depth += self.form_open is not None
            if self.form_open is None and self._posts_here(got):
                self.form_open = self._start_tag()[1]
                for where, details in self.around:  # open, to show the form
                    self._retag("details", details, "open", True, where)
            return
        if self.form_open is None:
            if tag == "details":
                self.around.append((self._start_tag(), attrs))
            return
        name = got.get("name") or ""
        if tag == "input" and name in self.values:
            self._input(attrs, got, self.values[name])
        elif tag == "textarea" and name in self.values:
            self.textarea = (name, self._start_tag()[1])
        elif tag == "select":
            self.select = name if name in self.values else None
        elif tag == "option" and self.select is not None and got.get("value") is not None:
            chosen = got["value"] in self.values[self.select]
            self._retag(tag, attrs, "selected", chosen)

    def handle_startendtag(self, tag: str, attrs: Attrs) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "details" and self.form_open is None and self.around:
            self.around.pop()
        if self.done or self.form_open is None:
            return
        if tag == "textarea" and self.textarea is not None:
            name, start = self.textarea
            self.edits.append(_Edit(start, self._here(), escape("\n".join(self.values[name]))))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            if self.depth:
                self.depth -= 1
            else:
                self.done = True

    def _posts_here(self, got: Mapping[str, str | None]) -> bool:
        if (got.get("method") or "get").lower() != "post":
            return False
        return (urlsplit(got.get("action") or "").path or self.page_path) == self.action

    def _input(self, attrs: Attrs, got: Mapping[str, str | None], typed: Sequence[str]) -> None:
        kind = (got.get("type") or "text").lower()
        if kind in NOT_REFILLED:
            return
        if kind in TICKED:
            self._retag("input", attrs, "checked", (got.get("value") or "on") in typed)
            return
        kept = [(k, v) for k, v in attrs if k != "value"]
        self._replace_tag("input", [*kept, ("value", typed[0] if typed else "")])

    def _retag(
        self, tag: str, attrs: Attrs, flag: str, on: bool, where: tuple[int, int] | None = None
    ) -> None:
        kept = [(k, v) for k, v in attrs if k != flag]
        self._replace_tag(tag, [*kept, *([(flag, None)] if on else [])], where)

    def _replace_tag(self, tag: str, attrs: Attrs, where: tuple[int, int] | None = None) -> None:
        """The start tag here (or at ``where``: its start and end) written anew."""
        start, end = where or self._start_tag()
        shown = "".join(f" {k}" if v is None else f' {k}="{escape(v)}"' for k, v in attrs)
        self.edits.append(_Edit(start, end, f"<{tag}{shown}>"))


def refill(
    page: str, page_path: str, action: str, values: Mapping[str, Sequence[str]], notice: str
) -> str | None:
    """``page`` with its form posting to ``action`` filled with ``values`` and
    ``notice`` (HTML) at the top of the form; None if the page has no such form.
    ``page_path``: where a form without an ``action`` posts."""
    finder = _FormFinder(page, action, page_path, values)
    finder.feed(page)
    finder.close()
    if finder.form_open is None:
        return None
    edits = [_Edit(finder.form_open, finder.form_open, notice), *finder.edits]
    out, at = [], 0
    for edit in sorted(edits, key=lambda e: e.start):
        out += [page[at : edit.start], edit.text]
        at = edit.end
    return "".join([*out, page[at:]])


def refused_notice(message: str, page_path: str) -> str:
    """The notice at the top of a form shown again: the refusal, and that it is kept.
    ``page_path`` (the page the form came from) is where ``live.js`` puts the address
    back, so that a reload or a live refresh gets that page, not the form's action."""
    return (
        f'<div class="flash error" role="alert" data-flash="refused"'
        f' data-page-url="{escape(page_path)}">'
        f"<p>{escape(message)}</p><p>What you typed is kept below: send it again then.</p>"
        "</div>"
    )


async def form_again(request: Request, message: str, status: int) -> HTMLResponse | None:
    """The page a refused form POST was sent from, the form filled as it was sent and
    ``message`` at its top, answered with ``status``; None if there is no such page or
    form (the caller shows its plain page of the refusal instead)."""
    target = origin_path(request) if request.method == "POST" else None
    page = None if target is None else await page_again(request, target)
    if target is None or page is None:
        return None
    form = await request.form()
    values = {
        k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form if k != CSRF_FIELD
    }
    path = target.partition("?")[0]
    shown = refill(page, path, request.url.path, values, refused_notice(message, target))
    return None if shown is None else HTMLResponse(shown, status_code=status)
