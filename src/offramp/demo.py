"""``offramp demo``: the desk on the example case, with demo accounts, in one command.

:func:`demo` creates a fresh SQLite file, imports ``examples/ukraine-2022.yaml``, adds
one account per desk role, seeds the shuttle (messages, claims in each state of the
verification queue, a package tabled to both parties), prints how to sign in as each,
and serves the desk (:func:`offramp.server.create_desk_app`) on the clock it is given.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

import yaml

from offramp.bootstrap import Services, bootstrap
from offramp.files.case import load_case
from offramp.model.deadlines import Clock
from offramp.model.shuttle import PLENARY, HandlingMark
from offramp.services.accounts import SYSTEM

CASE = "ukraine-2022"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ukraine-2022.yaml"


@dataclass(frozen=True)
class DemoUser:
    name: str
    role: str
    party: str | None
    sees: str


USERS = (
    DemoUser(
        "mediator",
        "mediator",
        None,
        "everything: positions, deal space, all channels, ledger, audit",
    ),
    DemoUser(
        "delegate_ua",
        "delegate",
        "UA",
        "Ukraine's channel and the plenary; an assurance to confirm",
    ),
    DemoUser(
        "delegate_ru", "delegate", "RU", "Russia's channel and the plenary; a package to answer"
    ),
    DemoUser(
        "observer", "observer", None, "the public record only, until the mediator shares more"
    ),
    DemoUser(
        "crisis_officer",
        "crisis_officer",
        None,
        "the crisis desk: incidents, playbooks, commitments, notifications",
    ),
    DemoUser(
        "analyst",
        "analyst",
        None,
        "positions, deal space, forecast, intake and ledger; no messages",
    ),
)

MARCH_PACKAGE = {
    "alignment": "neutral_austria",
    "crimea": "future_discussed",
    "donbas": "compromise",
    "armed_forces": "capped",
    "government": "current_government",
    "security_guarantees": "consultative",
}


def example_path() -> Path:
    """The example case file, from a source checkout."""
    if not EXAMPLE.exists():
        raise SystemExit(f"error: the example case is missing: {EXAMPLE}")
    return EXAMPLE


def timeline_start() -> datetime:
    """Where the demo's clock starts: the example case's last moment on record (noon UTC
    on its last date, or its crisis section's last event if later), so that deadlines
    read as they did then, not as years overdue, and no record lies in the future."""
    path = example_path()
    last = datetime.combine(load_case(path).dates()[-1], time(12), tzinfo=UTC)
    raw = yaml.safe_load(path.read_text("utf-8")) or {}
    events = [v for v in _instants(raw.get("crisis")) if v.tzinfo is not None]
    return max([last, *events])


def _instants(node: object) -> list[datetime]:
    """Every timestamp in a parsed YAML tree (YAML reads ISO instants as datetimes)."""
    if isinstance(node, dict):
        return [v for x in node.values() for v in _instants(x)]
    if isinstance(node, list):
        return [v for x in node for v in _instants(x)]
    return [node] if isinstance(node, datetime) else []


def fresh_database(db_path: Path) -> None:
    """Remove a previous demo database and its WAL files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)


def seed(services: Services, passwords: dict[str, str]) -> None:
    """Import the example case, add the demo accounts and seed the shuttle."""
    services.cases.import_case(SYSTEM, example_path().read_text("utf-8"), str(EXAMPLE.name))
    for u in USERS:
        services.accounts.add_user(SYSTEM, u.name, passwords[u.name])
        services.cases.add_member(SYSTEM, CASE, u.name, u.role, u.party)
    med = services.accounts.get_actor("mediator")
    ua = services.accounts.get_actor("delegate_ua")
    ru = services.accounts.get_actor("delegate_ru")
    sh = services.shuttle
    sh.post(
        ua,
        CASE,
        "UA",
        "We are not pushing to join NATO any longer. We can discuss the future of Crimea "
        "and Donbas, but not under ultimatums.",
        HandlingMark.MAY_RELAY,
    )
    sh.post(
        ru,
        CASE,
        "RU",
        "Ukraine should amend its constitution to reject any aims to enter any bloc.",
        HandlingMark.RELAY_VERBATIM,
    )
    sh.post(
        ru,
        CASE,
        "RU",
        "For the mediator only: Moscow could live with Zelensky staying.",
        HandlingMark.MEDIATOR_ONLY,
    )
    sh.post(
        med,
        CASE,
        PLENARY,
        "The foreign ministers meet in Antalya on Thursday.",
        HandlingMark.MAY_RELAY,
    )
    # claim 1: assured by Ukraine, ready to relay to Russia as affirmed
    c1 = sh.create_claim(med, CASE, statement="ua-zelensky-nato").claim
    sh.request_assurance(med, CASE, c1.id)
    sh.respond_to_claim(ua, CASE, c1.id, True)
    # claim 2: waiting for Ukraine's assurance
    c2 = sh.create_claim(med, CASE, statement="ua-zelensky-discuss-crimea").claim
    sh.request_assurance(med, CASE, c2.id)
    # claim 3: Russia's public statement, not yet checked
    sh.create_claim(med, CASE, statement="ru-peskov-bloc")
    sh.table_proposal(med, CASE, "March framework", MARCH_PACKAGE, ("UA", "RU"))


@dataclass(frozen=True)
class DemoDesk:
    """A demo database ready to serve: its services, and each account's password
    (empty when an existing database was kept)."""

    services: Services
    passwords: dict[str, str]
    db: Path


def prepare(
    db_path: str | Path,
    *,
    password: str | None = None,
    clock: Clock | None = None,
    keep: bool = False,
) -> DemoDesk:
    """A fresh demo database at ``db_path`` (kept as it is if ``keep`` and it exists),
    its services running on ``clock``."""
    db = Path(db_path).resolve()
    reuse = keep and db.exists()
    if not reuse:
        fresh_database(db)
    services = bootstrap(str(db), clock=clock)
    if reuse:
        return DemoDesk(services, {}, db)
    passwords = {u.name: password or secrets.token_urlsafe(9) for u in USERS}
    seed(services, passwords)
    return DemoDesk(services, passwords, db)


def banner(desk: DemoDesk, url: str) -> str:
    """What ``offramp demo`` prints: where the desk is and how to sign in."""
    width = max(len(u.name) for u in USERS)
    if desk.passwords:
        accounts = [f"  {u.name:<{width}}  {desk.passwords[u.name]:<14}  {u.sees}" for u in USERS]
        fresh = ", fresh on every run"
    else:
        accounts = ["  the accounts already in that database"]
        fresh = ", kept as it was"
    now = desk.services.clock.now().strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            "",
            f"offramp desk: {url}   (database {desk.db}{fresh})",
            f"The desk's clock: {now}",
            "",
            "Sign in with one of these demo accounts:",
            *accounts,
            "",
            f"The example case's deal space: {url}/cases/{CASE}/deal-space  (sign in as mediator)",
            "Stop with Ctrl-C.",
            "",
        ]
    )
