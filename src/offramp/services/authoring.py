"""Authoring a case on the desk: from an empty case to a deal space, one record at a time.

Each edit adds, edits, reorders or removes one record of the case (a party, person,
issue, source, statement, position or reservation) in its case-file shape
(``offramp.files.case``'s item classes), checked with the rules a case file obeys
(``offramp.model.checks``) and then the whole edited case as a file would be
(``case_from_data``), so a case authored here always exports to a file that
``offramp check`` passes and that imports back to the same case.

Versions: every edit names the case version it was made against (an HTTP ``If-Match``
or a ``version`` field); if the case moved on since, the edit is a :class:`Conflict`
naming who changed it, and nothing is written. Adding needs no version (it cannot
overwrite anything: a duplicate is refused by the rules). Every successful edit is
one new case version, so the analysis, ripeness and timeline, cached per version,
follow it. Each edit is audited as itself (``case.party.add``, ``case.issue.edit``...).

Who may: ``case.author`` (the mediator and the analyst; ``model/access.py``); creating
a case is a server admin's (``case.create``), who then adds its members.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from offramp.errors import Conflict, InputError, NotFound, Problem
from offramp.files.case import (
    CaseFile,
    IssueIn,
    PartyIn,
    PersonIn,
    PositionIn,
    ReservationIn,
    SourceIn,
    StatementIn,
    case_from_data,
    read_record,
)
from offramp.files.located import format_path
from offramp.model import Case, checks
from offramp.model.access import Action, AdminAction
from offramp.model.case import Role
from offramp.services.access import Actor, Scope
from offramp.services.base import UseCases
from offramp.services.stored_case import add_case, changing, keep, read_case
from offramp.store.authoring import CONTENT_ACTIONS, AuthoringRows
from offramp.store.repository import CaseRow, Versioned
from offramp.store.uow import UnitOfWork

Kind = Literal["party", "person", "issue", "source", "statement", "position", "reservation"]
Verb = Literal["add", "edit", "remove", "reorder"]
Data = dict[str, Any]


@dataclass(frozen=True)
class Section:
    """Where a kind of record lives in a case file, and its shape."""

    name: str
    item: type[Any]  # the case-file item class (a pydantic model)
    keys: tuple[str, ...]  # the fields that identify a record (they cannot change)
    rows: bool = False  # stored one row each (statements, positions)
    private: bool = False  # read under position.read, not case.read

    def key(self, record: Mapping[str, Any]) -> str:
        return "/".join(str(record.get(k)) for k in self.keys)


SECTIONS: Mapping[Kind, Section] = {
    "party": Section("parties", PartyIn, ("id",)),
    "person": Section("people", PersonIn, ("id",)),
    "issue": Section("issues", IssueIn, ("id",)),
    "source": Section("sources", SourceIn, ("id",)),
    "statement": Section("statements", StatementIn, ("id",), rows=True),
    "position": Section("positions", PositionIn, ("party", "issue", "date"), True, True),
    "reservation": Section("reservations", ReservationIn, ("party", "date"), private=True),
}
REORDERABLE: tuple[Kind, ...] = ("party", "person", "issue", "source")

#: (kind, verb) -> the audit action (each edit is audited as itself)
AUDIT_ACTIONS: Mapping[tuple[str, str], str] = {
    ("case", "edit"): "case.edit",
    ("party", "add"): "case.party.add",
    ("party", "edit"): "case.party.edit",
    ("party", "remove"): "case.party.remove",
    ("party", "reorder"): "case.party.reorder",
    ("person", "add"): "case.person.add",
    ("person", "edit"): "case.person.edit",
    ("person", "remove"): "case.person.remove",
    ("person", "reorder"): "case.person.reorder",
    ("issue", "add"): "case.issue.add",
    ("issue", "edit"): "case.issue.edit",
    ("issue", "remove"): "case.issue.remove",
    ("issue", "reorder"): "case.issue.reorder",
    ("option", "reorder"): "case.option.reorder",
    ("source", "add"): "case.source.add",
    ("source", "edit"): "case.source.edit",
    ("source", "remove"): "case.source.remove",
    ("source", "reorder"): "case.source.reorder",
    ("statement", "add"): "case.statement.add",
    ("statement", "edit"): "case.statement.edit",
    ("statement", "remove"): "case.statement.remove",
    ("position", "add"): "case.position.add",
    ("position", "edit"): "case.position.edit",
    ("position", "remove"): "case.position.remove",
    ("reservation", "add"): "case.reservation.add",
    ("reservation", "edit"): "case.reservation.edit",
    ("reservation", "remove"): "case.reservation.remove",
}
#: authored actions a reader sees only with position.read (positions, reservations)
PRIVATE_ACTIONS = frozenset(
    a for (kind, _), a in AUDIT_ACTIONS.items() if kind in ("position", "reservation")
)
#: audit actions that change a case's content (whose author a stale write is told of)


@dataclass(frozen=True)
class Authored:
    """What an edit left: the case's new version and the record as now stored (None
    once removed; for a reorder, the new order)."""

    slug: str
    version: int
    kind: str
    key: str
    record: Data | None
    position_id: int | None = None
    order: tuple[str, ...] = ()


@dataclass(frozen=True)
class Draft:
    """The whole case as case-file data at ``version`` (what authoring forms start from),
    with the row id of each position, in order."""

    slug: str
    version: int
    data: Data
    position_ids: tuple[int, ...]


@dataclass
class _Edit:
    """One edit in the making, inside its unit of work."""

    uow: UnitOfWork
    scope: Scope
    rows: AuthoringRows
    case: Case
    data: Data
    version: int  # the case's version before the edit
    candidate: Case | None = None  # the edited case, once checked

    def section(self, name: str) -> list[Data]:
        items = self.data.setdefault(name, [])
        assert isinstance(items, list)
        return cast(list[Data], items)


class AuthoringService(UseCases):
    """Create a case, then add, edit, reorder and remove its records."""

    # -- the case itself ----------------------------------------------------------------
    def create_case(
        self, actor: Actor | None, case_id: str, title: str, description: str = ""
    ) -> CaseRow:
        """A new, empty case (server admins; they then add its members)."""
        admin = self.policy.require_admin(actor, AdminAction.CASE_CREATE)
        head = {"id": case_id, "title": title, "description": description, "parties": []}
        raw = read_record(CaseFile, head)
        case = case_from_data(raw.model_dump(mode="json", exclude_defaults=True), "case")
        with self.uow(write=True) as uow:
            if uow.repo.get_case_row(case.id) is not None:
                raise Conflict(f"There is already a case {case.id}.")
            add_case(uow, case)
            uow.audit(case.id, admin.name, "case.create", {"case": case.id, "title": case.title})
            uow.commit()
        with self.uow() as uow:
            row = uow.repo.get_case_row(case.id)
        assert row is not None
        return row

    def edit_case(
        self, actor: Actor | None, slug: str, changes: Mapping[str, Any], version: int | None
    ) -> Authored:
        """Change the case's title, description or notes."""
        allowed = ("title", "description", "notes")
        for name in changes:
            if name not in allowed:
                raise InputError(name, f"a case's {', '.join(allowed)} can change here, not this")

        def apply(e: _Edit) -> Authored:
            merged = _merge({k: e.data.get(k) for k in allowed if k in e.data}, changes)
            head = {"id": slug, **merged, "parties": []}
            read_record(CaseFile, head)  # title, description and notes as a file has them
            for k in allowed:
                e.data.pop(k, None)
            e.data.update({k: v for k, v in merged.items() if v not in (None, "")})
            return self._store(e, "case", "edit", slug, {k: e.data.get(k) for k in allowed})

        return self._write(actor, slug, version, apply, required=True)

    def draft(self, actor: Actor | None, slug: str) -> Draft:
        """The case as case-file data, for those who may author it."""
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.CASE_AUTHOR)
            data = uow.repo.get_case_data(scope.case.id)
            ids = tuple(p.id for p in uow.repo.list_positions(scope.case.id))
        return Draft(slug, scope.case.version, data, ids)

    # -- records ------------------------------------------------------------------------
    def add(
        self,
        actor: Actor | None,
        slug: str,
        kind: Kind,
        body: Mapping[str, Any],
        version: int | None = None,
    ) -> Authored:
        """Add one record of ``kind`` (its case-file shape), checked as a file's."""
        sec = SECTIONS[kind]

        def apply(e: _Edit) -> Authored:
            record = _shape(sec, body)
            known = checks.Known.of(e.case)
            _refuse([*_unique(kind, record, e.case), *_record_rules(kind, record, known)])
            e.section(sec.name).append(record)
            return self._store(e, kind, "add", sec.key(record), record)

        return self._write(actor, slug, version, apply, required=False)

    def edit(
        self,
        actor: Actor | None,
        slug: str,
        kind: Kind,
        key: str,
        changes: Mapping[str, Any],
        version: int | None,
    ) -> Authored:
        """Change fields of one record (a field set to None returns to its default); the
        fields that identify it (``id``; a position's party, issue and date) stay."""
        sec = SECTIONS[kind]

        def apply(e: _Edit) -> Authored:
            items = e.section(sec.name)
            k = _find(sec, kind, items, key, e)
            for name in sec.keys:
                if name in changes and changes[name] != items[k].get(name):
                    raise InputError(
                        name, f"the {name} of a {kind} cannot change: remove it and add another"
                    )
            record = _shape(sec, _merge(items[k], changes))
            known = checks.Known.of(e.case)
            found = [
                *_record_rules(kind, record, known),
                *_edit_impact(kind, items[k], record, e),
            ]
            _refuse(found)
            was, items[k] = items[k], record
            return self._store(e, kind, "edit", key, record, was=was)

        return self._write(actor, slug, version, apply, required=True)

    def remove(
        self, actor: Actor | None, slug: str, kind: Kind, key: str, version: int | None
    ) -> Authored:
        """Remove one record, if nothing else in the case (or on the desk) uses it."""
        sec = SECTIONS[kind]

        def apply(e: _Edit) -> Authored:
            items = e.section(sec.name)
            k = _find(sec, kind, items, key, e)
            _refuse(list(checks.in_use(f"{kind} {key!r}", _uses(kind, key, e))))
            was = items.pop(k)
            return self._store(e, kind, "remove", key, None, was=was)

        return self._write(actor, slug, version, apply, required=True)

    def reorder(
        self,
        actor: Actor | None,
        slug: str,
        kind: Kind,
        order: Sequence[str],
        version: int | None,
    ) -> Authored:
        """Put the parties, people, issues or sources in ``order`` (their ids)."""
        if kind not in REORDERABLE:
            raise InputError("kind", f"only {', '.join(REORDERABLE)} can be reordered")
        sec = SECTIONS[kind]

        def apply(e: _Edit) -> Authored:
            items = e.section(sec.name)
            _refuse(list(checks.same_ids(order, [i["id"] for i in items], ("order",))))
            by_id = {i["id"]: i for i in items}
            items[:] = [by_id[i] for i in order]
            return self._store(e, kind, "reorder", "", None, order=tuple(order))

        return self._write(actor, slug, version, apply, required=True)

    def reorder_options(
        self,
        actor: Actor | None,
        slug: str,
        issue: str,
        order: Sequence[str],
        version: int | None,
    ) -> Authored:
        """Put an issue's options in ``order``. Positions that give no values value the
        options by distance from their ideal in this order (``docs/casefile.md``)."""

        def apply(e: _Edit) -> Authored:
            items = e.section("issues")
            k = _find(SECTIONS["issue"], "issue", items, issue, e)
            options = items[k]["options"]
            _refuse(list(checks.same_ids(order, [o["id"] for o in options], ("order",))))
            by_id = {o["id"]: o for o in options}
            items[k] = {**items[k], "options": [by_id[o] for o in order]}
            return self._store(e, "option", "reorder", issue, None, order=tuple(order))

        return self._write(actor, slug, version, apply, required=True)

    # -- the one way every edit is written ---------------------------------------------
    def _write(
        self,
        actor: Actor | None,
        slug: str,
        version: int | None,
        apply: Callable[[_Edit], Authored],
        *,
        required: bool,
    ) -> Authored:
        with self.uow(write=True) as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.CASE_AUTHOR)
            rows = AuthoringRows(uow.conn)
            scope = changing(uow, scope)
            current = scope.case.version
            if version is None and required:
                raise InputError(
                    "version", "say which version of the case you opened (If-Match or version)"
                )
            if version is not None and version != current:
                who = rows.last_writer(slug, CONTENT_ACTIONS) or "someone"
                raise Conflict(
                    f"Case {slug} was changed by {who} since you opened it (version {version}; "
                    f"it is now at version {current}). Nothing was written: reload it and make "
                    "your change again."
                )
            row = scope.case  # as locked, not as first read
            edit = _Edit(
                uow, scope, rows, read_case(uow, row), uow.repo.get_case_data(row.id), current
            )
            done = apply(edit)
            uow.commit()
            assert edit.candidate is not None
            keep(uow, row.id, done.version, edit.candidate)  # the next read need not rebuild it
        return done

    def _store(
        self,
        e: _Edit,
        kind: str,
        verb: Verb,
        key: str,
        record: Data | None,
        *,
        was: Data | None = None,
        order: tuple[str, ...] = (),
    ) -> Authored:
        """Check the whole edited case as a file, write the part that changed, bump the
        case's version once, and audit."""
        candidate = case_from_data(e.data, f"case {e.scope.case.slug}")
        case_id, repo = e.scope.case.id, e.uow.repo
        position_id = None
        if kind == "statement":
            if verb == "add":
                assert record is not None
                repo.add_statement(case_id, record)  # bumps the version itself
            elif verb == "edit":
                assert record is not None
                e.rows.update_statement(case_id, record)
                repo.bump_case(case_id)
            else:
                e.rows.delete_statement(case_id, key)
                repo.bump_case(case_id)
        elif kind == "position":
            position_id = self._store_position(e, verb, key, record)
        else:
            e.rows.set_document(case_id, candidate.title, e.data)
            if kind == "party":
                e.rows.sync_channels(case_id, candidate)
            repo.bump_case(case_id)
        version = e.rows.version(case_id)
        payload: Data = {"item": key, "version": version}
        if record is not None:
            payload["record"] = record
        if was is not None:
            payload["was"] = was
        if order:
            payload["order"] = list(order)
        if position_id is not None:
            payload["position"] = position_id
        e.uow.audit(e.scope.case.slug, e.scope.actor.name, AUDIT_ACTIONS[(kind, verb)], payload)
        e.candidate = candidate
        if kind == "position" and verb == "add":
            key = str(position_id)
        return Authored(e.scope.case.slug, version, kind, key, record, position_id, order)

    def _store_position(self, e: _Edit, verb: Verb, key: str, record: Data | None) -> int:
        case_id, repo = e.scope.case.id, e.uow.repo
        if verb == "add":
            assert record is not None
            return repo.put_position(case_id, record)  # bumps the version itself
        row = _position_row(e, key)
        if verb == "edit":
            assert record is not None
            if not repo.update_position(case_id, row.id, record, row.version):
                raise Conflict(f"Position {row.id} changed meanwhile; reload it.")
        else:
            e.rows.delete_position(case_id, row.id)
            repo.bump_case(case_id)
        return row.id


