"""The worked examples in the deal-space docstrings run, and give what they say."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from offramp.analysis import bargaining, enlarge, frontier, packages, zone


@pytest.mark.parametrize("module", [frontier, bargaining, zone, packages, enlarge])
def test_docstring_examples_give_the_stated_results(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
