"""Rows in, model objects out. ``get_*`` functions fetch without any access check.

Case content is kept so that export reproduces the case file exactly: the case-file
data (without statements and positions) as JSON on the case row, and each statement
and position as its own row in case-file order, queryable by party, issue and date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    Connection,
    Row,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from offramp.model import Case, Statement
from offramp.model.concessions import Concession, Direction
from offramp.model.deadlines import Clock
from offramp.model.shuttle import (
    Channel,
    ChannelKind,
    Claim,
    ClaimState,
    ClaimStep,
    HandlingMark,
    Message,
    PartyResponse,
    Proposal,
    RelayLabel,
    RelayMode,
    Response,
    channels_for,
)
from offramp.store import audit_cover
from offramp.store import tables as t
from offramp.store.cipher import Keyring
from offramp.store.sealed import keyring_of, seal, seal_json, unseal, unseal_json

T = TypeVar("T")

# built once: every authenticated request runs it, and building a select costs more
# than SQLite takes to answer it
USER_BY_SECRET = (
    select(
        t.users.c.id,
        t.users.c.name,
        t.users.c.is_admin,
        t.users.c.disabled,  # not the password hash: a request never opens it
        t.credentials.c.id.label("credential_id"),
        t.credentials.c.kind,
        t.credentials.c.created_at.label("credential_created_at"),
        t.credentials.c.expires_at,
        t.credentials.c.last_used_at,
    )
    .join(t.credentials, t.credentials.c.user_id == t.users.c.id)
    .where(t.credentials.c.secret_hash == bindparam("secret_hash"))
)

HASH_COLUMN = "users.password_hash"  # sealed since migration 0014 (a pepper, ASVS 2.4.5)

_PARTIES_CACHE: dict[tuple[str, int, int], tuple[str, ...]] = {}


def utc(value: datetime) -> datetime:
    """Reattach UTC to a time SQLite returned without its zone."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _maybe_utc(value: datetime | None) -> datetime | None:
    """:func:`utc` for a time that may be missing."""
    return None if value is None else utc(value)


@dataclass(frozen=True)
class Account:
    """A user as a request sees it: who, whether a server admin, whether disabled."""

    id: int
    name: str
    is_admin: bool
    disabled: bool


@dataclass(frozen=True)
class UserRow(Account):
    """A user with the password hash, opened (a sign-in or a password check)."""

    password_hash: str


@dataclass(frozen=True)
class CredentialRow:
    """A session or token, without its secret (only the secret's hash is stored)."""

    id: int
    user_id: int
    kind: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None = None  # None: not used since it was opened


@dataclass(frozen=True)
class SecretOwner:
    """The user a live session or token belongs to, and that credential's times."""

    user: Account
    credential: CredentialRow

    @property
    def idle_since(self) -> datetime:
        """When the credential was last used (or opened, if not used since)."""
        return self.credential.last_used_at or self.credential.created_at


@dataclass(frozen=True)
class CaseRow:
    id: int
    slug: str
    title: str
    version: int


@dataclass(frozen=True)
class MembershipRow:
    id: int
    case_id: int
    user_id: int
    user: str
    role: str
    party: str | None


@dataclass(frozen=True)
class ChannelRow:
    id: int
    channel: Channel


@dataclass(frozen=True)
class Versioned(Generic[T]):
    """A stored object with its row id and optimistic-concurrency version."""

    id: int
    version: int
    value: T


@dataclass(frozen=True)
class StatementRow:
    statement: Statement
    confirmed_at: datetime | None
    confirmed_by: str | None


@dataclass(frozen=True)
class NoteRow:
    id: int
    author: str
    title: str
    body: str
    version: int
    updated_at: datetime


