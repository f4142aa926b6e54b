"""Links a file may carry: ``http``, ``https`` and ``mailto`` URLs, nothing else.

A source's ``url`` is shown to every member of a case as a link; a ``javascript:`` or
``data:`` URL there would run as whoever clicks it. :data:`Link` is the pydantic type
of every URL field we read, and :func:`link_problem` says what is wrong with one.
"""

from __future__ import annotations

import re
from typing import Annotated, Final
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

LINK_SCHEMES: Final = ("http", "https", "mailto")
"""The URL schemes offramp accepts and renders as links."""

_SPACE_OR_CONTROL: Final = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def link_problem(url: str) -> str | None:
    """Why ``url`` is not an acceptable link, or None (the empty string is no link)."""
    if url == "":
        return None
    bad = _SPACE_OR_CONTROL.search(url)
    if bad is not None:
        return f"{url!r} is not a link: it contains a space or control character"
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in LINK_SCHEMES:
        return f"{url!r} is not a link offramp follows: use an http, https or mailto URL"
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"{url!r} is not a URL: {exc}"
    if scheme != "mailto" and not parts.netloc:
        return f"{url!r} has no host: write it like https://example.org/page"
    if scheme == "mailto" and not parts.path:
        return f"{url!r} has no address: write it like mailto:desk@example.org"
    return None


def _checked(url: str) -> str:
    problem = link_problem(url)
    if problem is not None:
        raise PydanticCustomError("value_error", problem)
    return url


Link = Annotated[str, Field(max_length=2_000), AfterValidator(_checked)]
"""A URL field: empty, or an http, https or mailto URL."""
