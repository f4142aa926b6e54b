"""The whole desk as one ASGI app: the API under ``/api`` and the web pages beside it.

``offramp serve`` runs this. The API (``offramp.api``) and the web desk
(``offramp.web``) are independent surfaces that may not import each other (an
import-linter contract), so they meet here, over one set of services::

    uvicorn --factory offramp.server:app_from_env     # OFFRAMP_DB=... (default offramp.db)

``offramp serve --workers N`` starts N processes of :func:`app_from_serve_options`, each
built from the same :class:`ServeOptions` (handed over in ``OFFRAMP_SERVE_OPTIONS``).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

from fastapi import FastAPI

from offramp.api.app import Settings, create_app, env_settings_or_exit
from offramp.bootstrap import DEFAULT_DB, Services, bootstrap
from offramp.model.parse import parse_clock
from offramp.services.accounts import parse_idle_limit
from offramp.services.two_factor import parse_required
from offramp.services.write_limits import DEFAULT_WRITE_RATE_TEXT, parse_write_rate
from offramp.web.app import mount_web

OPTIONS_ENV = "OFFRAMP_SERVE_OPTIONS"


@dataclass(frozen=True)
class ServeOptions:
    """What ``offramp serve`` was given, as every worker process needs it."""

    db: str = DEFAULT_DB
    clock: str | None = None
    precedents: str | None = None
    policies: str | None = None
    require_2fa_for: str = ""
    idle_timeout: str = "30m"  # --idle-timeout: web sessions end after this long unused
    write_rate: str = DEFAULT_WRITE_RATE_TEXT  # --write-rate: each user's writes, BURST/SECONDS
    key_file: str | None = None
    metrics_loopback: bool = False
    sweep_seconds: float = 30.0
    json_logs: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ServeOptions:
        return cls(**json.loads(text))

    def services(self) -> Services:
        """The desk's services on these options (migrates the database first)."""
        return bootstrap(
            self.db,
            clock=parse_clock(self.clock, "--clock"),
            precedents=self.precedents,
            policies=self.policies,
            create_audit_key=True,
            require_2fa=parse_required(self.require_2fa_for),
            idle_limit=parse_idle_limit(self.idle_timeout),
            key_file=self.key_file,
        )

    def app(self, services: Services) -> FastAPI:
        """The desk app over ``services`` with these options' settings."""
        if self.json_logs:
            from offramp.api.requestlog import use_json_lines

            use_json_lines()
        settings = Settings(
            db=self.db,
            metrics_loopback=self.metrics_loopback,
            sweep_seconds=self.sweep_seconds,
            write_rate=parse_write_rate(self.write_rate),
        )
        return create_desk_app(settings, services=services)


def create_desk_app(
    settings: Settings | None = None, *, services: Services | None = None
) -> FastAPI:
    """The API app (``create_app``) with the web desk mounted on the same services."""
    app = create_app(settings, services=services)
    mount_web(app, app.state.services)
    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory``: the database from ``OFFRAMP_DB``, the write limit from
    ``OFFRAMP_WRITE_RATE`` (a bad one: one line naming it, and exit status 1)."""
    return create_desk_app(env_settings_or_exit())


def app_from_serve_options() -> FastAPI:
    """For each worker of ``offramp serve --workers N``: the options in
    ``OFFRAMP_SERVE_OPTIONS``, as the command checked them before starting the workers."""
    options = ServeOptions.from_json(os.environ[OPTIONS_ENV])
    return options.app(options.services())