class Repository:
    """Every query the services need, over one connection (inside a unit of work).

    Rows it stamps (users, credentials, messages, notes) get ``clock``'s time.
    """

    def __init__(self, conn: Connection, clock: Clock) -> None:
        self.conn = conn
        self.clock = clock

    def _case_row(self, table: Table, case_id: int, row_id: int) -> Row[Any] | None:
        """The row ``row_id`` of ``table``, if it belongs to case ``case_id``."""
        q = select(table).where(table.c.case_id == case_id, table.c.id == row_id)
        return self.conn.execute(q).first()

    def _compare_and_set(
        self, table: Table, case_id: int, row_id: int, expected_version: int, **values: Any
    ) -> bool:
        """Write ``values`` to the case's row (and count its version on) if the row is
        still at ``expected_version``; False, and nothing written, if it moved on."""
        where = (table.c.id == row_id, table.c.version == expected_version)
        values["version"] = expected_version + 1
        return audit_cover.rewrite(self.conn, table, case_id, *where, **values) == 1

    # -- users and credentials --------------------------------------------------------
    def add_user(self, name: str, password_hash: str, is_admin: bool) -> int:
        res = self.conn.execute(
            insert(t.users).values(
                name=name,
                password_hash=seal(self.conn, password_hash, HASH_COLUMN),
                is_admin=is_admin,
                created_at=self.clock.now(),
            )
        )
        return _pk(res)

    def get_user_by_name(self, name: str) -> UserRow | None:
        row = self.conn.execute(select(t.users).where(t.users.c.name == name)).first()
        return _user(row, keyring_of(self.conn)) if row else None

    def get_user(self, user_id: int) -> UserRow | None:
        row = self.conn.execute(select(t.users).where(t.users.c.id == user_id)).first()
        return _user(row, keyring_of(self.conn)) if row else None

    def get_account(self, user_id: int) -> Account | None:
        """The user without the password hash (nothing to open)."""
        return self._account_where(t.users.c.id == user_id)

    def get_account_by_name(self, name: str) -> Account | None:
        return self._account_where(t.users.c.name == name)

    def _account_where(self, where: Any) -> Account | None:
        u = t.users.c
        q = select(u.id, u.name, u.is_admin, u.disabled).where(where)
        row = self.conn.execute(q).first()
        return _account(row) if row else None

    def add_credential(
        self,
        user_id: int,
        kind: str,
        secret_hash: str,
        expires_at: datetime | None,
        created_at: datetime | None = None,
    ) -> None:
        self.conn.execute(
            insert(t.credentials).values(
                user_id=user_id,
                kind=kind,
                secret_hash=secret_hash,
                created_at=created_at or self.clock.now(),
                expires_at=expires_at,
            )
        )

    def get_user_by_secret(self, secret_hash: str, at: datetime) -> SecretOwner | None:
        """The owner of the session or token, unless it is unknown or expired at ``at``."""
        row = self.conn.execute(USER_BY_SECRET, {"secret_hash": secret_hash}).first()
        if row is None or (row.expires_at is not None and utc(row.expires_at) <= at):
            return None
        credential = CredentialRow(
            row.credential_id,
            row.id,
            row.kind,
            utc(row.credential_created_at),
            _maybe_utc(row.expires_at),
            _maybe_utc(row.last_used_at),
        )
        return SecretOwner(_account(row), credential)

    def touch_credential(self, credential_id: int, at: datetime) -> None:
        """Record that the session or token was used at ``at``."""
        self.conn.execute(
            update(t.credentials).where(t.credentials.c.id == credential_id).values(last_used_at=at)
        )

    def delete_credential(self, secret_hash: str) -> None:
        self.conn.execute(delete(t.credentials).where(t.credentials.c.secret_hash == secret_hash))

    def list_credentials(self, user_id: int, kind: str) -> list[CredentialRow]:
        rows = self.conn.execute(
            select(t.credentials)
            .where(t.credentials.c.user_id == user_id, t.credentials.c.kind == kind)
            .order_by(t.credentials.c.id)
        ).all()
        return [
            CredentialRow(
                r.id,
                r.user_id,
                r.kind,
                utc(r.created_at),
                _maybe_utc(r.expires_at),
                _maybe_utc(r.last_used_at),
            )
            for r in rows
        ]

    def delete_credential_by_id(self, credential_id: int, user_id: int, kind: str) -> bool:
        res = self.conn.execute(
            delete(t.credentials).where(
                t.credentials.c.id == credential_id,
                t.credentials.c.user_id == user_id,
                t.credentials.c.kind == kind,
            )
        )
        return bool(res.rowcount)

    def credential_id(self, secret_hash: str) -> int | None:
        """The id of the session or token whose secret hashes to ``secret_hash``."""
        q = select(t.credentials.c.id).where(t.credentials.c.secret_hash == secret_hash)
        found = self.conn.execute(q).scalar()
        return None if found is None else int(found)

    def delete_sessions_except(self, user_id: int, keep: int | None) -> int:
        """End the user's web sessions but the one ``keep``; how many ended."""
        q = delete(t.credentials).where(
            t.credentials.c.user_id == user_id, t.credentials.c.kind == "session"
        )
        if keep is not None:
            q = q.where(t.credentials.c.id != keep)
        return int(self.conn.execute(q).rowcount)

    def delete_credentials_of(self, user_id: int) -> int:
        """Sign the user out everywhere: every session and token; how many there were."""
        res = self.conn.execute(delete(t.credentials).where(t.credentials.c.user_id == user_id))
        return int(res.rowcount)

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Store the hash sealed (the data key is its pepper)."""
        sealed = seal(self.conn, password_hash, HASH_COLUMN)
        self.conn.execute(
            update(t.users).where(t.users.c.id == user_id).values(password_hash=sealed)
        )

    def set_disabled(self, user_id: int, disabled: bool) -> None:
        """Disable the account (or enable it again); its hash stays as it is."""
        self.conn.execute(update(t.users).where(t.users.c.id == user_id).values(disabled=disabled))

    # -- cases --------------------------------------------------------------------------
    def add_case(self, case: Case, data: dict[str, Any]) -> int:
        """Store a new case: ``data`` is its case-file data, ``case`` the same as a model
        (its parties give the shuttle channels)."""
        content = dict(data)
        statements, positions = content.pop("statements", []), content.pop("positions", [])
        res = self.conn.execute(
            insert(t.cases).values(
                slug=case.id,
                title=case.title,
                version=1,
                data=content,
                created_at=self.clock.now(),
            )
        )
        case_id = _pk(res)
        self._insert_content(case_id, statements, positions)
        self._ensure_channels(case_id, case)
        return case_id

    def replace_case(self, case_id: int, case: Case, data: dict[str, Any]) -> None:
        """Replace the case's content with ``data`` (same slug), bumping its version."""
        content = dict(data)
        statements, positions = content.pop("statements", []), content.pop("positions", [])
        self.conn.execute(delete(t.statements).where(t.statements.c.case_id == case_id))
        self.conn.execute(delete(t.positions).where(t.positions.c.case_id == case_id))
        audit_cover.forget(self.conn, t.statements, case_id)
        audit_cover.forget(self.conn, t.positions, case_id)
        self.conn.execute(
            update(t.cases).where(t.cases.c.id == case_id).values(title=case.title, data=content)
        )
        self._insert_content(case_id, statements, positions)
        self._ensure_channels(case_id, case)
        self.bump_case(case_id)

    def _insert_content(
        self, case_id: int, statements: list[dict[str, Any]], positions: list[dict[str, Any]]
    ) -> None:
        audit_cover.forget(self.conn, t.statements, case_id)
        audit_cover.forget(self.conn, t.positions, case_id)
        if statements:
            self.conn.execute(
                insert(t.statements),
                [
                    {
                        "case_id": case_id,
                        "ordinal": k,
                        "key": s["id"],
                        "date": s["date"],
                        "party": s.get("party"),
                        "issue": s.get("issue"),
                        "data": s,
                    }
                    for k, s in enumerate(statements)
                ],
            )
        if positions:
            self.conn.execute(
                insert(t.positions),
                [
                    {
                        "case_id": case_id,
                        "ordinal": k,
                        "party": p["party"],
                        "issue": p["issue"],
                        "date": p["date"],
                        "data": p,
                        "version": 1,
                    }
                    for k, p in enumerate(positions)
                ],
            )

    def _ensure_channels(self, case_id: int, case: Case) -> None:
        have = set(
            self.conn.execute(select(t.channels.c.key).where(t.channels.c.case_id == case_id))
            .scalars()
            .all()
        )
        new = [
            {"case_id": case_id, "key": c.key, "kind": c.kind.value, "party": c.party}
            for c in channels_for(case)
            if c.key not in have
        ]
        if new:
            self.conn.execute(insert(t.channels), new)

    def bump_case(self, case_id: int) -> int:
        self.conn.execute(
            update(t.cases).where(t.cases.c.id == case_id).values(version=t.cases.c.version + 1)
        )
        return int(
            self.conn.execute(select(t.cases.c.version).where(t.cases.c.id == case_id)).scalar_one()
        )

    def lock_case(self, case_id: int) -> CaseRow:
        """The case's row as committed now, locked until the transaction ends
        (PostgreSQL; SQLite's writer already holds the whole database).

        ``FOR NO KEY UPDATE``, the lock an ``UPDATE`` of the row takes: it queues the
        case's other writers but not the rows that only refer to the case (a foreign key
        check takes ``FOR KEY SHARE``, which ``FOR UPDATE`` would block).
        """
        q = select(t.cases.c.id, t.cases.c.slug, t.cases.c.title, t.cases.c.version)
        q = q.where(t.cases.c.id == case_id).with_for_update(key_share=True)
        row = self.conn.execute(q).one()
        return CaseRow(row.id, row.slug, row.title, row.version)

    def get_case_row(self, slug: str) -> CaseRow | None:
        row = self.conn.execute(
            select(t.cases.c.id, t.cases.c.slug, t.cases.c.title, t.cases.c.version).where(
                t.cases.c.slug == slug
            )
        ).first()
        return CaseRow(row.id, row.slug, row.title, row.version) if row else None

    def get_case_data(self, case_id: int) -> dict[str, Any]:
        """The stored case as case-file data (statements and positions in file order)."""
        data = dict(
            self.conn.execute(select(t.cases.c.data).where(t.cases.c.id == case_id)).scalar_one()
        )
        data["statements"] = [
            r.data
            for r in self.conn.execute(
                select(t.statements.c.data)
                .where(t.statements.c.case_id == case_id)
                .order_by(t.statements.c.ordinal)
            )
        ]
        data["positions"] = [
            r.data
            for r in self.conn.execute(
                select(t.positions.c.data)
                .where(t.positions.c.case_id == case_id)
                .order_by(t.positions.c.ordinal, t.positions.c.id)
            )
        ]
        return data

    def list_cases_for_user(self, user_id: int) -> list[tuple[CaseRow, str, str | None]]:
        rows = self.conn.execute(
            select(
                t.cases.c.id,
                t.cases.c.slug,
                t.cases.c.title,
                t.cases.c.version,
                t.memberships.c.role,
                t.memberships.c.party,
            )
            .join(t.memberships, t.memberships.c.case_id == t.cases.c.id)
            .where(t.memberships.c.user_id == user_id)
            .order_by(t.cases.c.slug)
        ).all()
        return [(CaseRow(r.id, r.slug, r.title, r.version), r.role, r.party) for r in rows]

    # -- memberships and shares ------------------------------------------------------
    def add_membership(self, case_id: int, user_id: int, role: str, party: str | None) -> int:
        res = self.conn.execute(
            insert(t.memberships).values(case_id=case_id, user_id=user_id, role=role, party=party)
        )
        return _pk(res)

    def get_membership(self, case_id: int, user_id: int) -> MembershipRow | None:
        row = self.conn.execute(
            _membership_query().where(
                t.memberships.c.case_id == case_id, t.memberships.c.user_id == user_id
            )
        ).first()
        return _membership(row) if row else None

    def remove_membership(self, case_id: int, user_id: int) -> bool:
        res = self.conn.execute(
            delete(t.memberships).where(
                t.memberships.c.case_id == case_id, t.memberships.c.user_id == user_id
            )
        )
        self.conn.execute(
            delete(t.shares).where(t.shares.c.case_id == case_id, t.shares.c.user_id == user_id)
        )
        return bool(res.rowcount)

    def set_membership_role(self, case_id: int, user_id: int, role: str, party: str | None) -> bool:
        res = self.conn.execute(
            update(t.memberships)
            .where(t.memberships.c.case_id == case_id, t.memberships.c.user_id == user_id)
            .values(role=role, party=party)
        )
        return bool(res.rowcount)

    def list_members(self, case_id: int) -> list[MembershipRow]:
        rows = self.conn.execute(
            _membership_query()
            .where(t.memberships.c.case_id == case_id)
            .order_by(t.memberships.c.id)
        ).all()
        return [_membership(r) for r in rows]

    def add_share(self, case_id: int, user_id: int, kind: str, item: int | None) -> int:
        res = self.conn.execute(
            insert(t.shares).values(case_id=case_id, user_id=user_id, kind=kind, item=item)
        )
        return _pk(res)

    def get_member_scope(
        self, slug: str, user_id: int
    ) -> tuple[CaseRow | None, MembershipRow | None, frozenset[tuple[str, int | None]]]:
        """The case, the user's membership of it and what was shared with the user, in
        one query (every request inside a case starts here)."""
        m, sh = t.memberships, t.shares
        rows = self.conn.execute(
            select(
                t.cases.c.id,
                t.cases.c.slug,
                t.cases.c.title,
                t.cases.c.version,
                m.c.id.label("member_id"),
                m.c.role,
                m.c.party,
                t.users.c.name.label("user"),
                sh.c.kind,
                sh.c.item,
            )
            .select_from(t.cases)
            .outerjoin(m, and_(m.c.case_id == t.cases.c.id, m.c.user_id == user_id))
            .outerjoin(t.users, t.users.c.id == m.c.user_id)
            .outerjoin(sh, and_(sh.c.case_id == t.cases.c.id, sh.c.user_id == m.c.user_id))
            .where(t.cases.c.slug == slug)
        ).all()
        if not rows:
            return None, None, frozenset()
        r = rows[0]
        case = CaseRow(r.id, r.slug, r.title, r.version)
        if r.member_id is None:
            return case, None, frozenset()
        member = MembershipRow(r.member_id, r.id, user_id, r.user, r.role, r.party)
        shares = frozenset((x.kind, x.item) for x in rows if x.kind is not None)
        return case, member, shares

    def negotiating_parties(self, row: CaseRow) -> tuple[str, ...]:
        """The parties with a channel of their own, in channel order (cached per version)."""
        key = (self.conn.engine.url.render_as_string(), row.id, row.version)
        cached = _PARTIES_CACHE.get(key)
        if cached is None:
            cached = tuple(c.channel.party for c in self.list_channels(row.id) if c.channel.party)
            if len(_PARTIES_CACHE) > 256:
                _PARTIES_CACHE.clear()
            _PARTIES_CACHE[key] = cached
        return cached

    def get_shares(self, case_id: int, user_id: int) -> frozenset[tuple[str, int | None]]:
        rows = self.conn.execute(
            select(t.shares.c.kind, t.shares.c.item).where(
                t.shares.c.case_id == case_id, t.shares.c.user_id == user_id
            )
        ).all()
        return frozenset((r.kind, r.item) for r in rows)

    # -- statements and positions ----------------------------------------------------
    def list_statements(
        self, case_id: int, *, party: str | None = None, issue: str | None = None
    ) -> list[StatementRow]:
        q = select(t.statements).where(t.statements.c.case_id == case_id)
        if party is not None:
            q = q.where(t.statements.c.party == party)
        if issue is not None:
            q = q.where(t.statements.c.issue == issue)
        rows = self.conn.execute(q.order_by(t.statements.c.ordinal)).all()
        return [_statement(r) for r in rows]

    def get_statement(self, case_id: int, key: str) -> StatementRow | None:
        row = self.conn.execute(
            select(t.statements).where(t.statements.c.case_id == case_id, t.statements.c.key == key)
        ).first()
        return _statement(row) if row else None

    def add_source(self, case_id: int, data: dict[str, Any]) -> None:
        """Append a source to the case's sources (validated by the caller)."""
        case_data = dict(
            self.conn.execute(select(t.cases.c.data).where(t.cases.c.id == case_id)).scalar_one()
        )
        case_data["sources"] = [*case_data.get("sources", []), data]
        self.conn.execute(update(t.cases).where(t.cases.c.id == case_id).values(data=case_data))
        self.bump_case(case_id)

    def add_statement(self, case_id: int, data: dict[str, Any]) -> int:
        """Append a statement (validated by the caller); the case's new version."""
        ordinal = self.conn.execute(
            select(func.coalesce(func.max(t.statements.c.ordinal), -1) + 1).where(
                t.statements.c.case_id == case_id
            )
        ).scalar_one()
        res = self.conn.execute(
            insert(t.statements).values(
                case_id=case_id,
                ordinal=ordinal,
                key=data["id"],
                date=data["date"],
                party=data.get("party"),
                issue=data.get("issue"),
                data=data,
            )
        )
        audit_cover.added(self.conn, t.statements, case_id, [_pk(res)])
        return self.bump_case(case_id)

    def confirm_statement(self, case_id: int, key: str, actor: str, at: datetime) -> None:
        audit_cover.rewrite(
            self.conn, t.statements, case_id, t.statements.c.key == key,
            confirmed_at=at, confirmed_by=actor,
        )  # fmt: skip

    def list_positions(
        self, case_id: int, *, party: str | None = None, issue: str | None = None
    ) -> list[Versioned[dict[str, Any]]]:
        q = select(t.positions).where(t.positions.c.case_id == case_id)
        if party is not None:
            q = q.where(t.positions.c.party == party)
        if issue is not None:
            q = q.where(t.positions.c.issue == issue)
        rows = self.conn.execute(q.order_by(t.positions.c.ordinal, t.positions.c.id)).all()
        return [Versioned(r.id, r.version, dict(r.data)) for r in rows]

    def get_position(self, case_id: int, position_id: int) -> Versioned[dict[str, Any]] | None:
        row = self._case_row(t.positions, case_id, position_id)
        return Versioned(row.id, row.version, dict(row.data)) if row else None

    def put_position(self, case_id: int, data: dict[str, Any]) -> int:
        """Insert a position, or replace the one of the same party, issue and date."""
        same = self.conn.execute(
            select(t.positions.c.id).where(
                t.positions.c.case_id == case_id,
                t.positions.c.party == data["party"],
                t.positions.c.issue == data["issue"],
                t.positions.c.date == data["date"],
            )
        ).scalar()
        if same is not None:
            audit_cover.rewrite(
                self.conn, t.positions, case_id, t.positions.c.id == same,
                data=data, version=t.positions.c.version + 1,
            )  # fmt: skip
            self.bump_case(case_id)
            return int(same)
        ordinal = self.conn.execute(
            select(func.coalesce(func.max(t.positions.c.ordinal), -1) + 1).where(
                t.positions.c.case_id == case_id
            )
        ).scalar_one()
        res = self.conn.execute(
            insert(t.positions).values(
                case_id=case_id,
                ordinal=ordinal,
                party=data["party"],
                issue=data["issue"],
                date=data["date"],
                data=data,
                version=1,
            )
        )
        audit_cover.added(self.conn, t.positions, case_id, [_pk(res)])
        self.bump_case(case_id)
        return _pk(res)

    def update_position(
        self, case_id: int, position_id: int, data: dict[str, Any], expected_version: int
    ) -> bool:
        """Compare-and-set: False (and nothing written) if the version moved on."""
        saved = self._compare_and_set(
            t.positions, case_id, position_id, expected_version, data=data
        )
        if saved:
            self.bump_case(case_id)
        return saved

    # -- channels and messages -------------------------------------------------------
    def list_channels(self, case_id: int) -> list[ChannelRow]:
        rows = self.conn.execute(
            select(t.channels).where(t.channels.c.case_id == case_id).order_by(t.channels.c.id)
        ).all()
        return [_channel(r) for r in rows]

    def get_channel(self, case_id: int, key: str) -> ChannelRow | None:
        row = self.conn.execute(
            select(t.channels).where(t.channels.c.case_id == case_id, t.channels.c.key == key)
        ).first()
        return _channel(row) if row else None

    def add_message(
        self,
        case_id: int,
        channel: ChannelRow,
        author: str,
        body: str,
        mark: HandlingMark,
        *,
        relay_of: int | None = None,
        relay_mode: RelayMode | None = None,
        label: RelayLabel | None = None,
        claim: int | None = None,
    ) -> Message:
        at = self.clock.now()
        res = self.conn.execute(
            insert(t.messages).values(
                case_id=case_id,
                channel_id=channel.id,
                author=author,
                body=keyring_of(self.conn).seal(body, "messages.body"),
                mark=mark.value,
                at=at,
                relay_of=relay_of,
                relay_mode=relay_mode.value if relay_mode else None,
                label=label.value if label else None,
                claim_id=claim,
            )
        )
        mid = _pk(res)
        audit_cover.added(self.conn, t.messages, case_id, [mid])
        return Message(
            mid, channel.channel.key, author, body, mark, at, relay_of, relay_mode, label, claim
        )

    def get_message(self, case_id: int, message_id: int) -> Message | None:
        row = self.conn.execute(
            _message_query().where(t.messages.c.case_id == case_id, t.messages.c.id == message_id)
        ).first()
        return _message(row, keyring_of(self.conn)) if row else None

    def list_messages(
        self,
        case_id: int,
        channel_keys: list[str],
        *,
        after: int = 0,
        before: int | None = None,
        newest: bool = False,
        limit: int = 100,
        query: str | None = None,
    ) -> list[Message]:
        """Messages in id order: the first ``limit`` after ``after``, or with ``newest``
        the last ``limit`` (before ``before`` if given), still returned oldest first.

        Both walk ``ix_messages_channel`` (channel, id) from one end, so a page costs
        ``limit`` rows however long the channel is.
        """
        ids = select(t.channels.c.id).where(
            t.channels.c.case_id == case_id, t.channels.c.key.in_(channel_keys)
        )
        q = _message_query().where(
            t.messages.c.case_id == case_id,
            t.messages.c.channel_id == ids.scalar_subquery()
            if len(channel_keys) == 1
            else t.messages.c.channel_id.in_(ids),
            t.messages.c.id > after,
        )
        if before is not None:
            q = q.where(t.messages.c.id < before)
        order = t.messages.c.id.desc() if newest else t.messages.c.id
        ring = keyring_of(self.conn)
        if query:  # bodies are sealed: search opens them, a page of rows at a time
            found = _search(self.conn, q.order_by(order), ring, query, limit)
        else:
            found = [_message(r, ring) for r in self.conn.execute(q.order_by(order).limit(limit))]
        return found[::-1] if newest else found

    def count_messages(self, case_id: int, channel_keys: list[str]) -> dict[str, int]:
        rows = self.conn.execute(
            select(t.channels.c.key, func.count(t.messages.c.id))
            .join(t.messages, t.messages.c.channel_id == t.channels.c.id, isouter=True)
            .where(t.channels.c.case_id == case_id, t.channels.c.key.in_(channel_keys))
            .group_by(t.channels.c.key)
        ).all()
        return {r[0]: int(r[1]) for r in rows}

    # -- claims ------------------------------------------------------------------------
    def add_claim(self, case_id: int, claim: Claim) -> Versioned[Claim]:
        res = self.conn.execute(
            insert(t.claims).values(
                case_id=case_id, version=1, **_claim_values(claim, keyring_of(self.conn))
            )
        )
        cid = _pk(res)
        return Versioned(cid, 1, Claim(cid, *_claim_tail(claim)))

    def get_claim(self, case_id: int, claim_id: int) -> Versioned[Claim] | None:
        row = self._case_row(t.claims, case_id, claim_id)
        return _claim(row, keyring_of(self.conn)) if row else None

    def list_claims(self, case_id: int, parties: frozenset[str] | None) -> list[Versioned[Claim]]:
        q = select(t.claims).where(t.claims.c.case_id == case_id)
        if parties is not None:
            q = q.where(or_(t.claims.c.party.in_(parties), t.claims.c.relayed_to.in_(parties)))
        ring = keyring_of(self.conn)
        return [_claim(r, ring) for r in self.conn.execute(q.order_by(t.claims.c.id)).all()]

    def save_claim(self, case_id: int, claim: Claim, expected_version: int) -> bool:
        values = _claim_values(claim, keyring_of(self.conn))
        return self._compare_and_set(t.claims, case_id, claim.id, expected_version, **values)

    # -- proposals --------------------------------------------------------------------------
    def add_proposal(self, case_id: int, p: Proposal) -> Versioned[Proposal]:
        res = self.conn.execute(
            insert(t.proposals).values(
                case_id=case_id,
                title=seal(self.conn, p.title, "proposals.title"),
                package=dict(p.package),
                responses=_responses(p, keyring_of(self.conn)),
                parties="|" + "|".join(p.parties) + "|",
                tabled_by=p.tabled_by,
                at=p.at,
                withdrawn=p.withdrawn,
                version=1,
            )
        )
        pid = _pk(res)
        got = self.get_proposal(case_id, pid)
        assert got is not None
        return got

    def get_proposal(self, case_id: int, proposal_id: int) -> Versioned[Proposal] | None:
        row = self._case_row(t.proposals, case_id, proposal_id)
        return _proposal(row, keyring_of(self.conn)) if row else None

    def list_proposals(
        self, case_id: int, *, party: str | None = None, ids: frozenset[int] | None = None
    ) -> list[Versioned[Proposal]]:
        q = select(t.proposals).where(t.proposals.c.case_id == case_id)
        if party is not None:
            q = q.where(t.proposals.c.parties.contains(f"|{party}|", autoescape=True))
        if ids is not None:
            q = q.where(t.proposals.c.id.in_(ids))
        ring = keyring_of(self.conn)
        return [_proposal(r, ring) for r in self.conn.execute(q.order_by(t.proposals.c.id)).all()]

    def save_proposal(self, case_id: int, p: Proposal, expected_version: int) -> bool:
        return self._compare_and_set(
            t.proposals, case_id, p.id, expected_version,
            responses=_responses(p, keyring_of(self.conn)), withdrawn=p.withdrawn,
        )  # fmt: skip

    # -- ledger ---------------------------------------------------------------------------
    def add_concession(self, case_id: int, c: Concession, recorded_by: str) -> int:
        res = self.conn.execute(
            insert(t.ledger).values(
                case_id=case_id,
                party=c.party,
                issue=c.issue,
                direction=c.direction.value,
                from_option=c.from_option,
                to_option=c.to_option,
                note=seal(self.conn, c.note, "ledger.note"),
                proposal_id=c.proposal,
                at=c.at,
                recorded_by=recorded_by,
            )
        )
        return _pk(res)

    def list_concessions(self, case_id: int) -> list[tuple[int, Concession, str]]:
        rows = self.conn.execute(
            select(t.ledger).where(t.ledger.c.case_id == case_id).order_by(t.ledger.c.id)
        ).all()
        ring = keyring_of(self.conn)
        return [
            (
                r.id,
                Concession(
                    r.party,
                    r.issue,
                    Direction(r.direction),
                    utc(r.at),
                    r.from_option,
                    r.to_option,
                    unseal(ring, r.note, "ledger.note"),
                    r.proposal_id,
                ),
                r.recorded_by,
            )
            for r in rows
        ]

    # -- notes ------------------------------------------------------------------------------
    def add_note(self, case_id: int, author: str, title: str, body: str) -> NoteRow:
        at = self.clock.now()
        sealed = _sealed_note(keyring_of(self.conn), title, body)
        res = self.conn.execute(
            insert(t.notes).values(
                case_id=case_id, author=author, version=1, updated_at=at, **sealed
            )
        )
        audit_cover.added(self.conn, t.notes, case_id, [_pk(res)])
        return NoteRow(_pk(res), author, title, body, 1, at)

    def get_note(self, case_id: int, note_id: int) -> NoteRow | None:
        row = self._case_row(t.notes, case_id, note_id)
        return _note(row, keyring_of(self.conn)) if row else None

    def list_notes(self, case_id: int, ids: frozenset[int] | None = None) -> list[NoteRow]:
        q = select(t.notes).where(t.notes.c.case_id == case_id)
        if ids is not None:
            q = q.where(t.notes.c.id.in_(ids))
        ring = keyring_of(self.conn)
        return [_note(r, ring) for r in self.conn.execute(q.order_by(t.notes.c.id)).all()]

    def update_note(
        self, case_id: int, note_id: int, title: str, body: str, expected_version: int
    ) -> bool:
        return self._compare_and_set(
            t.notes, case_id, note_id, expected_version,
            updated_at=self.clock.now(), **_sealed_note(keyring_of(self.conn), title, body),
        )  # fmt: skip

    # -- for tests and operators -----------------------------------------------------------
    def count_rows(self) -> dict[str, int]:
        """Rows per table."""
        return {
            name: int(self.conn.execute(select(func.count()).select_from(table)).scalar_one())
            for name, table in t.metadata.tables.items()
        }


