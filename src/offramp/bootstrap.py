"""The composition root: a database URL in, the desk's services out.

Used by the API, the web desk, the CLI and the tests alike::

    desk = bootstrap("offramp.db")          # SQLite file, migrated to the newest revision
    desk.cases.list_my_cases(actor)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import Engine

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
from offramp.services.shuttle import ShuttleService
from offramp.services.sweeps import SweepService
from offramp.store.audit import adopt
from offramp.store.audit_cover import use_key
from offramp.store.audit_key import load_key
from offramp.store.engine import make_engine
from offramp.store.migrations import upgrade
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

    def close(self) -> None:
        self.engine.dispose()


def migrate(url: str) -> None:
    """Upgrade the database at ``url`` to the newest migration."""
    engine = make_engine(url, pool_size=1)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def bootstrap(
    url: str = DEFAULT_DB,
    *,
    migrate_first: bool = True,
    hasher: PasswordHasher | None = None,
    clock: Clock | None = None,
    precedents: str | Path | None = None,
    create_audit_key: bool = False,
    require_2fa: frozenset[str] = frozenset(),
) -> Services:
    """Build the desk on the database at ``url`` (a path or a SQLAlchemy URL).

    ``clock`` is where every service, and every row and audit event the store stamps,
    reads "now" (the system clock by default; the demo and the tests pass a fixed or
    started one). Nothing else reads the system clock. ``precedents`` is a team's own
    library file, added to the shipped library (read once, here). ``create_audit_key``
    makes the audit key file if there is none (``offramp serve``). ``require_2fa`` names
    the roles (``mediator``, ``admin``) refused sign-in without two-factor enrolment.
    """
    library = load_library(precedents)  # a bad team file stops here, before the database
    if migrate_first:
        migrate(url)
    engine = make_engine(url)
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
    accounts = AccountService(uow, policy, hasher or PasswordHasher(), clock)
    accounts.require_2fa = require_2fa
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
        crisis=CrisisService(uow, policy, clock),
        forecasting=ForecastService(uow, policy),
        intake=IntakeService(uow, policy, cases),
        operations=OperationsService(engine, uow, policy, audit),
        rounds=RoundService(uow, policy, clock, AnalysisService(uow, policy, clock)),
        codings=CodingService(uow, policy, clock),
        events=EventService(uow, policy, clock),
        sweeps=SweepService(uow, clock),
        precedents=PrecedentService(uow, policy, clock, library, shuttle),
        authoring=AuthoringService(uow, policy, clock),
    )