# -- the rules of one edit ----------------------------------------------------------------


def _shape(sec: Section, body: Mapping[str, Any]) -> Data:
    """The record in its case-file shape (defaults left out), or InputError at fields."""
    record = read_record(sec.item, body)
    shaped: Data = record.model_dump(mode="json", exclude_defaults=True)
    return shaped


def _merge(current: Mapping[str, Any], changes: Mapping[str, Any]) -> Data:
    """``current`` with ``changes`` applied; a change to None drops the field (RFC 7396)."""
    out = dict(current)
    for name, value in changes.items():
        if value is None:
            out.pop(name, None)
        else:
            out[name] = value
    return out


def _refuse(found: list[checks.Found]) -> None:
    if found:
        raise InputError.of([Problem(format_path(path), message) for path, message in found])


def _unique(kind: Kind, record: Data, case: Case) -> list[checks.Found]:
    """A new record's identity is not taken."""
    if kind == "position":
        taken = {(p.party, p.issue, p.date.isoformat()) for p in case.positions}
        key = (record["party"], record["issue"], record["date"])
        if key in taken:
            return [
                (
                    (),
                    f"{record['party']} already has a position on {record['issue']} "
                    f"on {record['date']}: edit that one",
                )
            ]
        return []
    if kind == "reservation":
        taken_r = {(r.party, r.date.isoformat()) for r in case.reservations}
        if (record["party"], record["date"]) in taken_r:
            return [
                (
                    (),
                    f"{record['party']} already has a reservation value on "
                    f"{record['date']}: edit that one",
                )
            ]
        return []
    ids = {
        "party": [p.id for p in case.parties],
        "person": [p.id for p in case.people],
        "issue": [i.id for i in case.issues],
        "source": [s.id for s in case.sources],
        "statement": [s.id for s in case.statements],
    }[kind]
    return list(checks.unique_id(record["id"], ids))


