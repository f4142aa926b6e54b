"""pydantic's validation errors as offramp problems: ``file:line: field: what``, in plain words.

One translation for every file format we read (case files, their crisis section,
playbooks), so the same mistake reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from offramp.errors import Problem
from offramp.files.located import SourceMap

_FORMATS = {"date": "YYYY-MM-DD", "datetime": "YYYY-MM-DDTHH:MM:SSZ"}


def validation_problems(
    exc: ValidationError, smap: SourceMap, base: Sequence[str | int] = ()
) -> list[Problem]:
    """Each pydantic error as a problem at its line, with a sentence a person can act on."""
    return [_problem(err, smap, tuple(base)) for err in exc.errors()]


def _problem(err: Any, smap: SourceMap, base: tuple[str | int, ...]) -> Problem:
    # pydantic adds union tags and type markers to locations; keep the data path
    loc = tuple(
        x
        for x in err["loc"]
        if not (isinstance(x, str) and x.startswith(("function-", "[")))
        and x not in ("list[str]", "str")
    )
    return Problem(smap.where((*base, *loc)), _message(err, loc))


def _message(err: Any, loc: tuple[str | int, ...]) -> str:
    kind: str = err["type"]
    got = err.get("input")
    if isinstance(got, dt.date):  # a datetime too: show it as written
        got = got.isoformat()
    last = loc[-1] if loc else None
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "value_error":
        return str(err["ctx"]["error"]) if "ctx" in err else str(err["msg"])
    if kind == "enum":
        return f"{got!r} is not allowed: use one of {err['ctx']['expected']}"
    if kind == "timezone_aware":
        return f"{got!r} has no time zone: add an offset, like 2022-10-23T09:00:00Z"
    if kind == "string_pattern_mismatch" and last == "time":
        return f"{got!r} is not a time: use HH:MM in quotes, like '09:00'"
    if (
        kind == "string_pattern_mismatch"
        and last == "id"
        and len(loc) >= 2
        and loc[-3:-2] == ("parties",)
    ):
        return f"{got!r} is not a valid id: use upper case (like UA)"
    if kind == "string_pattern_mismatch":
        return f"{got!r} is not a valid id: use a lowercase slug (party ids are upper case)"
    if kind == "too_short" and last == "options":
        return "the issue has no options: give at least one"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        text = str(err["msg"])
        return f"{got!r} is out of range: {text[0].lower()}{text[1:]}"
    if kind.startswith(("datetime", "date")):
        what = kind.split("_")[0]
        return f"{got!r} is not a {what} (use {_FORMATS[what]}): {err['msg']}"
    msg = str(err["msg"])
    if got is not None and not isinstance(got, dict | list):
        msg += f" (got {got!r})"
    return msg
