"""Labelled sentences (JSON Lines) read and checked against a case.

One item per line: ``{"id", "article_date", "text", "context"?, "labels": [{"party",
"issue", "stance", "speaker"?}]}``; ``benchmarks/data/intake/README.md`` describes the
sets offramp ships. Every problem is reported as ``file:line: field: what is wrong``,
all of them at once, before anything is trained on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from offramp.errors import InputError, Problem
from offramp.extract.patterns import ISSUELESS
from offramp.model import Stance


def read_labelled(
    path: Path, parties: Iterable[str], issues: Iterable[str]
) -> list[dict[str, Any]]:
    """The items of one file; :class:`InputError` listing every bad line and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot be read as UTF-8 text: {exc}") from None
    party_ids, issue_ids = set(parties), set(issues)
    stances = {str(s) for s in Stance}
    items: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(where, f"not JSON: {exc.msg} (column {exc.colno})"))
            continue
        found = _check(item, party_ids, issue_ids, stances)
        problems.extend(Problem(f"{where}: {field}", message) for field, message in found)
        if not found:
            items.append(item)
    if problems:
        raise InputError.of(problems)
    return items


def _check(
    item: Any, parties: set[str], issues: set[str], stances: set[str]
) -> list[tuple[str, str]]:
    if not isinstance(item, dict):
        return [("item", "each line must be a JSON object")]
    found: list[tuple[str, str]] = []
    if not isinstance(item.get("text"), str) or not item["text"].strip():
        found.append(("text", "missing or empty"))
    if "context" in item and not isinstance(item["context"], str):
        found.append(("context", "must be text"))
    try:
        date.fromisoformat(str(item.get("article_date")))
    except ValueError:
        found.append(("article_date", f"not a date (YYYY-MM-DD): {item.get('article_date')!r}"))
    labels = item.get("labels")
    if not isinstance(labels, list):
        return [*found, ("labels", "missing; use [] for a sentence that states no position")]
    for k, label in enumerate(labels):
        at = f"labels[{k}]"
        if not isinstance(label, dict):
            found.append((at, "must be an object with party, issue and stance"))
            continue
        if label.get("party") not in parties:
            found.append((f"{at}.party", f"{label.get('party')!r} is not a party of the case"))
        stance = label.get("stance")
        if stance not in stances:
            found.append((f"{at}.stance", f"{stance!r} is not one of {', '.join(sorted(stances))}"))
        issue = label.get("issue")
        if issue is None:
            if stance in stances and stance not in ISSUELESS:
                found.append((f"{at}.issue", f"a {stance} needs an issue of the case"))
        elif issue not in issues:
            found.append((f"{at}.issue", f"{issue!r} is not an issue of the case"))
    return found
