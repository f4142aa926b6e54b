"""The precedent library in YAML: validated in, every error at its file and line.

A library file lists precedents::

    library: 1
    precedents:
      - id: austria-1955
        name: Austrian State Treaty and the neutrality law
        date: 1955-05-15
        parties: [{id: AT, name: Austria}, {id: SU, name: Soviet Union, continued_by: [RU]}]
        provisions:
          - id: permanent-neutrality
            kinds: [neutrality_alignment]
            text: Austria declares permanent neutrality in its constitution ...
            sources: [bgbl-1955-211]       # optional: ids of this precedent's sources
        held_up: {outcome: held, note: ..., sources: [...]}
        sources:
          - {id: bgbl-1955-211, title: ..., publisher: ..., url: https://..., reference: ...}

Validation has two stages, both reported as ``file:line: field: what``: the shape of each
field (pydantic), then the rules across fields (ids unique, sources cited exist, the end
not before the date, every precedent with at least one source).

offramp ships a library in ``offramp/data/precedents/library.yaml``
(:func:`builtin_library`); a team adds its own in a file of the same format, and
:func:`load_library` merges the two, refusing an id used in both.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from offramp.errors import InputError, Problem
from offramp.files.located import SourceMap, load_located
from offramp.files.problems import validation_problems
from offramp.files.reading import read_text
from offramp.model.precedents import (
    HeldUp,
    Library,
    Outcome,
    Party,
    Precedent,
    Provision,
    ProvisionKind,
    Source,
)

FORMAT_VERSION: Final = 1

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=80)]
PartyId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_\-]*$", max_length=40)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
Url = Annotated[str, Field(pattern=r"^https?://\S+$", max_length=500)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceIn(_In):
    id: Slug
    title: Text
    publisher: Text
    url: Url | None = None
    reference: str = ""

    def to_model(self) -> Source:
        return Source(self.id, self.title, self.publisher, self.url or "", self.reference)


class PartyIn(_In):
    id: PartyId
    name: Text
    continued_by: list[PartyId] = Field([], description="Successor states, like [RU] for SU.")

    def to_model(self) -> Party:
        return Party(self.id, self.name, tuple(self.continued_by))


class ProvisionIn(_In):
    id: Slug
    kinds: Annotated[list[ProvisionKind], Field(min_length=1)]
    text: Text
    sources: list[Slug] = Field([], description="Ids of this precedent's sources.")

    def to_model(self) -> Provision:
        return Provision(self.id, tuple(dict.fromkeys(self.kinds)), self.text, tuple(self.sources))


class HeldUpIn(_In):
    outcome: Outcome
    note: Text
    sources: list[Slug] = []

    def to_model(self) -> HeldUp:
        return HeldUp(self.outcome, self.note, tuple(self.sources))


class PrecedentIn(_In):
    id: Slug
    name: Text
    date: dt.date
    end: dt.date | None = None
    form: str = ""
    parties: Annotated[list[PartyIn], Field(min_length=1)]
    parties_note: str = ""
    summary: str = ""
    provisions: Annotated[list[ProvisionIn], Field(min_length=1)]
    held_up: HeldUpIn
    sources: Annotated[list[SourceIn], Field(min_length=1)]

    def to_model(self) -> Precedent:
        return Precedent(
            id=self.id,
            name=self.name,
            date=self.date,
            parties=tuple(p.to_model() for p in self.parties),
            provisions=tuple(p.to_model() for p in self.provisions),
            held_up=self.held_up.to_model(),
            sources=tuple(s.to_model() for s in self.sources),
            summary=self.summary,
            form=self.form,
            end=self.end,
            parties_note=self.parties_note,
        )


class LibraryIn(_In):
    """The top level of a library file."""

    library: Literal[1] = Field(FORMAT_VERSION, description="Library format version.")
    precedents: list[PrecedentIn]


# -- the rules across fields ----------------------------------------------------------


def _duplicates(
    ids: list[str], base: tuple[str | int, ...], what: str, smap: SourceMap
) -> list[Problem]:
    seen: dict[str, int] = {}
    out = []
    for k, value in enumerate(ids):
        if value in seen:
            out.append(
                Problem(
                    smap.where((*base, k, "id")),
                    f"{what} id {value!r} is used twice (first at line "
                    f"{smap.line((*base, seen[value], 'id'))})",
                )
            )
        else:
            seen[value] = k
    return out


def library_problems(raw: LibraryIn, smap: SourceMap) -> list[Problem]:
    """Ids unique, cited sources present, dates in order, at their lines."""
    problems = _duplicates([p.id for p in raw.precedents], ("precedents",), "precedent", smap)
    for i, p in enumerate(raw.precedents):
        at: tuple[str | int, ...] = ("precedents", i)
        problems += _duplicates([s.id for s in p.sources], (*at, "sources"), "source", smap)
        problems += _duplicates(
            [x.id for x in p.provisions], (*at, "provisions"), "provision", smap
        )
        problems += _duplicates([x.id for x in p.parties], (*at, "parties"), "party", smap)
        known = {s.id for s in p.sources}
        for j, prov in enumerate(p.provisions):
            for k, sid in enumerate(prov.sources):
                if sid not in known:
                    where = smap.where((*at, "provisions", j, "sources", k))
                    problems.append(
                        Problem(where, f"{sid!r} is not one of this precedent's sources")
                    )
        for k, sid in enumerate(p.held_up.sources):
            if sid not in known:
                where = smap.where((*at, "held_up", "sources", k))
                problems.append(Problem(where, f"{sid!r} is not one of this precedent's sources"))
        if p.end is not None and p.end < p.date:
            problems.append(
                Problem(smap.where((*at, "end")), f"{p.end} is before the date, {p.date}")
            )
    return problems


# -- reading --------------------------------------------------------------------------


def parse_library(text: str, filename: str = "<library>") -> Library:
    """Parse library text; raise ``InputError`` listing every problem with its line."""
    data, _ = _parse(text, filename)
    return Library(tuple(p.to_model() for p in data.precedents))


def _parse(text: str, filename: str) -> tuple[LibraryIn, SourceMap]:
    data, smap = load_located(text, filename)
    if not isinstance(data, dict):
        raise InputError(smap.where(()), "a precedent library must be a mapping at the top level")
    try:
        raw = LibraryIn.model_validate(data)
    except ValidationError as exc:
        raise InputError.of(validation_problems(exc, smap)) from None
    problems = library_problems(raw, smap)
    if problems:
        raise InputError.of(problems)
    return raw, smap


def load_library_file(path: str | Path) -> Library:
    """Read and check one library file."""
    p = Path(path)
    return parse_library(read_text(p), str(p))


def builtin_path() -> Path:
    """Where the shipped library lives (inside the installed package)."""
    return Path(str(resources.files("offramp") / "data" / "precedents" / "library.yaml"))


@cache
def builtin_library() -> Library:
    """The precedents shipped with offramp, read once."""
    return load_library_file(builtin_path())


def load_library(team_file: str | Path | None = None) -> Library:
    """The shipped library, plus a team's own file if given; an id in both is refused."""
    shipped = builtin_library()
    if team_file is None:
        return shipped
    p = Path(team_file)
    raw, smap = _parse(read_text(p), str(p))
    problems = [
        Problem(
            smap.where(("precedents", i, "id")),
            f"precedent id {entry.id!r} is already in the shipped library: choose another",
        )
        for i, entry in enumerate(raw.precedents)
        if entry.id in shipped
    ]
    if problems:
        raise InputError.of(problems)
    return Library.of(shipped.precedents, [entry.to_model() for entry in raw.precedents])


