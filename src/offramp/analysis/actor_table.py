"""A plain actor table for the forecast: one actor a row, beside case files.

CSV with a header row naming the columns ``actor``, ``capability``, ``position`` and
``salience`` (any order, other columns ignored; lines starting with ``#`` are
comments). Positions are on the issue's own scale (BDM1994's emissions issue runs from
4 to 10); capabilities are >= 0. Salience is read on 0-100, as BDM1994 and SCS2011
print it, when any value exceeds 1, and on 0-1 otherwise; :attr:`ActorTable.salience_scale`
says which was read. Every error names the file, the line and the field.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from offramp.analysis.montecarlo import ForecastIssue
from offramp.errors import InputError, Problem

COLUMNS = ("actor", "capability", "position", "salience")
SalienceScale = Literal["0-100", "0-1"]


@dataclass(frozen=True)
class ActorTable:
    """The actors of one issue as read from a table."""

    source: str
    issue: ForecastIssue
    salience_scale: SalienceScale

    @property
    def note(self) -> str:
        """What was read, in a sentence."""
        how = "on 0-100 and divided by 100" if self.salience_scale == "0-100" else "on 0-1"
        return f"{len(self.issue.actors)} actors from {self.source}; salience read {how}"


def load_actor_table(path: Path | str) -> ActorTable:
    """Read an actor table from a file; :class:`InputError` on bad input."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(str(p), f"cannot read the actor table: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(str(p), "the actor table is not UTF-8 text") from None
    return parse_actor_table(text, str(p))


def parse_actor_table(text: str, source: str = "actors.csv") -> ActorTable:
    """Read an actor table from CSV text; ``source`` names it in errors."""
    lines = [
        (n, line)
        for n, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise InputError(source, f"no header row: the columns are {', '.join(COLUMNS)}")
    head_no, head = lines[0]
    header = [h.strip().lower() for h in next(csv.reader(io.StringIO(head)))]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"{source}:{head_no}",
            f"missing column {', '.join(missing)} (the columns are {', '.join(COLUMNS)})",
        )
    col = {c: header.index(c) for c in COLUMNS}
    problems: list[Problem] = []
    names: list[str] = []
    values: dict[str, list[float]] = {"capability": [], "position": [], "salience": []}
    for n, line in lines[1:]:
        cells = next(csv.reader(io.StringIO(line)))
        if len(cells) < len(header):
            problems.append(
                Problem(f"{source}:{n}", f"{len(cells)} fields, the header has {len(header)}")
            )
            continue
        name = cells[col["actor"]].strip()
        if not name:
            problems.append(Problem(f"{source}:{n}: actor", "the actor has no name"))
        elif name in names:
            problems.append(Problem(f"{source}:{n}: actor", f"{name!r} appears twice"))
        names.append(name)
        for field in ("capability", "position", "salience"):
            raw = cells[col[field]].strip()
            try:
                v = float(raw)
            except ValueError:
                problems.append(Problem(f"{source}:{n}: {field}", f"{raw!r} is not a number"))
                v = math.nan
            else:
                if not math.isfinite(v):
                    problems.append(Problem(f"{source}:{n}: {field}", f"{raw!r} is not finite"))
                elif field != "position" and v < 0:
                    problems.append(Problem(f"{source}:{n}: {field}", f"{raw} is below 0"))
                elif field == "salience" and v > 100:
                    problems.append(Problem(f"{source}:{n}: {field}", f"{raw} is above 100"))
            values[field].append(v)
    if not problems and not names:
        problems.append(Problem(source, "the table has a header but no actors"))
    if problems:
        raise InputError.of(problems)
    s = np.array(values["salience"])
    scale: SalienceScale = "0-100" if np.any(s > 1.0) else "0-1"
    if scale == "0-100":
        s = s / 100.0
    return ActorTable(
        source=source,
        issue=ForecastIssue(
            issue=Path(source).stem,
            actors=tuple(names),
            positions=np.array(values["position"]),
            capability=np.array(values["capability"]),
            salience=s,
        ),
        salience_scale=scale,
    )