def _pk(res: Any) -> int:
    return int(res.inserted_primary_key[0])


# -- row mapping ---------------------------------------------------------------------------


def _account(row: Any) -> Account:
    """A user row (or a row of its columns) as an :class:`Account`: no hash opened."""
    return Account(row.id, row.name, bool(row.is_admin), bool(row.disabled))


def _user(row: Row[Any], ring: Keyring) -> UserRow:
    """A user row with its password hash opened (sealed at rest: ``SEALED_0014``)."""
    return UserRow(
        row.id,
        row.name,
        bool(row.is_admin),
        bool(row.disabled),
        unseal(ring, row.password_hash, HASH_COLUMN),
    )


def _membership_query() -> Any:
    return select(
        t.memberships.c.id,
        t.memberships.c.case_id,
        t.memberships.c.user_id,
        t.users.c.name.label("user"),
        t.memberships.c.role,
        t.memberships.c.party,
    ).join(t.users, t.users.c.id == t.memberships.c.user_id)


def _membership(row: Row[Any]) -> MembershipRow:
    return MembershipRow(row.id, row.case_id, row.user_id, row.user, row.role, row.party)


def _statement(row: Row[Any]) -> StatementRow:
    d = dict(row.data)
    s = Statement(
        id=d["id"],
        date=date.fromisoformat(d["date"]),
        party=d.get("party"),
        speaker=d["speaker"],
        quote=d["quote"],
        source=d["source"],
        stance=d.get("stance"),
        issue=d.get("issue"),
        option=d.get("option"),
        track=d.get("track"),
        reported_by=d.get("reported_by", ""),
        date_basis=d.get("date_basis", ""),
        note=d.get("note", ""),
    )
    return StatementRow(s, utc(row.confirmed_at) if row.confirmed_at else None, row.confirmed_by)