def _record_rules(kind: Kind, record: Data, known: checks.Known) -> list[checks.Found]:
    """The case-file rules of one record, against what the case holds."""
    sec = SECTIONS[kind]
    item: Any = sec.item.model_validate(record)
    if kind == "person":
        return list(checks.person_problems(item.party, known))
    if kind == "issue":
        return list(checks.duplicate_options([o.id for o in item.options]))
    if kind == "statement":
        return list(checks.statement_problems(item, known))
    if kind == "position":
        return list(checks.position_problems(item, known))
    if kind == "reservation":
        return list(checks.reservation_problems(item.party, item.statements, known))
    return []


def _edit_impact(kind: Kind, was: Data, now: Data, e: _Edit) -> list[checks.Found]:
    """What an edit would break elsewhere: options others use, a negotiating party the
    shuttle relies on."""
    found: list[checks.Found] = []
    if kind == "issue":
        kept = {o["id"] for o in now["options"]}
        for o in was["options"]:
            if o["id"] not in kept:
                uses = checks.issue_uses(e.case, was["id"], o["id"])
                found += checks.in_use(f"option {o['id']!r}", uses, ("options",))
    if kind == "party" and was.get("role") == Role.PARTY and now.get("role") != Role.PARTY:
        uses = e.rows.desk_uses_of_party(e.scope.case.id, was["id"])
        found += checks.in_use(f"negotiating party {was['id']!r}", uses, ("role",))
    return found


