"""The whole desk as one ASGI app: the API under ``/api`` and the web pages beside it.

``offramp serve`` runs this. The API (``offramp.api``) and the web desk
(``offramp.web``) are independent surfaces that may not import each other (an
import-linter contract), so they meet here, over one set of services::

    uvicorn --factory offramp.server:app_from_env     # OFFRAMP_DB=... (default offramp.db)
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from offramp.api.app import Settings, create_app
from offramp.bootstrap import DEFAULT_DB, Services
from offramp.web.app import mount_web


def create_desk_app(
    settings: Settings | None = None, *, services: Services | None = None
) -> FastAPI:
    """The API app (``create_app``) with the web desk mounted on the same services."""
    app = create_app(settings, services=services)
    mount_web(app, app.state.services)
    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory``: the database from ``OFFRAMP_DB``."""
    return create_desk_app(Settings(db=os.environ.get("OFFRAMP_DB", DEFAULT_DB)))
