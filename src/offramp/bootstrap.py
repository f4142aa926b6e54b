"""The composition root: a database URL in, the desk's services out.

Used by the API, the web desk, the CLI and the tests alike::

    desk = bootstrap("offramp.db")          # SQLite file, migrated to the newest revision
    desk.cases.list_my_cases(actor)
"""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import Engine

from offramp.model.deadlines import Clock, SystemClock
from offramp.services.access import AccessPolicy
from offramp.services.accounts import AccountService
from offramp.services.analysis import AnalysisService
from offramp.services.audit import AuditService
from offramp.services.cases import CaseService
from offramp.services.crisis import CrisisService
from offramp.services.forecasting import ForecastService
from offramp.services.intake import IntakeService
from offramp.services.shuttle import ShuttleService
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
) -> Services:
    """Build the desk on the database at ``url`` (a path or a SQLAlchemy URL).

    ``clock`` is where every service reads "now" (the system clock by default; the
    demo and the tests pass a fixed or started one).
    """
    if migrate_first:
        migrate(url)
    engine = make_engine(url)
    uow = uow_factory(engine)
    policy = AccessPolicy()
    clock = clock or SystemClock()
    return Services(
        engine=engine,
        clock=clock,
        uow=uow,
        policy=policy,
        accounts=AccountService(uow, policy, hasher or PasswordHasher()),
        cases=CaseService(uow, policy),
        shuttle=ShuttleService(uow, policy),
        audit=AuditService(uow, policy),
        analysis=AnalysisService(uow, policy),
        crisis=CrisisService(uow, policy, clock),
        forecasting=ForecastService(uow, policy),
        intake=IntakeService(uow, policy, CaseService(uow, policy)),
    )