def _channel(row: Row[Any]) -> ChannelRow:
    return ChannelRow(row.id, Channel(row.key, ChannelKind(row.kind), row.party))


def _message_query() -> Any:
    return select(t.messages, t.channels.c.key.label("channel_key")).join(
        t.channels, t.channels.c.id == t.messages.c.channel_id
    )


_MARKS = {m.value: m for m in HandlingMark}
_MODES = {m.value: m for m in RelayMode}
_LABELS = {m.value: m for m in RelayLabel}


def _message(row: Row[Any], ring: Keyring) -> Message:
    # dict lookups, not Enum(value): a channel page converts hundreds of rows
    return Message(
        row.id,
        row.channel_key,
        row.author,
        ring.open(row.body, "messages.body"),
        _MARKS[row.mark],
        utc(row.at),
        row.relay_of,
        _MODES[row.relay_mode] if row.relay_mode else None,
        _LABELS[row.label] if row.label else None,
        row.claim_id,
    )


def _search(conn: Connection, q: Any, ring: Keyring, query: str, limit: int) -> list[Message]:
    """The first ``limit`` messages of ``q`` whose body contains ``query`` (any case)."""
    needle, offset = query.casefold(), 0
    found: list[Message] = []
    while len(found) < limit:
        rows = conn.execute(q.limit(SEARCH_PAGE).offset(offset)).all()
        found += [m for m in (_message(r, ring) for r in rows) if needle in m.body.casefold()]
        if len(rows) < SEARCH_PAGE:
            break
        offset += SEARCH_PAGE
    return found[:limit]


