"""Response bodies from the services' dataclasses, field by field."""

from __future__ import annotations

from dataclasses import fields
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel

_Out = TypeVar("_Out", bound=BaseModel)


def record_out(model: type[_Out], *records: Any, **given: Any) -> _Out:
    """A response body from dataclass ``records``: each field of theirs that ``model``
    names alike (an enum as its value; a later record wins), then ``given`` (the fields
    named, shaped or computed otherwise)."""
    found: dict[str, Any] = {}
    for record in records:
        for f in fields(record):
            if f.name in model.model_fields:
                value = getattr(record, f.name)
                found[f.name] = value.value if isinstance(value, Enum) else value
    return model(**(found | given))
