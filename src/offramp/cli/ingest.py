"""``offramp ingest FILE.txt|DIR --case CASEFILE [--date D] [--json]``: propose, change nothing.

``offramp ingest DIR ... --backend ray [--address ADDR] [--workers N]`` reads the folder
on a Ray cluster (:mod:`offramp.extract.bulk`), with the same output as here.

:func:`ingest` is written for Typer registration (``app.command("ingest")(ingest)``). It
prints a table (speaker, party, issue, stance, quote, rule) or JSON; bad input becomes
``error: <where>: <message>`` on stderr and exit code 1, never a traceback. Given a
folder, it reads every ``*.txt`` in it (a progress bar on stderr), each dated by its
dateline or ``--date``, and prints one table or one JSON document for all of them; a file
that cannot be read or dated is one ``error: <file>: <what>`` line, and the others are
still read.
"""

from __future__ import annotations

import gc
import json as jsonlib
import os
import re
from dataclasses import dataclass
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
    from offramp.extract import Extractor, Lexicon, ProposedStatement, Reader
    from offramp.extract.bulk import Backend, Setup
    from offramp.model import Case

_DATELINE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\s+\d{1,2},\s+\d{4}|\d{1,2}\s+(?:January|February|March|April|"
    r"May|June|July|August|September|October|November|December)\s+\d{4})\b"
)


def ingest(
    file: Annotated[
        Path,
        typer.Argument(help="A plain-text article or statement, or a folder of .txt articles."),
    ],
    case: Annotated[Path, typer.Option("--case", help="The case file whose word lists to use.")],
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="The article's date (YYYY-MM-DD); default: its dateline. For a folder, "
            "the date of the articles that have no dateline.",
        ),
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
    backend: Annotated[
        str,
        typer.Option("--backend", help="For a folder: read it here (local) or on Ray (ray)."),
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            help="The Ray cluster to join (HOST:PORT, ray://HOST:PORT or auto); "
            "default: a Ray started for the run.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Ray workers (default: one per CPU)."),
    ] = None,
) -> None:
    """Read an article and propose statements for a person to confirm. Nothing is recorded.

    Where offramp ships a reader trained for the case (the example case has one), it
    decides which proposals to make, with the rules' among its evidence; ``--reader``
    names another (trained with ``offramp train-reader``); ``--rules-only`` shows what the
    rules alone propose. Given a folder, every ``*.txt`` in it is read, here or, with
    ``--backend ray``, by Ray workers (the output is the same).
    """
    _import_intake()
    spread = Spread(backend, address, workers)
    if file.is_dir():
        ingest_folder(
            file,
            case,
            date,
            as_json_out=json,
            rules_only=rules_only,
            reader=reader,
            spread=spread,
        )
        return
    try:
        if spread.check() != "local":
            raise InputError("--backend", "ray reads a folder of articles, not one file")
        proposals, day = run_ingest(file, case, date, rules_only=rules_only, reader=reader)
    except OfframpError as exc:
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(1) from None
    _before_the_end()
    if json:
        typer.echo(jsonlib.dumps(as_json(file, case, day, proposals), indent=2, ensure_ascii=False))
        return
    Console().print(as_table(proposals, file, day))


_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


def _import_intake() -> None:
    """Import the intake (spaCy, NumPy) with NumPy's OpenBLAS on one thread.

    OpenBLAS starts a thread per core when NumPy is imported, and they spin while they
    wait for work: on two cores the second thread took about 0.1 s of CPU in the first
    half second, which a busy machine takes from the command. The intake has no work
    for it (spaCy's models multiply with BLIS, through thinc; the reader sums rows).
    OpenBLAS reads its thread count from these variables once, as it starts, so one is
    set for the import and removed after it: nothing else, and no process started
    later, sees it. If the environment sets one, or NumPy is already imported, nothing
    changes.
    """
    given = any(name in os.environ for name in _BLAS_THREADS)
    if not given:
        os.environ["OPENBLAS_NUM_THREADS"] = "1"
    try:
        import offramp.extract  # noqa: F401  (the import is the point)
    finally:
        if not given:
            del os.environ["OPENBLAS_NUM_THREADS"]


def _before_the_end() -> None:
    """The command only prints now, then the process ends: freeze what it has made.

    The collections that CPython runs as it shuts down then skip the pipeline and the
    reader (a tenth of a second or more). Only the command does this, not the functions.
    """
    gc.freeze()


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
    return build_extractor(loaded, rules_only=rules_only, reader=reader).extract(text, day), day


def build_extractor(loaded: Case, *, rules_only: bool, reader: Path | None) -> Extractor:
    """The case's extractor: its shipped reader, the ``reader`` file, or the rules alone."""
    return build_setup(loaded, rules_only=rules_only, reader=reader).build()


def build_setup(loaded: Case, *, rules_only: bool, reader: Path | None) -> Setup:
    """What builds the case's extractor, here or on a Ray worker: word lists and reader."""
    from offramp.extract import Lexicon, find_reader
    from offramp.extract.bulk import Setup
    from offramp.extract.loading import paused_gc

    with paused_gc():  # the reader is a few hundred thousand numbers, all long-lived
        lexicon = Lexicon.from_case(loaded)
        chosen = None
        if not rules_only:
            chosen = load_reader(reader, lexicon) if reader else find_reader(lexicon)
    return Setup(lexicon, chosen)


@dataclass(frozen=True)
class FolderResult:
    """What ``offramp ingest DIR`` read: each article's proposals, and each file's error."""

    articles: list[tuple[Path, Date, list[ProposedStatement]]]
    errors: list[tuple[Path, str]]


