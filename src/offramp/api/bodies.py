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
        for name in _shared(model, type(record)):
            value = getattr(record, name)
            found[name] = value.value if isinstance(value, Enum) else value
    return model(**(found | given))


_SHARED: dict[tuple[type[BaseModel], type], tuple[str, ...]] = {}


def _shared(model: type[BaseModel], record: type) -> tuple[str, ...]:
    """The fields of dataclass ``record`` that ``model`` names alike, found once a pair
    (``fields()`` costs more than reading the values: a list of 100 messages asked it
    100 times)."""
    found = _SHARED.get((model, record))
    if found is None:
        found = tuple(f.name for f in fields(record) if f.name in model.model_fields)
        _SHARED[(model, record)] = found
    return found