def _uses(kind: Kind, key: str, e: _Edit) -> list[str]:
    """What uses the record ``key`` of ``kind``, in the case and on the desk."""
    case, case_id = e.case, e.scope.case.id
    if kind == "party":
        return [*checks.party_uses(case, key), *e.rows.desk_uses_of_party(case_id, key)]
    if kind == "person":
        return checks.person_uses(case, key)
    if kind == "issue":
        return [*checks.issue_uses(case, key), *e.rows.desk_uses_of_issue(case_id, key)]
    if kind == "source":
        return checks.source_uses(case, key)
    if kind == "statement":
        return checks.statement_uses(case, key)
    return []


def _find(sec: Section, kind: str, items: list[Data], key: str, e: _Edit) -> int:
    """The index of record ``key`` in its section, or NotFound."""
    if kind == "position":
        row = _position_row(e, key)
        ids = [p.id for p in e.uow.repo.list_positions(e.scope.case.id)]
        return ids.index(row.id)
    for k, item in enumerate(items):
        if sec.key(item) == key:
            return k
    raise NotFound(f"No such {kind}.")


def _position_row(e: _Edit, key: str) -> Versioned[Data]:
    """The stored position whose row id is ``key``, or NotFound."""
    row = e.uow.repo.get_position(e.scope.case.id, int(key)) if key.isdigit() else None
    if row is None:
        raise NotFound("No such position.")
    return row
