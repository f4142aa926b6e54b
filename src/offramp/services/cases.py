"""Cases: create and import, export, the public record, statements, positions, members.

Confirmed statements update positions: :meth:`CaseService.confirm_statement` stores the
position the statement implies (``offramp.model.shuttle.position_from_statement``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from offramp.errors import Conflict, InputError, NotFound
from offramp.files.case import checked_position, dump_case, new_statement, parse_case
from offramp.model import Case
from offramp.model.access import Action, AdminAction, DeskRole
from offramp.model.checks import Known
from offramp.model.deadlines import Clock
from offramp.model.shuttle import position_from_statement
from offramp.services.access import NO_CASE, Actor, Scope
from offramp.services.base import UseCases
from offramp.services.crisis import import_crisis, replace_crisis, with_live_desk
from offramp.services.stored_case import add_case, changing, keep, read_case
from offramp.services.stored_case import replace_case as store_replacement
from offramp.store.authoring import CONTENT_ACTIONS, AuthoringRows
from offramp.store.repository import (
    CaseRow,
    MembershipRow,
    NoteRow,
    Repository,
    StatementRow,
    UserRow,
    Versioned,
)
from offramp.store.uow import UnitOfWork

SHARE_KINDS = ("positions", "analysis", "ledger", "proposal", "note")


@dataclass(frozen=True)
class CaseSummary:
    slug: str
    title: str
    version: int
    role: str
    party: str | None


@dataclass(frozen=True)
class PublicRecord:
    """What every member of a case may read."""

    slug: str
    title: str
    version: int
    case: Case
    role: str
    party: str | None
    permissions: frozenset[Action] = frozenset()


@dataclass(frozen=True)
class CaseExport:
    slug: str
    version: int
    text: str


class CaseService(UseCases):
    """Use cases on a case and its content."""

    # -- create, import, export ------------------------------------------------------------
    def create_case(self, actor: Actor, case: Case) -> CaseRow:
        """Store a new case (server admins)."""
        self.policy.require_admin(actor, AdminAction.CASE_CREATE)
        with self.uow(write=True) as uow:
            if uow.repo.get_case_row(case.id) is not None:
                raise Conflict(f"There is already a case {case.id}.")
            add_case(uow, case)
            import_crisis(uow, case)
            uow.audit(case.id, actor.name, "case.create", {"case": case.id, "title": case.title})
            uow.commit()
            row = None
        with self.uow() as uow:
            row = uow.repo.get_case_row(case.id)
        assert row is not None
        return row

    def import_case(self, actor: Actor, text: str, filename: str = "<upload>") -> CaseRow:
        """Parse case-file text (YAML or JSON) and store it as a new case."""
        return self.create_case(actor, parse_case(text, filename))

    def replace_case(
        self, actor: Actor | None, slug: str, text: str, version: int, filename: str = "<upload>"
    ) -> CaseRow:
        """Replace the case's content with a case file, if ``version`` is current."""
        case = parse_case(text, filename)
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.CASE_IMPORT)
            scope = changing(uow, scope)
            if case.id != slug:
                raise InputError(f"{filename}: id", f"the file is case {case.id!r}, not {slug!r}")
            if scope.case.version != version:
                who = AuthoringRows(uow.conn).last_writer(slug, CONTENT_ACTIONS) or "someone"
                raise Conflict(
                    f"Case {slug} was changed by {who} since you opened it (version {version}; "
                    f"it is now at version {scope.case.version}). Nothing was written: reload "
                    "it and make your change again."
                )
            crisis_changed = self._crisis_in_replacement(uow, scope, case)
            current = read_case(uow, scope.case)
            stored = case if crisis_changed else replace(case, crisis=current.crisis)
            store_replacement(uow, scope.case.id, stored)
            uow.audit(slug, scope.actor.name, "case.import", {"version": version + 1})
            if crisis_changed:
                replace_crisis(uow, scope.case.id, case)
                uow.audit(slug, scope.actor.name, "crisis.replace", _crisis_counts(case))
            uow.commit()
        with self.uow() as uow:
            row = uow.repo.get_case_row(slug)
        assert row is not None
        return row

    def export_case(
        self, actor: Actor | None, slug: str, fmt: Literal["yaml", "json"] = "yaml"
    ) -> CaseExport:
        """The case file as ``actor`` may read it. A copy of the whole case leaves the
        desk, so each export is audited (``case.export``: who, the format, whether the
        crisis desk was in it; OWASP ASVS 8.3.5), in the case's chain."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.CASE_EXPORT)
            case = read_case(uow, scope.case)
            crisis = self.policy.can(scope, Action.CRISIS_READ, resource="crisis")
            if crisis:
                case = with_live_desk(uow, scope.case.id, case)
            else:  # an export holds only what its reader may read
                case = replace(case, crisis=None)
            text = dump_case(case, fmt)
            exported = {"format": fmt, "crisis_desk": crisis}
            uow.audit(slug, scope.actor.name, "case.export", exported)
            uow.commit()
        return CaseExport(slug, scope.case.version, text)

    def _crisis_in_replacement(self, uow: UnitOfWork, scope: Scope, case: Case) -> bool:
        """Whether the file changes the crisis desk, which then needs ``crisis.write``.

        A file without a ``crisis:`` section, or with the desk exactly as it is now (a
        mediator's own export, sent back), leaves the desk alone.
        """
        if case.crisis is None:
            return False
        live = with_live_desk(uow, scope.case.id, replace(case, crisis=None)).crisis
        if live == case.crisis:
            return False
        self.policy.require(scope, Action.CRISIS_WRITE, resource="crisis")
        return True

    def export_case_as_operator(self, slug: str, fmt: Literal["yaml", "json"] = "yaml") -> str:
        """Export for the server operator's CLI (no membership: it reads the file anyway);
        audited as ``case.export`` by ``system``, as a member's export is."""
        with self.uow(write=True) as uow:
            row = uow.repo.get_case_row(slug)
            if row is None:
                raise NotFound(NO_CASE)
            text = dump_case(with_live_desk(uow, row.id, read_case(uow, row)), fmt)
            uow.audit(slug, "system", "case.export", {"format": fmt, "crisis_desk": True})
            uow.commit()
            return text

    def exists(self, slug: str) -> bool:
        """Whether a case is stored (for the operator's CLI)."""
        with self.uow() as uow:
            return uow.repo.get_case_row(slug) is not None

    # -- reads ---------------------------------------------------------------------------
    def list_my_cases(self, actor: Actor) -> list[CaseSummary]:
        with self.uow() as uow:
            rows = uow.repo.list_cases_for_user(actor.id)
        return [CaseSummary(r.slug, r.title, r.version, role, party) for r, role, party in rows]

    def public_record(self, actor: Actor | None, slug: str) -> PublicRecord:
        """The case as every member may read it, with the caller's role and permissions."""
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            case = read_case(uow, scope.case)
        return PublicRecord(
            slug,
            scope.case.title,
            scope.case.version,
            case,
            scope.role.value,
            scope.party,
            self.policy.permissions(scope),
        )

    def permissions(self, actor: Actor | None, slug: str) -> frozenset[Action]:
        """What the caller may do in case ``slug`` (shares applied); NotFound if hidden."""
        with self.uow() as uow:
            return self.policy.permissions(self._scope(uow, actor, slug))

    def list_statements(
        self,
        actor: Actor | None,
        slug: str,
        *,
        party: str | None = None,
        issue: str | None = None,
    ) -> list[StatementRow]:
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.STATEMENT_READ)
            return uow.repo.list_statements(scope.case.id, party=party, issue=issue)

    def add_statement(self, actor: Actor | None, slug: str, data: dict[str, Any]) -> StatementRow:
        """Add a statement typed in by the desk; checked like a case file's."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.STATEMENT_CREATE)
            scope = changing(uow, scope)
            case = read_case(uow, scope.case)
            clean = {k: v for k, v in data.items() if v not in (None, "")}
            statement = new_statement(clean, Known.of(case))
            version = uow.repo.add_statement(scope.case.id, clean)
            uow.audit(slug, scope.actor.name, "statement.create", {"statement": clean})
            uow.commit()
            # the stored case is now exactly this one: the next read need not rebuild it
            keep(
                uow, scope.case.id, version, replace(case, statements=(*case.statements, statement))
            )
            row = uow.repo.get_statement(scope.case.id, clean["id"])
        assert row is not None
        return row

    def confirm_statement(self, actor: Actor | None, slug: str, key: str) -> StatementRow:
        """Mark a statement confirmed; the position it implies is stored. Confirming it
        again is a :class:`Conflict`: one confirmation, one audit event."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            row = uow.repo.get_statement(scope.case.id, key)
            if row is None:
                raise NotFound("No such statement.")
            self.policy.require(scope, Action.STATEMENT_CONFIRM, resource=f"statement/{key}")
            scope = changing(uow, scope)
            row = uow.repo.get_statement(scope.case.id, key)  # as the lock found it
            if row is None:
                raise NotFound("No such statement.")
            if row.confirmed_at is not None:
                by = row.confirmed_by or "someone"
                raise Conflict(f"Statement {key} was already confirmed by {by}.")
            confirm_in(uow, scope, key, self.clock)
            uow.commit()
            row = uow.repo.get_statement(scope.case.id, key)
        assert row is not None
        return row

    def list_positions(
        self,
        actor: Actor | None,
        slug: str,
        *,
        party: str | None = None,
        issue: str | None = None,
    ) -> list[Versioned[dict[str, Any]]]:
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.POSITION_READ, shared=scope.shared("positions"))
            return uow.repo.list_positions(scope.case.id, party=party, issue=issue)

    def update_position(
        self,
        actor: Actor | None,
        slug: str,
        position_id: int,
        changes: dict[str, Any],
        version: int,
    ) -> Versioned[dict[str, Any]]:
        """Edit a coded position; a stale ``version`` is a Conflict and writes nothing."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.POSITION_READ, shared=scope.shared("positions"))
            current = uow.repo.get_position(scope.case.id, position_id)
            if current is None:
                raise NotFound("No such position.")
            self.policy.require(scope, Action.POSITION_WRITE, resource=f"position/{position_id}")
            scope = changing(uow, scope)
            current = uow.repo.get_position(scope.case.id, position_id)  # as locked
            if current is None:
                raise NotFound("No such position.")
            if current.version != version:
                who = AuthoringRows(uow.conn).last_writer(
                    slug,
                    ("position.update", "case."),
                    lambda e: (
                        e.action != "position.update" or e.payload.get("position") == position_id
                    ),
                )
                raise Conflict(
                    f"Position {position_id} was changed by {who or 'someone'} since you opened "
                    f"it (version {version}; it is now at version {current.version}). Nothing "
                    "was written: reload it and make your change again."
                )
            data = {**current.value, **{k: v for k, v in changes.items() if v is not None}}
            if "ideal" in changes and "values" not in changes:
                data.pop("values", None)
            if "ideal" in changes and "acceptable" not in changes:
                data["acceptable"] = sorted({*data.get("acceptable", []), data["ideal"]})
            for key in ("party", "issue", "date"):
                if data.get(key) != current.value.get(key):
                    raise InputError(key, "the party, issue and date of a position cannot change")
            position = checked_position(data, Known.of(read_case(uow, scope.case)))
            if "values" not in data or "acceptable" in changes:
                # fill derived values as the case file would, so the record is complete
                data = {**data, "values": position.values, "acceptable": list(position.acceptable)}
            if not uow.repo.update_position(scope.case.id, position_id, data, version):
                raise Conflict(f"Position {position_id} changed meanwhile; reload it.")
            uow.audit(
                slug,
                scope.actor.name,
                "position.update",
                {"position": position_id, "version": version + 1, "changes": changes},
            )
            uow.commit()
            got = uow.repo.get_position(scope.case.id, position_id)
        assert got is not None
        return got

    # -- members and shares ---------------------------------------------------------------
    def add_member(
        self, actor: Actor, slug: str, user: str, role: str, party: str | None = None
    ) -> MembershipRow:
        """Give ``user`` a role on the case (server admins)."""
        desk_role = self._member_role(actor, AdminAction.MEMBER_ADD, role)
        with self.uow(write=True) as uow:
            row, target = _placed(uow, slug, user, desk_role, party)
            if uow.repo.get_membership(row.id, target.id) is not None:
                raise Conflict(f"{user} is already a member of case {slug}.")
            uow.repo.add_membership(row.id, target.id, desk_role.value, party)
            uow.audit(slug, actor.name, "member.add", {"user": user, "role": role, "party": party})
            uow.commit()
            member = uow.repo.get_membership(row.id, target.id)
        assert member is not None
        return member

    def _member_role(self, actor: Actor, action: AdminAction, role: str) -> DeskRole:
        """The role a server admin gives a member with ``action`` (checked in that order)."""
        self.policy.require_admin(actor, action)
        return _desk_role(role)

    def remove_member(self, actor: Actor, slug: str, user: str) -> None:
        """Take ``user`` off the case, with the mediator's shares to them (server admins)."""
        self.policy.require_admin(actor, AdminAction.MEMBER_REMOVE)
        with self.uow(write=True) as uow:
            row, target = _case_and_user(uow, slug, user)
            if not uow.repo.remove_membership(row.id, target.id):
                raise NotFound(f"{user} is not a member of case {slug}.")
            uow.audit(slug, actor.name, "member.remove", {"user": user})
            uow.commit()

    def change_member(
        self, actor: Actor, slug: str, user: str, role: str, party: str | None = None
    ) -> MembershipRow:
        """Give a member another role (or party) on the case (server admins)."""
        desk_role = self._member_role(actor, AdminAction.MEMBER_CHANGE, role)
        with self.uow(write=True) as uow:
            row, target = _placed(uow, slug, user, desk_role, party)
            before = uow.repo.get_membership(row.id, target.id)
            if before is None:
                raise NotFound(f"{user} is not a member of case {slug}.")
            uow.repo.set_membership_role(row.id, target.id, desk_role.value, party)
            payload = {
                "user": user,
                "role": desk_role.value,
                "party": party,
                "was": {"role": before.role, "party": before.party},
            }
            uow.audit(slug, actor.name, "member.change", payload)
            uow.commit()
            member = uow.repo.get_membership(row.id, target.id)
        assert member is not None
        return member

    def list_members(self, actor: Actor | None, slug: str) -> list[MembershipRow]:
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.MEMBER_READ)
            return uow.repo.list_members(scope.case.id)

    def share(
        self, actor: Actor | None, slug: str, user: str, kind: str, item: int | None = None
    ) -> None:
        """Share positions, analysis, the ledger, a proposal or a note with a member."""
        if kind not in SHARE_KINDS:
            raise InputError("kind", f"share one of {', '.join(SHARE_KINDS)}")
        if kind in ("proposal", "note") and item is None:
            raise InputError("item", f"say which {kind} to share")
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.SHARE_CREATE)
            target = uow.repo.get_user_by_name(user)
            member = uow.repo.get_membership(scope.case.id, target.id) if target else None
            if target is None or member is None:
                raise InputError("user", f"{user!r} is not a member of case {slug}")
            if kind == "proposal" and (
                item is None or not uow.repo.get_proposal(scope.case.id, item)
            ):
                raise InputError("item", f"no proposal {item}")
            if kind == "note" and (item is None or not uow.repo.get_note(scope.case.id, item)):
                raise InputError("item", f"no note {item}")
            if (kind, item) in uow.repo.get_shares(scope.case.id, target.id):
                raise Conflict(f"That is already shared with {user}.")
            uow.repo.add_share(scope.case.id, target.id, kind, item)
            uow.audit(
                slug, scope.actor.name, "share.create", {"user": user, "kind": kind, "item": item}
            )
            uow.commit()

    # -- notes -----------------------------------------------------------------------------
    def list_notes(self, actor: Actor | None, slug: str) -> list[NoteRow]:
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            if self.policy.can(scope, Action.NOTE_READ, resource="notes"):
                return uow.repo.list_notes(scope.case.id)
            ids = frozenset(i for k, i in scope.shares if k == "note" and i is not None)
            return uow.repo.list_notes(scope.case.id, ids)

    def get_note(self, actor: Actor | None, slug: str, note_id: int) -> NoteRow:
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            return self._note(uow.repo, scope, note_id)

    def _note(self, repo: Repository, scope: Scope, note_id: int) -> NoteRow:
        note = repo.get_note(scope.case.id, note_id)
        if note is None:
            raise NotFound("No such note.")
        self.policy.require_visible(
            scope,
            Action.NOTE_READ,
            "No such note.",
            resource=f"note/{note_id}",
            shared=scope.shared("note", note_id),
        )
        return note

    def add_note(self, actor: Actor | None, slug: str, title: str, body: str) -> NoteRow:
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.NOTE_WRITE)
            note = uow.repo.add_note(scope.case.id, scope.actor.name, title, body)
            uow.audit(slug, scope.actor.name, "note.create", {"note": note.id, "title": title})
            uow.commit()
        return note

    def update_note(
        self,
        actor: Actor | None,
        slug: str,
        note_id: int,
        version: int,
        title: str | None = None,
        body: str | None = None,
    ) -> NoteRow:
        """Edit a note; a stale ``version`` is a Conflict and nothing is overwritten."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            note = self._note(uow.repo, scope, note_id)
            self.policy.require(scope, Action.NOTE_WRITE, resource=f"note/{note_id}")
            if note.version != version:
                raise Conflict(
                    f"Note {note_id} is at version {note.version}, not {version}; "
                    "reload it and try again."
                )
            new_title = note.title if title is None else title
            new_body = note.body if body is None else body
            if not uow.repo.update_note(scope.case.id, note_id, new_title, new_body, version):
                raise Conflict(f"Note {note_id} changed meanwhile; reload it.")
            uow.audit(
                slug, scope.actor.name, "note.update", {"note": note_id, "version": version + 1}
            )
            uow.commit()
            got = uow.repo.get_note(scope.case.id, note_id)
        assert got is not None
        return got


def _desk_role(role: str) -> DeskRole:
    try:
        return DeskRole(role)
    except ValueError:
        roles = ", ".join(r.value for r in DeskRole)
        raise InputError("role", f"{role!r} is not a role; use one of {roles}") from None


def _case_and_user(uow: UnitOfWork, slug: str, user: str) -> tuple[CaseRow, UserRow]:
    row = uow.repo.get_case_row(slug)
    if row is None:
        raise NotFound(NO_CASE)
    target = uow.repo.get_user_by_name(user)
    if target is None:
        raise InputError("user", f"no user named {user!r}")
    return row, target


def _placed(
    uow: UnitOfWork, slug: str, user: str, role: DeskRole, party: str | None
) -> tuple[CaseRow, UserRow]:
    """The case and the user that ``role`` (and ``party``) are given on it."""
    row, target = _case_and_user(uow, slug, user)
    _check_party(read_case(uow, row).negotiating_parties(), role, party)
    return row, target


def _check_party(negotiating: tuple[str, ...], role: DeskRole, party: str | None) -> None:
    """A delegate belongs to one negotiating party; no one else belongs to any."""
    if role is DeskRole.DELEGATE:
        if party not in negotiating:
            raise InputError(
                "party", f"a delegate needs one of the parties {', '.join(negotiating)}"
            )
    elif party is not None:
        raise InputError("party", "only a delegate belongs to a party")


def _crisis_counts(case: Case) -> dict[str, Any]:
    """What a replaced crisis desk holds, for its audit event."""
    desk = case.crisis
    assert desk is not None
    return {
        "incidents": [i.id for i in desk.incidents],
        "commitments": len(desk.commitments),
        "notifications": len(desk.notifications),
    }


def confirm_in(uow: UnitOfWork, scope: Scope, key: str, clock: Clock) -> None:
    """Confirm statement ``key`` inside ``uow`` (at ``clock``'s now) and store the
    position it implies."""
    case = read_case(uow, scope.case)
    statement = case.statement(key)
    uow.repo.confirm_statement(scope.case.id, key, scope.actor.name, clock.now())
    position = position_from_statement(case, statement)
    payload: dict[str, Any] = {"statement": key}
    if position is not None:
        data = {
            "party": position.party,
            "issue": position.issue,
            "date": position.date.isoformat(),
            "ideal": position.ideal,
            "acceptable": list(position.acceptable),
            "salience": position.salience,
            "values": position.values,
            "statements": list(position.statements),
        }
        payload["position"] = uow.repo.put_position(scope.case.id, data)
    uow.audit(scope.case.slug, scope.actor.name, "statement.confirm", payload)