def precedent_to_data(p: Precedent) -> dict[str, Any]:
    """A precedent as plain data in file shape (empty fields left out); JSON-ready."""

    def source(s: Source) -> dict[str, Any]:
        out: dict[str, Any] = {"id": s.id, "title": s.title, "publisher": s.publisher}
        if s.url:
            out["url"] = s.url
        if s.reference:
            out["reference"] = s.reference
        return out

    def party(x: Party) -> dict[str, Any]:
        out: dict[str, Any] = {"id": x.id, "name": x.name}
        if x.continued_by:
            out["continued_by"] = list(x.continued_by)
        return out

    def provision(x: Provision) -> dict[str, Any]:
        out: dict[str, Any] = {"id": x.id, "kinds": [k.value for k in x.kinds], "text": x.text}
        if x.sources:
            out["sources"] = list(x.sources)
        return out

    data: dict[str, Any] = {"id": p.id, "name": p.name, "date": p.date.isoformat()}
    if p.end is not None:
        data["end"] = p.end.isoformat()
    for name in ("form", "summary", "parties_note"):
        if getattr(p, name):
            data[name] = getattr(p, name)
    data["parties"] = [party(x) for x in p.parties]
    data["provisions"] = [provision(x) for x in p.provisions]
    held: dict[str, Any] = {"outcome": p.held_up.outcome.value, "note": p.held_up.note}
    if p.held_up.sources:
        held["sources"] = list(p.held_up.sources)
    data["held_up"] = held
    data["sources"] = [source(s) for s in p.sources]
    return data
