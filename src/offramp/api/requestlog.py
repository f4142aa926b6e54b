"""One JSON line per request, for ``offramp serve --log-format json``.

The line carries the method, the route *template* (``/api/cases/{case}``, never the
path with its ids, nor the query string), the status, the duration in milliseconds and
the request id. Bodies, headers, cookies and tokens are never logged: the desk holds
confidential negotiations, and a log is read by more people than the case is.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

LOGGER = "offramp.requests"
FIELDS = ("method", "route", "status", "duration_ms", "request_id")
log = logging.getLogger(LOGGER)


class JsonLines(logging.Formatter):
    """A record as one JSON object: time, level, message and the request fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "message": record.getMessage(),
        }
        for name in FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


def use_json_lines(stream: TextIO | None = None) -> logging.Handler:
    """Send the request log (and ``offramp.*`` warnings) as JSON lines to ``stream``."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger("offramp")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False
    return handler


def log_request(method: str, route: str, status: int, seconds: float, request_id: str) -> None:
    """Emit the request's line if the log is switched on (a no-op otherwise)."""
    if not log.isEnabledFor(logging.INFO):
        return
    fields = {
        "method": method,
        "route": route,
        "status": status,
        "duration_ms": round(seconds * 1000, 3),
        "request_id": request_id,
    }
    log.info("request", extra=fields)
