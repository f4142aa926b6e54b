"""``offramp demo``: the desk on the example case, with demo accounts, in one command.

:func:`demo` creates a fresh SQLite file, imports ``examples/ukraine-2022.yaml``, adds
one account per desk role, seeds the shuttle (messages, claims in each state of the
verification queue, a package tabled to both parties), prints how to sign in as each,
and serves the desk. ``python -m offramp.web.demo --help`` runs it directly.
"""

from __future__ import annotations

import argparse
import importlib
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from offramp.model.shuttle import PLENARY, HandlingMark
from offramp.services.accounts import SYSTEM

CASE = "ukraine-2022"
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "ukraine-2022.yaml"


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


def fresh_database(db_path: Path) -> None:
    """Remove a previous demo database and its WAL files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)


def seed(services: Any, passwords: dict[str, str]) -> None:
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


def make_app(services: Any) -> FastAPI:
    """The desk server's app (``offramp.api.app.create_app``) with the web pages mounted."""
    from offramp.web.routes import mount_web

    try:
        create_app = importlib.import_module("offramp.api.app").create_app
        app: FastAPI = create_app(desk=services)
    except Exception as exc:  # the API is being built beside the web desk
        print(f"warning: serving the web pages without the API ({exc})", file=sys.stderr)
        app = FastAPI(title="offramp desk", docs_url=None, redoc_url=None, openapi_url=None)
    mount_web(app, services)
    return app


def demo(
    host: str = "127.0.0.1",
    port: int = 8000,
    db_path: str | Path = "offramp-demo.db",
    *,
    password: str | None = None,
) -> None:
    """Create the demo database, print how to sign in, and serve the desk."""
    import uvicorn

    from offramp.bootstrap import bootstrap

    db = Path(db_path).resolve()
    fresh_database(db)
    services = bootstrap(str(db))
    passwords = {u.name: password or secrets.token_urlsafe(9) for u in USERS}
    seed(services, passwords)
    url = f"http://{host}:{port}"
    width = max(len(u.name) for u in USERS)
    lines = [
        "",
        f"offramp desk: {url}   (database {db}, fresh on every run)",
        "",
        "Sign in with one of these demo accounts:",
        *(f"  {u.name:<{width}}  {passwords[u.name]:<14}  {u.sees}" for u in USERS),
        "",
        f"The example case's deal space: {url}/cases/{CASE}/deal-space  (sign in as mediator)",
        "Stop with Ctrl-C.",
        "",
    ]
    print("\n".join(lines), flush=True)
    app = make_app(services)
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=True)


def serve(host: str, port: int, db_path: str | Path) -> None:
    """Serve the desk on an existing database (no seeding, nothing printed)."""
    import uvicorn

    from offramp.bootstrap import bootstrap

    app = make_app(bootstrap(str(Path(db_path).resolve())))
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m offramp.web.demo", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--db", default="offramp-demo.db")
    parser.add_argument("--password", default=None, help="one password for every demo account")
    parser.add_argument(
        "--serve-only", action="store_true", help="serve an existing database as it is"
    )
    args = parser.parse_args(argv)
    if args.serve_only:
        serve(args.host, args.port, args.db)
        return
    demo(args.host, args.port, args.db, password=args.password)


if __name__ == "__main__":
    main(sys.argv[1:])