@dataclass(frozen=True)
class Spread:
    """Where the articles of a folder are read: ``local`` (here) or ``ray`` (a cluster)."""

    backend: str = "local"
    address: str | None = None
    workers: int | None = None

    def check(self) -> Backend:
        """The backend, once the options fit together; :class:`InputError` naming one."""
        from offramp.extract.bulk import BACKENDS

        if self.backend not in BACKENDS:
            raise InputError("--backend", f"{self.backend!r} is not a backend: use local or ray")
        if self.backend == "local":
            for option, value in (("--address", self.address), ("--workers", self.workers)):
                if value is not None:
                    raise InputError(option, "only for the ray backend (--backend ray)")
            return "local"
        return "ray"


def run_ingest_folder(
    folder: Path,
    case: Path,
    default_date: str | None,
    *,
    rules_only: bool = False,
    reader: Path | None = None,
    console: Console | None = None,
    spread: Spread | None = None,
) -> FolderResult:
    """Read every ``*.txt`` in ``folder`` (sorted by name), here or on a Ray cluster.

    Each article is dated by its dateline, else by ``default_date``. A file that cannot
    be read or dated is recorded in ``errors`` and the others are still read. Raises
    :class:`InputError` for what spoils them all: an empty folder, a bad case, reader,
    ``--date`` or ``spread``. ``console`` shows a progress bar (stderr in the command).
    The result is the same for every ``spread``.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from offramp.extract.bulk import extract_all

    spread = spread or Spread()
    backend = spread.check()
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".txt" and p.is_file())
    if not files:
        raise InputError(str(folder), "no .txt files in this folder")
    fallback = article_date("", default_date, "--date") if default_date is not None else None
    setup = build_setup(load_case(case), rules_only=rules_only, reader=reader)
    read: dict[Path, tuple[str, Date]] = {}
    failed: dict[Path, str] = {}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
            read[path] = (text, _dated(text, fallback, path))
        except OfframpError as exc:
            failed[path] = "; ".join(pr.message for pr in exc.problems)
        except UnicodeDecodeError:
            failed[path] = "not UTF-8 text"
        except OSError as exc:
            failed[path] = f"cannot be read: {exc.strerror or exc}"
    with Progress(
        TextColumn("reading articles"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=console is None,
        transient=True,
    ) as progress:
        task = progress.add_task("read", total=len(read))
        outcomes = extract_all(
            setup,
            list(read.values()),
            backend=backend,
            workers=spread.workers,
            address=spread.address,
            progress=lambda done, _: progress.update(task, completed=done),
        )
    extracted = dict(zip(read, outcomes, strict=True))
    result = FolderResult([], [])
    for path in files:
        outcome = extracted[path] if path in extracted else failed[path]
        if isinstance(outcome, str):
            result.errors.append((path, outcome))
        else:
            result.articles.append((path, read[path][1], outcome))
    return result


def _dated(text: str, fallback: Date | None, path: Path) -> Date:
    """The article's dateline, else ``fallback``; :class:`InputError` if neither."""
    try:
        return article_date(text, None, str(path))
    except InputError:
        if fallback is None:
            raise InputError(
                str(path), "no dateline found in the first lines; give --date YYYY-MM-DD"
            ) from None
        return fallback


def ingest_folder(
    folder: Path,
    case: Path,
    default_date: str | None,
    *,
    as_json_out: bool,
    rules_only: bool,
    reader: Path | None,
    spread: Spread | None = None,
) -> None:
    """The folder form of the command: one output, errors per file, exit 1 if any."""
    errors = Console(stderr=True)
    try:
        result = run_ingest_folder(
            folder,
            case,
            default_date,
            rules_only=rules_only,
            reader=reader,
            console=errors if errors.is_terminal else None,
            spread=spread,
        )
    except OfframpError as exc:
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(1) from None
    _before_the_end()
    for path, what in result.errors:
        typer.echo(f"error: {path}: {what}", err=True)
    if as_json_out:
        typer.echo(jsonlib.dumps(folder_json(folder, case, result), indent=2, ensure_ascii=False))
    else:
        Console().print(folder_table(folder, result))
    if result.errors:
        raise typer.Exit(1)


def folder_json(folder: Path, case: Path, result: FolderResult) -> dict[str, Any]:
    return {
        "folder": str(folder),
        "case": str(case),
        "articles": [
            {
                "file": str(path),
                "article_date": day.isoformat(),
                "proposals": [p.to_dict() for p in proposals],
            }
            for path, day, proposals in result.articles
        ],
        "errors": [{"file": str(path), "error": what} for path, what in result.errors],
    }


def folder_table(folder: Path, result: FolderResult) -> Table:
    count = sum(len(p) for _, _, p in result.articles)
    table = Table(
        title=f"{count} proposed statements from {len(result.articles)} articles in {folder}",
        caption="Proposals only: nothing changes a position until a person confirms it."
        + (
            f" {len(result.errors)} files could not be read (see the errors)."
            if result.errors
            else ""
        ),
    )
    for column in ("file", "date", "speaker", "party", "issue", "stance", "quote", "rule"):
        table.add_column(column, overflow="fold")
    for path, _, proposals in result.articles:
        for p in proposals:
            table.add_row(escape(path.name), *(escape(c) for c in _cells(p)))
    return table


def _cells(p: ProposedStatement) -> tuple[str, ...]:
    quote = f"“{p.quote}”" if p.quoted else p.quote
    return (
        p.date.isoformat(),
        p.speaker,
        p.party,
        p.issue or "-",
        str(p.stance),
        quote,
        p.rule if p.confidence is None else f"{p.rule} ({p.confidence:.2f})",
    )


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
        table.add_row(*(escape(c) for c in _cells(p)))
    return table


def register(app: typer.Typer) -> None:
    """Add ``ingest`` to ``app``."""
    app.command("ingest")(ingest)