SEARCH_PAGE = 500


def _sealed_note(ring: Keyring, title: str, body: str) -> dict[str, str]:
    return {"title": ring.seal(title, "notes.title"), "body": ring.seal(body, "notes.body")}


def _claim_values(c: Claim, ring: Keyring) -> dict[str, Any]:
    return {
        "party": c.party,
        "text": ring.seal(c.text, "claims.text"),
        "statement": c.statement,
        "relayed_to": c.relayed_to,
        "label": c.label.value if c.label else None,
        "history": seal_json(
            ring,
            [
                {
                    "state": s.state.value,
                    "actor": s.actor,
                    "at": s.at.isoformat(),
                    "note": s.note,
                    "label": s.label.value if s.label else None,
                    "party": s.party,
                }
                for s in c.history
            ],
            "claims.history",
        ),
    }


def _claim_tail(c: Claim) -> tuple[Any, ...]:
    return (c.party, c.text, c.history, c.statement, c.relayed_to, c.label)


def _claim(row: Row[Any], ring: Keyring) -> Versioned[Claim]:
    history = tuple(
        ClaimStep(
            ClaimState(s["state"]),
            s["actor"],
            datetime.fromisoformat(s["at"]),
            s.get("note", ""),
            RelayLabel(s["label"]) if s.get("label") else None,
            s.get("party"),
        )
        for s in unseal_json(ring, row.history, "claims.history")
    )
    claim = Claim(
        row.id,
        row.party,
        ring.open(row.text, "claims.text"),
        history,
        row.statement,
        row.relayed_to,
        RelayLabel(row.label) if row.label else None,
    )
    return Versioned(row.id, row.version, claim)


