"""One module per resource; every route has a stable ``name``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path

from offramp.api.schemas import Problem

CaseSlug = Annotated[str, Path(min_length=1, max_length=80, description="The case id (slug).")]
Id = Annotated[int, Path(ge=1, le=2_000_000_000)]

PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": text}
    for status, text in [
        (400, "Malformed request: the body could not be parsed"),
        (401, "Not signed in"),
        (403, "Signed in, but not allowed this action (named in the problem)"),
        (404, "Missing, or not visible to the caller (same body either way)"),
        (409, "Stale version, duplicate, or a transition the rules forbid"),
        (415, "The request body is not JSON (Content-Type: application/json)"),
        (422, "Invalid input; every problem listed with where it is"),
    ]
}
