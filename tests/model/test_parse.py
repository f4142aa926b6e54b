"""What people type is read, or refused with the field named, never a traceback."""

from __future__ import annotations

import pytest

from offramp.errors import InputError
from offramp.model.parse import parse_instant


@pytest.mark.parametrize("text", ["0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00"])
def test_an_instant_outside_the_desks_years_is_refused_by_field(text: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_instant(text, "at")
    assert refused.value.where == "at"
    assert "outside the years 1000-8999" in str(refused.value)


def test_an_instant_with_an_offset_is_read_in_utc() -> None:
    at = parse_instant("2022-10-23T18:00+03:00", "at")
    assert at is not None and at.isoformat() == "2022-10-23T15:00:00+00:00"