def _responses(p: Proposal, ring: Keyring) -> str:
    """The parties' responses (with their notes), sealed."""
    data = [
        {
            "party": r.party,
            "response": r.response.value,
            "actor": r.actor,
            "at": r.at.isoformat() if r.at else None,
            "note": r.note,
        }
        for r in p.responses
    ]
    return seal_json(ring, data, "proposals.responses")


def _proposal(row: Row[Any], ring: Keyring) -> Versioned[Proposal]:
    responses = tuple(
        PartyResponse(
            r["party"],
            Response(r["response"]),
            r.get("actor"),
            datetime.fromisoformat(r["at"]) if r.get("at") else None,
            r.get("note", ""),
        )
        for r in unseal_json(ring, row.responses, "proposals.responses")
    )
    p = Proposal(
        row.id,
        unseal(ring, row.title, "proposals.title"),
        dict(row.package),
        responses,
        row.tabled_by,
        utc(row.at),
        bool(row.withdrawn),
    )
    return Versioned(row.id, row.version, p)


def _note(row: Row[Any], ring: Keyring) -> NoteRow:
    return NoteRow(
        row.id,
        row.author,
        ring.open(row.title, "notes.title"),
        ring.open(row.body, "notes.body"),
        row.version,
        utc(row.updated_at),
    )
