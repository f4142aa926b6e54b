"""The composition root: a database URL in, the desk's services out.

Used by the API, the web desk, the CLI and the tests alike::

    desk = bootstrap("offramp.db")          # SQLite file, migrated to the newest revision
    desk.cases.list_my_cases(actor)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import Engine

from offramp.files.escalation import desk_policies
from offramp.files.precedents import load_library
from offramp.model.deadlines import Clock, SystemClock
from offramp.services.access import AccessPolicy
from offramp.services.accounts import AccountService
from offramp.services.analysis import AnalysisService
from offramp.services.audit import AuditService
from offramp.services.authoring import AuthoringService
from offramp.services.cases import CaseService
from offramp.services.codings import CodingService
from offramp.services.crisis import CrisisService
from offramp.services.crisis_records import SectionRecords
from offramp.services.events import EventService
from offramp.services.forecasting import ForecastService
from offramp.services.intake import IntakeService
from offramp.services.operations import OperationsService
from offramp.services.precedents import PrecedentService
from offramp.services.rounds import RoundService
from offramp.services.session_rules import IDLE_LIMIT
from offramp.services.shuttle import ShuttleService
from offramp.services.sweeps import SweepService
from offramp.store.audit import adopt
from offramp.store.audit_cover import use_key
from offramp.store.audit_key import load_key
from offramp.store.cipher import Keyring
from offramp.store.data_key import desk_keyring
from offramp.store.engine import is_sqlite, make_engine, probe
from offramp.store.migrations import upgrade
from offramp.store.sealed import check_keyring, scrub, use_keyring
from offramp.store.uow import UowFactory, uow_factory

DEFAULT_DB = "offramp.db"


@dataclass
class Services:
    """Every service of the desk, sharing one engine and one access policy."""

    engine: Engine
    clock: Clock
    uow: UowFactory
    policy: AccessPolicy
    accounts: AccountService
    cases: CaseService
    shuttle: ShuttleService
    audit: AuditService
    analysis: AnalysisService
    crisis: CrisisService
    forecasting: ForecastService
    intake: IntakeService
    operations: OperationsService
    rounds: RoundService
    codings: CodingService
    events: EventService  # the live desk's streams (services/events.py)
    sweeps: SweepService  # the scheduled deadline sweeps (services/sweeps.py)
    precedents: PrecedentService  # the library and links to it (services/precedents.py)
    authoring: AuthoringService  # a case's records one at a time (services/authoring.py)

    @property
    def embedded(self) -> bool:
        """Whether the database is SQLite in this process (no round trip to a server)."""
        return is_sqlite(self.engine)

    def close(self) -> None:
        self.engine.dispose()


def migrate(
    url: str, *, keyring: Keyring | None = None, key_file: str | Path | None = None
) -> None:
    """Upgrade the database at ``url`` to the newest migration, with its data key
    (``keyring``, else found or made by :func:`offramp.store.data_key.desk_keyring`)
    and its audit key, for the migrations that seal text and append audit events."""
    ring = keyring or desk_keyring(url, key_file)
    engine = make_engine(url, pool_size=1)
    try:
        use_keyring(engine, ring)
        use_key(engine, load_key(url)[0])
        upgrade(engine)
        scrub(engine)  # no old plain text left in a SQLite file's free pages
    finally:
        engine.dispose()


def bootstrap(
    url: str = DEFAULT_DB,
    *,
    migrate_first: bool = True,
    hasher: PasswordHasher | None = None,
    clock: Clock | None = None,
    precedents: str | Path | None = None,
    policies: str | Path | None = None,
    create_audit_key: bool = False,
    require_2fa: frozenset[str] = frozenset(),
    idle_limit: timedelta | None = IDLE_LIMIT,
    key_file: str | Path | None = None,
    create_data_key: bool = True,
) -> Services:
    """Build the desk on the database at ``url`` (a path or a SQLAlchemy URL).

    ``clock`` is where every service, and every row and audit event the store stamps,
    reads "now" (the system clock by default; the demo and the tests pass a fixed or
    started one). Nothing else reads the system clock. ``precedents`` is a team's own
    library file, added to the shipped library (read once, here); ``policies`` a team's
    folder of escalation policies beside the shipped ones, which the crisis desk and the
    sweeps apply. ``create_audit_key``
    makes the audit key file if there is none (``offramp serve``). ``require_2fa`` names
    the roles (``mediator``, ``admin``) refused sign-in without two-factor enrolment;
    ``idle_limit`` how long a web session may go unused before it ends (None: no limit).

    Confidential text is sealed with the data key (:mod:`offramp.store.data_key`:
    ``OFFRAMP_DATA_KEY``, ``key_file`` or ``OFFRAMP_DATA_KEY_FILE``, else a file beside
    a SQLite database). ``create_data_key`` makes that file for a database that holds
    nothing sealed yet; a missing or wrong key is an ``InputError`` naming where the
    key was looked for, before anything is served.
    """
    library = load_library(precedents)  # a bad team file stops here, before the database
    escalation = desk_policies(policies)  # a team's escalation policies, checked likewise
    probe(url)  # a database that does not answer: one clear error, here
    ring = desk_keyring(url, key_file, create=create_data_key)
    if migrate_first:
        migrate(url, keyring=ring)
    engine = make_engine(url)
    use_keyring(engine, ring)
    try:
        with engine.begin() as conn:
            check_keyring(conn, ring)  # every key the database uses, before any page
    except BaseException:
        engine.dispose()
        raise
    # the audit chain is signed with the server's key, kept outside the database
    # (store/audit_key.py: read if present; ``offramp serve`` creates it)
    key, made = load_key(url, create=create_audit_key)
    if key is not None and made:
        with engine.begin() as conn:
            adopt(conn, key)  # sign what was written before the key existed
    use_key(engine, key)
    clock = clock or SystemClock()
    uow = uow_factory(engine, clock, SectionRecords())
    policy = AccessPolicy()
    audit = AuditService(uow, policy)
    cases = CaseService(uow, policy, clock)
    shuttle = ShuttleService(uow, policy, clock)
    accounts = AccountService(uow, policy, hasher or PasswordHasher(), clock, idle_limit=idle_limit)
    accounts.require_2fa = require_2fa
    crisis = CrisisService(uow, policy, clock)
    crisis.escalation_policies = escalation
    return Services(
        engine=engine,
        clock=clock,
        uow=uow,
        policy=policy,
        accounts=accounts,
        cases=cases,
        shuttle=shuttle,
        audit=audit,
        analysis=AnalysisService(uow, policy, clock),
        crisis=crisis,
        forecasting=ForecastService(uow, policy),
        intake=IntakeService(uow, policy, cases),
        operations=OperationsService(engine, uow, policy, audit),
        rounds=RoundService(uow, policy, clock, AnalysisService(uow, policy, clock)),
        codings=CodingService(uow, policy, clock),
        events=EventService(uow, policy, clock),
        sweeps=SweepService(uow, clock, escalation),
        precedents=PrecedentService(uow, policy, clock, library, shuttle),
        authoring=AuthoringService(uow, policy, clock),
    )
