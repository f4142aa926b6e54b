"""``offramp ingest FILE.txt --case CASEFILE [--date D] [--json]``: propose, change nothing.

:func:`ingest` is written for Typer registration (``app.command("ingest")(ingest)``). It
prints a table (speaker, party, issue, stance, quote, rule) or JSON; bad input becomes
``error: <where>: <message>`` on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import json as jsonlib
import re
from datetime import UTC, datetime
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from offramp.errors import InputError, OfframpError
from offramp.files.case import load_case

if TYPE_CHECKING:  # spaCy takes a second to import: only ``ingest`` pays for it
    from offramp.extract import Lexicon, ProposedStatement, Reader

_DATELINE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\s+\d{1,2},\s+\d{4}|\d{1,2}\s+(?:January|February|March|April|"
    r"May|June|July|August|September|October|November|December)\s+\d{4})\b"
)


def ingest(
    file: Annotated[Path, typer.Argument(help="A plain-text article or statement.")],
    case: Annotated[Path, typer.Option("--case", help="The case file whose word lists to use.")],
    date: Annotated[
        str | None,
        typer.Option("--date", help="The article's date (YYYY-MM-DD); default: its dateline."),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    rules_only: Annotated[
        bool,
        typer.Option("--rules-only", help="Use the rules alone, not the case's trained reader."),
    ] = False,
    reader: Annotated[
        Path | None,
        typer.Option("--reader", help="A reader file from `offramp train-reader` to use."),
    ] = None,
) -> None:
    """Read an article and propose statements for a person to confirm. Nothing is recorded.

    Where offramp ships a reader trained for the case (the example case has one), it
    decides which proposals to make, with the rules' among its evidence; ``--reader``
    names another (trained with ``offramp train-reader``); ``--rules-only`` shows what the
    rules alone propose.
    """
    try:
        proposals, day = run_ingest(file, case, date, rules_only=rules_only, reader=reader)
    except OfframpError as exc:
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(1) from None
    if json:
        typer.echo(jsonlib.dumps(as_json(file, case, day, proposals), indent=2, ensure_ascii=False))
        return
    Console().print(as_table(proposals, file, day))


def run_ingest(
    file: Path,
    case: Path,
    date: str | None,
    *,
    rules_only: bool = False,
    reader: Path | None = None,
) -> tuple[list[ProposedStatement], Date]:
    """Load, date and extract; raises :class:`InputError` on bad input."""
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(file), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(file), f"cannot be read as UTF-8 text: {exc}") from None
    loaded = load_case(case)
    day = article_date(text, date, str(file))
    from offramp.extract import Extractor, Lexicon, find_reader

    lexicon = Lexicon.from_case(loaded)
    chosen = None
    if not rules_only:
        chosen = load_reader(reader, lexicon) if reader else find_reader(lexicon)
    return Extractor(lexicon, reader=chosen).extract(text, day), day


def load_reader(path: Path, lexicon: Lexicon) -> Reader:
    """A reader file for this case's lexicon; :class:`InputError` if it is not one."""
    from offramp.extract import Reader

    try:
        found = Reader.load(path)
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(str(path), f"not a reader from `offramp train-reader`: {exc}") from None
    issues = [i.id for i in lexicon.issues]
    if not found.fits(issues, [a.id for a in lexicon.actors]):
        raise InputError(
            str(path),
            f"trained for issues {', '.join(found.issues)} and parties "
            f"{', '.join(found.parties)}, which this case does not match",
        )
    return found


def article_date(text: str, given: str | None, where: str) -> Date:
    """``--date`` if given (ISO), else the first full date in the article's first lines."""
    if given is not None:
        try:
            return Date.fromisoformat(given.strip())
        except ValueError:
            raise InputError("--date", f"not a date: {given!r}; use YYYY-MM-DD") from None
    found = _DATELINE.search(text[:600])
    if found:
        raw = found.group(0)
        for fmt in ("%Y-%m-%d", "%B %d, %Y", "%d %B %Y"):
            try:
                return Date.fromisoformat(raw) if fmt == "%Y-%m-%d" else _strp(raw, fmt)
            except ValueError:
                continue
    raise InputError(where, "no dateline found in the first lines; give --date YYYY-MM-DD")


def _strp(raw: str, fmt: str) -> Date:
    return datetime.strptime(raw, fmt).replace(tzinfo=UTC).date()


def as_json(
    file: Path, case: Path, day: Date, proposals: list[ProposedStatement]
) -> dict[str, Any]:
    return {
        "file": str(file),
        "case": str(case),
        "article_date": day.isoformat(),
        "proposals": [p.to_dict() for p in proposals],
    }


def as_table(proposals: list[ProposedStatement], file: Path, day: Date) -> Table:
    table = Table(
        title=f"{len(proposals)} proposed statements from {file.name} ({day.isoformat()})",
        caption="Proposals only: nothing changes a position until a person confirms it.",
    )
    for column in ("date", "speaker", "party", "issue", "stance", "quote", "rule"):
        table.add_column(column, overflow="fold")
    for p in proposals:
        quote = f"“{p.quote}”" if p.quoted else p.quote
        cells = (
            p.date.isoformat(),
            p.speaker,
            p.party,
            p.issue or "-",
            str(p.stance),
            quote,
            p.rule if p.confidence is None else f"{p.rule} ({p.confidence:.2f})",
        )
        table.add_row(*(escape(c) for c in cells))
    return table
