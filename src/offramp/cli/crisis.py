"""``offramp crisis``: the crisis desk from the command line, as a client of the desk's API.

    board CASE [--at]            incidents CASE [--at]         incident CASE ID [--at]
    log CASE --type --raised-by --against --claim --channel [--at] [--level] [--evidence]
    arrive CASE ID --channel [--at]   start CASE ID [--playbook]   done CASE ID STEP
    waive CASE ID STEP --reason       close CASE ID --outcome
    commitments CASE   declare CASE ...   notifications CASE   notify CASE ...
    ack CASE ID [--by]   sweep CASE   channels CASE   escalation CASE --between RU,US
    score CASE ...       alerts CASE
    add-channel CASE --id --between --level [--endpoint]   merge CASE ID --from OTHER
    report-violation CASE COMMITMENT --incident   assurances CASE   propose CASE ...
    promote CASE ID [--on]   alert-rule CASE --jump [--window-hours]

Every verb talks HTTP to a running desk (``--url``, or ``OFFRAMP_URL``) with the user's
bearer token (``--token``, or ``OFFRAMP_TOKEN``; ``offramp token create USER`` makes one),
so the server applies the same access policy, audit log and clock as for the web desk and
the API. Every verb takes ``--json`` (the API's answer, unchanged). The API's problems
(RFC 9457) print as ``error: <where>: <message>``, with ``where`` named after this
command's option when there is one; the exit status is then 1, never a traceback.
``python -m offramp.cli.crisis`` runs the verbs standalone.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn
from urllib.parse import quote

import typer
from rich.table import Table
from rich.text import Text

from offramp.cli.common import JsonOpt, friendly, out, print_json
from offramp.errors import InputError, OfframpError, Problem
from offramp.model.deadlines import format_duration
from offramp.model.parse import parse_day
from offramp.model.parse import parse_instant as read_instant

if TYPE_CHECKING:
    import httpx

DEFAULT_URL = "http://127.0.0.1:8000"
RECENT = timedelta(days=7)

crisis_app = typer.Typer(
    help="The crisis desk of a case, through the desk server's API.", no_args_is_help=True
)

Url = Annotated[str, typer.Option("--url", envvar="OFFRAMP_URL", help="The desk server's address.")]
Token = Annotated[
    str,
    typer.Option(
        "--token",
        envvar="OFFRAMP_TOKEN",
        help="Your bearer token (offramp token create USER).",
        show_default=False,
    ),
]
CaseArg = Annotated[str, typer.Argument(help="The case id, like ukraine-2022.")]
IdArg = Annotated[str, typer.Argument(help="The record's id.")]
AtOpt = Annotated[
    str | None,
    typer.Option("--at", help="An instant with its offset, like 2022-10-23T16:00Z."),
]


class RemoteError(OfframpError):
    """The desk answered with problems, or could not be reached."""

    title = "Desk error"

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self._problems = list(problems)

    @property
    def problems(self) -> list[Problem]:
        return list(self._problems)


# -- the HTTP client ------------------------------------------------------------------------


def parse_instant(text: str | None, option: str) -> str | None:
    """An ISO instant with its offset, checked here so the error names the option."""
    at = read_instant(text, option)
    return at.isoformat() if at else None


def _where(where: str, options: Mapping[str, str]) -> str:
    """``body.arrivals.0.at`` -> ``--at`` when this verb has that option (else, for
    ``between[1]`` or ``stakes.RU.salience``, the option of the first name)."""
    path = re.sub(r"^(body|query|path)\.", "", where)
    last = re.split(r"[.\[\]]+", path.strip(".[]"))[-1] if path else ""
    first = re.split(r"[.\[]", path, maxsplit=1)[0]
    return options.get(path) or options.get(last) or options.get(first) or where


def _problems(res: httpx.Response, options: Mapping[str, str]) -> list[Problem]:
    try:
        body = res.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return [Problem("", f"the desk answered {res.status_code} without problem details")]
    found = [
        Problem(_where(str(e.get("where") or ""), options), str(e.get("message") or ""))
        for e in body.get("errors") or []
        if isinstance(e, dict)
    ]
    if found:
        return found
    return [Problem("", str(body.get("detail") or body.get("title") or res.status_code))]


class Remote:
    """The case's crisis desk at ``url``, signed with ``token``."""

    def __init__(self, url: str, token: str, case: str) -> None:
        if not token:
            raise InputError(
                "--token",
                "no token; pass --token or set OFFRAMP_TOKEN (offramp token create USER makes one)",
            )
        self.url = url.rstrip("/")
        self.token = token
        self.case = case
        self.base = f"/api/cases/{quote(case, safe='')}/crisis"

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | None] | None = None,
        body: Mapping[str, Any] | None = None,
        options: Mapping[str, str] | None = None,
        raw: bool = False,
    ) -> Any:
        import httpx

        query = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            with httpx.Client(base_url=self.url, timeout=30) as http:
                res = http.request(
                    method,
                    self.base + path,
                    params=query,
                    json=dict(body) if body is not None else None,
                    headers={"Authorization": f"Bearer {self.token}"},
                )
        except httpx.ConnectError:
            self._fail(f"cannot reach the desk at {self.url}; is it running? (--url, OFFRAMP_URL)")
        except httpx.TimeoutException:
            self._fail(f"the desk at {self.url} did not answer in time")
        except httpx.HTTPError as exc:
            self._fail(f"cannot talk to the desk at {self.url}: {exc}")
        if res.status_code >= 400:
            raise RemoteError(_problems(res, options or {}))
        return res.text if raw else res.json()

    @staticmethod
    def _fail(message: str) -> NoReturn:
        raise RemoteError([Problem("", message)])

    def get(self, path: str, **params: str | None) -> Any:
        return self.call("GET", path, params=params)

    def post(self, path: str, body: Mapping[str, Any], options: Mapping[str, str]) -> Any:
        return self.call("POST", path, body={k: v for k, v in body.items() if v is not None},
                         options=options)  # fmt: skip

    def put(self, path: str, body: Mapping[str, Any], options: Mapping[str, str]) -> Any:
        return self.call("PUT", path, body=body, options=options)


def _id(value: str) -> str:
    return quote(value, safe="")


# -- showing answers ------------------------------------------------------------------------


def when(value: str | None) -> str:
    """``2022-10-23T15:00:00Z`` -> ``2022-10-23 15:00 UTC``."""
    if not value:
        return ""
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return value
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> Table:
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(Text("" if v is None else str(v)) for v in row))
    return table


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _line(text: str) -> None:
    out.print(text, markup=False)


def _run_state(inc: Mapping[str, Any]) -> str:
    run = inc.get("run")
    if not run:
        return "no playbook"
    if run["closed_at"]:
        return "closed"
    return f"{inc['overdue']} overdue" if inc["overdue"] else "open"


def show_incidents(incidents: Sequence[Mapping[str, Any]], title: str) -> None:
    out.print(
        _table(
            title,
            ("id", "type", "raised by", "against", "level", "channels", "first arrival", "run"),
            [
                (
                    i["id"],
                    i["type"],
                    i["raised_by"],
                    i["against"],
                    f"{i['level']} {i['level_name']}",
                    len(i["channels"]),
                    when(i["arrivals"][0]["at"]) if i["arrivals"] else "",
                    _run_state(i),
                )
                for i in incidents
            ],
        )
    )


def show_steps(inc: Mapping[str, Any]) -> None:
    run = inc["run"]
    out.print(
        _table(
            f"{inc['id']}: {run['title']} (started {when(run['started_at'])})",
            ("step", "due", "status", "done by"),
            [
                (
                    s["id"],
                    when(s["due_at"]),
                    s["text"],
                    ", ".join(x for x in (s["done_by"], when(s["done_at"])) if x),
                )
                for s in run["steps"]
            ],
        )
    )
    if run["closed_at"]:
        _line(f"Outcome: {run['outcome']} (closed by {run['closed_by']}, {when(run['closed_at'])})")


def show_incident(inc: Mapping[str, Any]) -> None:
    _line(f"{inc['id']}: {inc['title']}")
    _line(
        f"{inc['type'].replace('_', ' ')} raised by {inc['raised_by']} against "
        f"{inc['against']}; level {inc['level']} ({inc['level_name']})"
    )
    _line(f"Claim: {inc['claim']}")
    for e in inc["evidence"]:
        _line(f"Evidence: {e}")
    arrivals = "; ".join(f"{a['channel']} {when(a['at'])}" for a in inc["arrivals"])
    _line(f"Arrived through: {arrivals}")
    if inc["run"]:
        show_steps(inc)
    else:
        _line("No playbook started.")


def show_alerts(alerts: Sequence[Mapping[str, Any]], title: str = "Alerts") -> None:
    out.print(
        _table(
            title,
            ("dyad", "at", "from", "to", "jump", "score"),
            [
                (
                    "-".join(a["between"]),
                    when(a["at"]),
                    a["from_level"],
                    a["to_level"],
                    f"+{a['jump']}",
                    a["score"],
                )
                for a in alerts
            ],
        )
    )


def show_notifications(notes: Sequence[Mapping[str, Any]]) -> None:
    def status(n: Mapping[str, Any]) -> str:
        if n["status"] == "overdue":
            hours = n["overdue_hours"] or 0
            raised = f", raised {n['raised']}" if n["raised"] else ""
            return f"overdue by {hours:g} h{raised}"
        if n["acknowledged_at"]:
            return f"{n['status'].replace('_', ' ')} by {n['acknowledged_by']}"
        return str(n["status"])

    out.print(
        _table(
            "Notifications",
            ("id", "kind", "from", "to", "what", "channel", "ack due", "status"),
            [
                (
                    n["id"],
                    n["kind"],
                    n["sender"],
                    n["to"],
                    n["what"],
                    n["channel"],
                    when(n["ack_due"]),
                    status(n),
                )
                for n in notes
            ],
        )
    )


def show_commitments(items: Sequence[Mapping[str, Any]]) -> None:
    out.print(
        _table(
            "Commitments",
            ("id", "kind", "declared by", "to", "date", "text", "violations"),
            [
                (
                    c["id"],
                    c["kind"],
                    c["declared_by"],
                    ",".join(c["to"]),
                    c["date"],
                    c["text"],
                    ", ".join(c["violations"]) or "none",
                )
                for c in items
            ],
        )
    )


def show_channels(dyads: Sequence[Mapping[str, Any]]) -> None:
    out.print(
        _table(
            "Channels",
            ("dyad", "id", "level", "endpoints", "last used"),
            [
                (
                    "-".join(d["between"]),
                    c["id"],
                    c["level"],
                    "; ".join(f"{k}: {v}" for k, v in c["endpoints"].items()),
                    when(c["last_used"]) or "never",
                )
                for d in dyads
                for c in d["channels"]
            ],
        )
    )


Show = Callable[[Any], None]


def _show(data: Any, json: bool, show: Show, message: str = "") -> None:
    """The API's answer as JSON with --json; else shown, then the one-line message."""
    if json:
        print_json(data)
        return
    show(data)
    if message:
        _line(message)


def show_assurances(items: Sequence[Mapping[str, Any]]) -> None:
    out.print(
        _table(
            "Assurances",
            ("id", "proposed by", "to", "title", "options", "candidate issue"),
            [
                (
                    a["id"],
                    a["proposed_by"],
                    ",".join(a["to"]),
                    a["title"],
                    ", ".join(a["options"]),
                    f"since {when(a['promoted_at'])} ({a['promoted_by']})"
                    if a["promoted_at"]
                    else "no",
                )
                for a in items
            ],
        )
    )


def show_board(data: Mapping[str, Any]) -> None:
    """The board's summary line, its recent alerts, incidents, open runs and waiting notes."""
    _line(
        f"Crisis desk of {data['case']} at {when(data['at'])} (now {when(data['now'])}): "
        f"{_count(len(data['incidents']), 'incident')}, "
        f"{_count(data['overdue_steps'], 'step')} overdue"
    )
    at_board = datetime.fromisoformat(data["at"])
    for a in data["alerts"]:  # the web board's banner: the seven days before the instant
        if at_board - RECENT <= datetime.fromisoformat(a["at"]) <= at_board:
            _line(f"alert: {a['text']}")
    show_incidents(data["incidents"], "Incidents")
    for inc in data["incidents"]:
        if inc["run"] and not inc["run"]["closed_at"]:
            show_steps(inc)
    waiting = [n for n in data["notifications"] if n["status"] in {"overdue", "awaited"}]
    if waiting:
        show_notifications(waiting)


# -- verbs ----------------------------------------------------------------------------------
#
# Every verb but ``report`` and ``check-policy`` takes the case, its own arguments and
# options, then --url, --token and --json, and shows the API's answer the same way. So a
# verb is written as ``fn(desk, ...) -> Answer`` and ``verb`` adds the rest.


@dataclass(frozen=True)
class Answer:
    """What a verb shows: the API's answer, how to show it, and a line after it."""

    data: Any
    show: Show
    message: str = ""


Verb = Callable[..., Answer]
_PLAIN = inspect.Parameter.POSITIONAL_OR_KEYWORD
_DESK_OPTIONS = (
    inspect.Parameter("url", _PLAIN, default=DEFAULT_URL, annotation=Url),
    inspect.Parameter("token", _PLAIN, default="", annotation=Token),
    inspect.Parameter("json", _PLAIN, default=False, annotation=JsonOpt),
)


def verb(name: str) -> Callable[[Verb], Verb]:
    """Register ``fn(desk, ...)`` as the verb ``name`` of ``offramp crisis``: CASE, then
    ``fn``'s own arguments and options, then --url, --token and --json. ``fn`` gets the
    case's desk at --url, signed with --token; its answer is shown, or printed as JSON."""

    def register(fn: Verb) -> Verb:
        _desk, *own = inspect.signature(fn, eval_str=True).parameters.values()
        params = [inspect.Parameter("case", _PLAIN, annotation=CaseArg), *own, *_DESK_OPTIONS]

        def command(case: str, url: str, token: str, json: bool, **given: Any) -> None:
            answer = fn(Remote(url, token, case), **given)
            _show(answer.data, json, answer.show, answer.message)

        command.__signature__ = inspect.Signature(params, return_annotation=None)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        command.__doc__ = fn.__doc__
        crisis_app.command(name)(friendly(command))
        return fn

    return register


def _on_incident(data: Mapping[str, Any], message: str) -> Answer:
    """A write's answer that is the incident as it now stands."""
    return Answer(data, show_incident, message)


def _message_only(data: Any) -> None:
    """Show nothing but the verb's message line (for an answer that is not an incident)."""


def _incident_post(
    desk: Remote, path: str, fields: Mapping[str, tuple[str, Any]], at: str | None, message: str
) -> Answer:
    """POST ``fields`` (each ``name: (option, value)``) and --at to ``/incidents/{path}``;
    the answer is the incident after it."""
    body = {name: value for name, (_, value) in fields.items()} | {"at": parse_instant(at, "--at")}
    options = {name: option for name, (option, _) in fields.items()} | {"at": "--at"}
    return _on_incident(desk.post(f"/incidents/{path}", body, options), message)


# -- reads ----------------------------------------------------------------------------------


@verb("board")
def board(desk: Remote, at: AtOpt = None) -> Answer:
    """The board: incidents and their steps, alerts, notifications, at --at (default now)."""
    return Answer(desk.get("/board", at=parse_instant(at, "--at")), show_board)


@verb("incidents")
def incidents(desk: Remote, at: AtOpt = None) -> Answer:
    """Incidents that had arrived by --at, with the state of their playbook."""
    return Answer(
        desk.get("/incidents", at=parse_instant(at, "--at")),
        lambda d: show_incidents(d, "Incidents"),
    )


@verb("incident")
def incident(desk: Remote, incident_id: IdArg, at: AtOpt = None) -> Answer:
    """One incident: claim, arrivals and its steps (due, overdue, done by) at --at."""
    path = f"/incidents/{_id(incident_id)}"
    return Answer(desk.get(path, at=parse_instant(at, "--at")), show_incident)


@verb("commitments")
def commitments(desk: Remote) -> Answer:
    """Declared restraints, red lines and rules of engagement, with violations."""
    return Answer(desk.get("/commitments"), show_commitments)


@verb("notifications")
def notifications(desk: Remote, at: AtOpt = None) -> Answer:
    """Notifications sent by --at, with their acknowledgement status."""
    return Answer(desk.get("/notifications", at=parse_instant(at, "--at")), show_notifications)


@verb("channels")
def channels(desk: Remote) -> Answer:
    """Channels per pair of counterparts, highest level first, with their last use."""
    return Answer(desk.get("/channels"), show_channels)


@verb("assurances")
def assurances(desk: Remote) -> Answer:
    """Proposed security assurances, and whether each is a candidate issue of the case."""
    return Answer(desk.get("/assurances"), show_assurances)


@verb("escalation")
def escalation(
    desk: Remote,
    between: Annotated[str, typer.Option("--between", help="Two party ids: RU,US.")],
) -> Answer:
    """One dyad's escalation scores in time order."""
    pair = ",".join(p.strip().upper() for p in between.replace("-", ",").split(","))
    if pair.count(",") != 1 or "" in pair.split(","):
        raise InputError("--between", f"{between!r} is not two party ids like RU,US")
    data = desk.call(
        "GET", "/escalation", params={"between": pair}, options={"between": "--between"}
    )

    def show(scores: Sequence[Mapping[str, Any]]) -> None:
        out.print(
            _table(
                f"Escalation of {pair.replace(',', '-')}",
                ("at", "level", "kind", "subject", "why", "scored by"),
                [
                    (when(s["at"]), s["level"], s["kind"], s["subject"], s["rationale"],
                     s["scored_by"])
                    for s in scores
                ],
            )
        )  # fmt: skip

    return Answer(data, show)


@verb("alerts")
def alerts(desk: Remote) -> Answer:
    """Every jump on the escalation ladder that the case's alert rule flags."""
    return Answer(desk.get("/alerts"), show_alerts)


# -- writes ---------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-") or "incident"


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


@verb("log")
def log(
    desk: Remote,
    type_: Annotated[
        str,
        typer.Option(
            "--type", help="allegation, threat, violation, accident or notification_missed."
        ),
    ],
    raised_by: Annotated[str, typer.Option("--raised-by", help="Party that raised it: RU.")],
    against: Annotated[str, typer.Option("--against", help="Party it is against: UA.")],
    claim: Annotated[str, typer.Option("--claim", help="What is claimed.")],
    channel: Annotated[
        list[str], typer.Option("--channel", help="Channel it arrived through (repeatable).")
    ],
    at: AtOpt = None,
    level: Annotated[int, typer.Option("--level", help="Level on the ladder, 0-9.")] = 2,
    evidence: Annotated[
        list[str] | None, typer.Option("--evidence", help="Evidence offered (repeatable).")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Default: the claim.")] = None,
    incident_id: Annotated[
        str | None, typer.Option("--id", help="Default: the type and arrival time.")
    ] = None,
) -> Answer:
    """Log an incident that arrived through one or more channels at --at (default now)."""
    instant = parse_instant(at, "--at")
    if incident_id is None:
        stamp = datetime.fromisoformat(instant).strftime("%Y%m%d-%H%M") if instant else ""
        incident_id = _slug(f"{type_}-{stamp}" if stamp else f"{type_}-{claim}")
    body = {
        "id": incident_id,
        "type": type_,
        "title": title or _short(claim),
        "raised_by": raised_by,
        "against": against,
        "claim": claim,
        "level": level,
        "evidence": evidence or [],
        "arrivals": [{"channel": c} | ({"at": instant} if instant else {}) for c in channel],
    }
    options = {
        "id": "--id", "type": "--type", "title": "--title", "raised_by": "--raised-by",
        "against": "--against", "claim": "--claim", "level": "--level",
        "evidence": "--evidence", "arrivals": "--channel", "channel": "--channel", "at": "--at",
    }  # fmt: skip
    data = desk.post("/incidents", body, options)
    return _on_incident(data, f"logged incident {data['id']}")


@verb("arrive")
def arrive(
    desk: Remote,
    incident_id: IdArg,
    channel: Annotated[str, typer.Option("--channel", help="The channel it came through.")],
    at: AtOpt = None,
) -> Answer:
    """The incident arrived again, through another channel (at --at, default now)."""
    fields = {"channel": ("--channel", channel)}
    message = f"arrival through {channel} recorded"
    return _incident_post(desk, f"{_id(incident_id)}/arrivals", fields, at, message)


PLAYBOOK_FOR = {"allegation": "wmd_allegation"}


@verb("start")
def start(
    desk: Remote,
    incident_id: IdArg,
    playbook: Annotated[
        str | None,
        typer.Option("--playbook", help="Default: the shipped one for the incident's type."),
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Start (default: the first arrival).")
    ] = None,
) -> Answer:
    """Start a playbook on the incident: its steps get their deadlines."""
    instant = parse_instant(at, "--at")
    path = f"/incidents/{_id(incident_id)}"
    if playbook is None:
        kind = desk.get(path)["type"]
        playbook = PLAYBOOK_FOR.get(kind, kind)
    body = {"playbook": playbook, "at": instant}
    data = desk.post(f"{path}/playbook", body, {"playbook": "--playbook", "at": "--at"})
    return _on_incident(data, f"playbook {playbook} started")


StepArg = Annotated[str, typer.Argument(help="The step's id.")]


@verb("done")
def done(
    desk: Remote,
    incident_id: IdArg,
    step: StepArg,
    at: AtOpt = None,
    channel: Annotated[str | None, typer.Option("--channel", help="Done through.")] = None,
    note: Annotated[str, typer.Option("--note", help="A note for the record.")] = "",
    by: Annotated[str, typer.Option("--by", help="Who did it (default: you).")] = "",
) -> Answer:
    """A step was done (at --at, default now; by --by, default you)."""
    fields = {"channel": ("--channel", channel), "note": ("--note", note), "by": ("--by", by)}
    path = f"{_id(incident_id)}/steps/{_id(step)}/complete"
    return _incident_post(desk, path, fields, at, f"step {step} recorded as done")


@verb("waive")
def waive(
    desk: Remote,
    incident_id: IdArg,
    step: StepArg,
    reason: Annotated[str, typer.Option("--reason", help="Why it is not needed.")],
    at: AtOpt = None,
) -> Answer:
    """A step is not needed, with the reason."""
    path = f"{_id(incident_id)}/steps/{_id(step)}/waive"
    return _incident_post(desk, path, {"reason": ("--reason", reason)}, at, f"step {step} waived")


@verb("close")
def close(
    desk: Remote,
    incident_id: IdArg,
    outcome: Annotated[str, typer.Option("--outcome", help="How it ended.")],
    at: AtOpt = None,
) -> Answer:
    """Close the incident with its outcome, once every step is done or waived."""
    fields = {"outcome": ("--outcome", outcome)}
    message = f"incident {incident_id} closed"
    return _incident_post(desk, f"{_id(incident_id)}/close", fields, at, message)


def _parties(text: str) -> list[str]:
    return [p.strip().upper() for p in text.split(",") if p.strip()]


@verb("declare")
def declare(
    desk: Remote,
    commitment_id: Annotated[str, typer.Option("--id", help="A short id: us-no-overflights.")],
    kind: Annotated[str, typer.Option("--kind", help="restraint, red_line or rule_of_engagement.")],
    text: Annotated[str, typer.Option("--text", help="What was committed to.")],
    declared_by: Annotated[str, typer.Option("--declared-by", help="Party declaring it.")],
    to: Annotated[str, typer.Option("--to", help="Parties it was declared to: RU,UA.")],
    on: Annotated[str, typer.Option("--date", help="The date declared: 2022-10-26.")],
    channel: Annotated[str | None, typer.Option("--channel", help="Declared through.")] = None,
) -> Answer:
    """Record a restraint, red line or rule of engagement."""
    day = parse_day(on, "--date")
    body = {
        "id": commitment_id, "kind": kind, "text": text, "declared_by": declared_by,
        "to": _parties(to), "date": day.isoformat() if day else None, "channel": channel,
    }  # fmt: skip
    options = {k: "--" + k.replace("_", "-") for k in body} | {"id": "--id"}
    data = desk.post("/commitments", body, options)
    return Answer(data, lambda d: show_commitments([d]), f"declared commitment {data['id']}")


@verb("notify")
def notify(
    desk: Remote,
    notification_id: Annotated[str, typer.Option("--id", help="A short id: grom-2022.")],
    kind: Annotated[str, typer.Option("--kind", help="exercise or missile_launch.")],
    sender: Annotated[str, typer.Option("--from", help="The party notifying: RU.")],
    to: Annotated[str, typer.Option("--to", help="The party notified: US.")],
    what: Annotated[str, typer.Option("--what", help="What will happen.")],
    where: Annotated[str, typer.Option("--where", help="Where.")],
    starts: Annotated[str, typer.Option("--starts", help="When it starts, with an offset.")],
    size: Annotated[str, typer.Option("--size", help="How big.")],
    channel: Annotated[str, typer.Option("--channel", help="Sent through.")],
    ack_hours: Annotated[
        float, typer.Option("--ack-hours", help="Hours the counterpart has to acknowledge.")
    ] = 24,
    sent_at: Annotated[
        str | None, typer.Option("--sent-at", help="When it was sent (default: now).")
    ] = None,
    ends: Annotated[str | None, typer.Option("--ends", help="When it ends.")] = None,
) -> Answer:
    """Record an exercise or launch notification sent, with its acknowledgement deadline."""
    body = {
        "id": notification_id, "kind": kind, "sender": sender, "to": to, "what": what,
        "where": where, "starts": parse_instant(starts, "--starts"), "size": size,
        "channel": channel, "ack_hours": ack_hours, "sent_at": parse_instant(sent_at, "--sent-at"),
        "ends": parse_instant(ends, "--ends"),
    }  # fmt: skip
    options = {k: "--" + k.replace("_", "-") for k in body} | {"sender": "--from"}
    data = desk.post("/notifications", body, options)
    message = f"notification {data['id']} sent; acknowledgement due {when(data['ack_due'])}"
    return Answer(data, lambda d: show_notifications([d]), message)


@verb("ack")
def ack(
    desk: Remote,
    notification_id: IdArg,
    by: Annotated[
        str | None, typer.Option("--by", help="Who acknowledged (default: the party notified).")
    ] = None,
    at: AtOpt = None,
) -> Answer:
    """The counterpart acknowledged a notification."""
    instant = parse_instant(at, "--at")
    if by is None:
        sent = {n["id"]: n for n in desk.get("/notifications")}
        by = sent[notification_id]["to"] if notification_id in sent else "counterpart"
    data = desk.post(
        f"/notifications/{_id(notification_id)}/acknowledge",
        {"by": by, "at": instant},
        {"by": "--by", "at": "--at"},
    )
    return Answer(data, lambda d: show_notifications([d]))


@verb("sweep")
def sweep(desk: Remote) -> Answer:
    """Raise a notification_missed incident for each acknowledgement overdue now (once)."""

    def show(raised: Sequence[Mapping[str, Any]]) -> None:
        if raised:
            show_incidents(raised, "Incidents raised")
        else:
            _line("no acknowledgement newly overdue")

    return Answer(desk.post("/notifications/sweep", {}, {}), show)


@verb("score")
def score(
    desk: Remote,
    score_id: Annotated[str, typer.Option("--id", help="A short id: ru-us-2022-10-23.")],
    between: Annotated[str, typer.Option("--between", help="Two party ids: RU,US.")],
    level: Annotated[int, typer.Option("--level", help="Level on the ladder, 0-9.")],
    kind: Annotated[str, typer.Option("--kind", help="incident, threat, statement or action.")],
    at: AtOpt = None,
    subject: Annotated[str, typer.Option("--subject", help="What was scored: an id.")] = "",
    rationale: Annotated[str, typer.Option("--rationale", help="Why this level.")] = "",
) -> Answer:
    """Score a dyad on the escalation ladder; prints the alerts the score raises."""
    body = {
        "id": score_id, "between": _parties(between.replace("-", ",")), "level": level,
        "kind": kind, "at": parse_instant(at, "--at"), "subject": subject, "rationale": rationale,
    }  # fmt: skip
    data = desk.post("/escalation", body, {k: f"--{k}" for k in body})

    def show(scored: Mapping[str, Any]) -> None:
        s = scored["score"]
        _line(f"scored {'-'.join(s['between'])} at level {s['level']} ({when(s['at'])})")
        if scored["alerts"]:
            show_alerts(scored["alerts"], "Alerts raised")

    return Answer(data, show)


def _pairs(items: Sequence[str], option: str, shape: str) -> dict[str, str]:
    """``KEY=VALUE`` options as a dict, a bad one named after ``option``."""
    found: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not (sep and key.strip() and value.strip()):
            raise InputError(option, f"{item!r} is not {shape}")
        if key.strip() in found:
            raise InputError(option, f"{key.strip()!r} is given twice")
        found[key.strip()] = value.strip()
    return found


@verb("add-channel")
def add_channel(
    desk: Remote,
    channel_id: Annotated[str, typer.Option("--id", help="A short id: ru-us-hotline.")],
    between: Annotated[str, typer.Option("--between", help="The two parties it joins: RU,US.")],
    level: Annotated[
        str, typer.Option("--level", help="heads_of_state, hotline, back_channel, public, ...")
    ],
    endpoint: Annotated[
        list[str] | None,
        typer.Option("--endpoint", help="Who holds one end: RU=Defence minister (repeatable)."),
    ] = None,
) -> Answer:
    """Record a channel between two counterparts; prints that pair's channels."""
    ends = _pairs(endpoint or [], "--endpoint", "PARTY=WHO, like RU=Defence minister")
    body = {
        "id": channel_id, "between": _parties(between.replace("-", ",")), "level": level,
        "endpoints": {p.upper(): who for p, who in ends.items()},
    }  # fmt: skip
    options = {"id": "--id", "between": "--between", "level": "--level", "endpoints": "--endpoint"}
    data = desk.post("/channels", body, options)
    return Answer(data, lambda d: show_channels([d]), f"added channel {channel_id}")


@verb("merge")
def merge(
    desk: Remote,
    incident_id: Annotated[str, typer.Argument(help="The incident to keep.")],
    other: Annotated[
        str, typer.Option("--from", help="The incident logged separately, folded into it.")
    ],
) -> Answer:
    """Fold an incident logged separately (same type and parties) into this one."""
    path = f"/incidents/{_id(incident_id)}/merge"
    data = desk.post(path, {"other": other}, {"other": "--from"})
    return _on_incident(data, f"incident {other} merged into {incident_id}")


@verb("report-violation")
def report_violation(
    desk: Remote,
    commitment_id: Annotated[str, typer.Argument(help="The commitment broken.")],
    incident_id: Annotated[str, typer.Option("--incident", help="The violation incident.")],
) -> Answer:
    """Link a violation incident to the commitment it breaks."""
    data = desk.post(
        f"/commitments/{_id(commitment_id)}/violations",
        {"incident": incident_id},
        {"incident": "--incident"},
    )
    message = f"violation {incident_id} linked to commitment {commitment_id}"
    return Answer(data, lambda d: show_commitments([d]), message)


STAKE = "PARTY:SALIENCE:OPTION=VALUE,...[:ACCEPTABLE,...], like US:0.1:none=1,limits=0.7:limits"


def _stake(text: str) -> tuple[str, dict[str, Any]]:
    """``US:0.1:none=1,limits=0.7:limits`` -> ``US``, its salience, values, acceptable."""
    parts = text.split(":")
    if len(parts) not in (3, 4) or not parts[0].strip():
        raise InputError("--stake", f"{text!r} is not {STAKE}")
    try:
        salience = float(parts[1])
        values = {k: float(v) for k, v in _pairs(parts[2].split(","), "--stake", STAKE).items()}
    except ValueError:
        raise InputError("--stake", f"{text!r} is not {STAKE}") from None
    acceptable = _options(parts[3]) if len(parts) == 4 else []
    return parts[0].strip().upper(), {
        "salience": salience,
        "values": values,
        "acceptable": acceptable,
    }


def _options(text: str) -> list[str]:
    return [o.strip() for o in text.split(",") if o.strip()]


@verb("propose")
def propose(
    desk: Remote,
    assurance_id: Annotated[str, typer.Option("--id", help="A short id: us-ru-missile-limits.")],
    title: Annotated[str, typer.Option("--title", help="What is assured.")],
    proposed_by: Annotated[str, typer.Option("--proposed-by", help="The party proposing: US.")],
    to: Annotated[str, typer.Option("--to", help="The parties it is proposed to: RU.")],
    option: Annotated[
        list[str],
        typer.Option("--option", help="An option, ID=LABEL (repeat: at least two)."),
    ],
    stake: Annotated[
        list[str] | None,
        typer.Option("--stake", help=f"A party's stake (repeatable): {STAKE}."),
    ] = None,
    precedent: Annotated[str, typer.Option("--precedent", help="A precedent, if any.")] = "",
) -> Answer:
    """Propose a mutual security assurance, with each party's stake in its options."""
    labels = _pairs(option, "--option", "ID=LABEL, like mutual_limits=Mutual limits")
    stakes = dict(_stake(s) for s in stake or [])
    if len(stakes) < len(stake or []):
        raise InputError("--stake", "a party has two stakes; give one --stake per party")
    body = {
        "id": assurance_id, "title": title, "proposed_by": proposed_by.strip().upper(),
        "to": _parties(to), "options": [{"id": k, "label": v} for k, v in labels.items()],
        "stakes": stakes, "precedent": precedent,
    }  # fmt: skip
    options = {k: "--" + k.replace("_", "-") for k in body} | {
        "id": "--id", "options": "--option", "stakes": "--stake"
    }  # fmt: skip
    data = desk.post("/assurances", body, options)
    return Answer(data, lambda d: show_assurances([d]), f"proposed assurance {assurance_id}")


@verb("promote")
def promote(
    desk: Remote,
    assurance_id: Annotated[str, typer.Argument(help="The assurance's id.")],
    on: Annotated[
        str | None,
        typer.Option("--on", help="Date of the parties' positions on it (default: today)."),
    ] = None,
) -> Answer:
    """Make an assurance a candidate issue of the case, so "enlarge the problem" weighs it."""
    day = parse_day(on, "--on")
    data = desk.post(
        f"/assurances/{_id(assurance_id)}/promote",
        {"on": day.isoformat() if day else None},
        {"on": "--on"},
    )
    message = f"assurance {assurance_id} is a candidate issue of {desk.case}"
    return Answer(data, lambda d: show_assurances([d]), message)


@verb("alert-rule")
def alert_rule(
    desk: Remote,
    jump: Annotated[int, typer.Option("--jump", help="Levels a dyad must rise to alert.")],
    window_hours: Annotated[
        float | None,
        typer.Option("--window-hours", help="Count the rise from the lowest score this far back."),
    ] = None,
) -> Answer:
    """Replace the case's alert rule: the rise on the ladder (and window) that alerts."""
    data = desk.put(
        "/alert-rule",
        {"jump": jump, "window_hours": window_hours},
        {"jump": "--jump", "window_hours": "--window-hours"},
    )

    def show(rule: Mapping[str, Any]) -> None:
        hours = rule["window_hours"]
        base = f"the lowest score of the {hours:g} h before" if hours else "the previous score"
        _line(f"alert rule of {desk.case}: a rise of {rule['jump']} levels or more above {base}")

    return Answer(data, show)


# -- the desk on call (issue 19) ------------------------------------------------------------


def _h(hours: float | None) -> str:
    return "" if hours is None else format_duration(timedelta(hours=hours))


def show_times(data: Mapping[str, Any]) -> None:
    for t in data["incidents"]:
        rows = [
            (s["step"], s["status"].replace("_", " "), _h(s["hours_since_arrival"]),
             _h(s["hours_since_start"]), _h(s["target_hours"]))
            for s in t["steps"]
        ]  # fmt: skip
        out.print(_table(
            f"{t['incident']}: {t['playbook']} (first arrival {when(t['first_arrival'])}, "
            f"started {when(t['started_at'])})",
            ["step", "status", "since arrival", "since start", "target"], rows,
        ))  # fmt: skip
    summary = [
        (s["playbook"], s["step"], f"{s['done']}/{s['incidents']}", s["late"],
         _h(s["median_hours"]), _h(s["worst_hours"]), s["worst_incident"], _h(s["target_hours"]))
        for s in data["steps"]
    ]  # fmt: skip
    out.print(_table(
        f"Response times at {when(data['at'])}",
        ["playbook", "step", "done", "late", "median", "worst", "worst incident", "target"],
        summary,
    ))  # fmt: skip


@verb("times")
def times(
    desk: Remote,
    incident_id: Annotated[
        str | None, typer.Option("--incident", help="Only this incident.")
    ] = None,
    type: Annotated[str | None, typer.Option("--type", help="Only this incident type.")] = None,
    at: AtOpt = None,
) -> Answer:
    """Time from first arrival (and from the playbook's start) to each step, against the
    playbook's target; per step, the median and the worst over the desk's incidents."""
    instant = parse_instant(at, "--at")
    if incident_id is not None:
        one = desk.get(f"/incidents/{_id(incident_id)}/times", at=instant)
        return Answer(
            one, lambda d: show_times({"at": instant or "", "incidents": [d], "steps": []})
        )
    data = desk.call("GET", "/times", params={"at": instant, "type": type},
                     options={"type": "--type", "at": "--at"})  # fmt: skip
    return Answer(data, show_times)


def _recipients_line(data: Mapping[str, Any]) -> None:
    pending = ", ".join(data["pending"]) or "nobody"
    done = f"; complete at {when(data['completed_at'])}" if data["completed_at"] else ""
    _line(f"{data['subject']}: waiting for {pending}{done}")


def _subject_path(notification: str | None, incident: str | None, step: str | None) -> str:
    if notification is not None:
        return f"/notifications/{_id(notification)}"
    if incident is None or step is None:
        raise InputError("--notification", "name a notification, or --incident and --step")
    return f"/incidents/{_id(incident)}/steps/{_id(step)}"


NotificationOpt = Annotated[str | None, typer.Option("--notification", help="A notification.")]
IncidentOpt = Annotated[str | None, typer.Option("--incident", help="An incident ...")]
StepOpt = Annotated[str | None, typer.Option("--step", help="... and its step.")]


@verb("recipients")
def recipients(
    desk: Remote,
    to: Annotated[str | None, typer.Option("--to", help="Name them: RU,TR,UA.")] = None,
    notification: NotificationOpt = None,
    incident_id: IncidentOpt = None,
    step: StepOpt = None,
    at: AtOpt = None,
) -> Answer:
    """Without --to: who has not acknowledged, for every named subject. With --to: name
    the recipients of a notification or a step, each of whom acknowledges on its own."""
    if to is None:
        data = desk.get("/recipients", at=parse_instant(at, "--at"))

        def show(rows: Sequence[Mapping[str, Any]]) -> None:
            for r in rows:
                _recipients_line(r)

        return Answer(data, show)
    path = _subject_path(notification, incident_id, step) + "/recipients"
    return Answer(desk.put(path, {"recipients": _parties(to)}, {"recipients": "--to"}),
                  _recipients_line)  # fmt: skip


@verb("ack-recipient")
def ack_recipient(
    desk: Remote,
    recipient: Annotated[str, typer.Argument(help="The recipient's party id.")],
    notification: NotificationOpt = None,
    incident_id: IncidentOpt = None,
    step: StepOpt = None,
    by: Annotated[str, typer.Option("--by", help="Who acknowledged.")] = "",
    channel: Annotated[str | None, typer.Option("--channel", help="On which channel.")] = None,
    at: AtOpt = None,
) -> Answer:
    """One named recipient acknowledged; the last one acknowledges the whole."""
    path = _subject_path(notification, incident_id, step)
    data = desk.post(
        f"{path}/recipients/{_id(recipient)}/acknowledge",
        {"by": by, "at": parse_instant(at, "--at"), "channel": channel},
        {"by": "--by", "at": "--at", "channel": "--channel"},
    )
    return Answer(data, _recipients_line)


def show_escalations(rows: Sequence[Mapping[str, Any]]) -> None:
    cols = ["due", "subject", "policy", "action", "level", "applied"]
    got = [
        (when(a["due_at"]), a["subject"], a["policy"], a["key"], a["level"] or "",
         when(a["applied_at"]) or "to come")
        for a in rows
    ]  # fmt: skip
    out.print(_table("Escalation", cols, got))


@verb("escalations")
def escalations(desk: Remote, at: AtOpt = None) -> Answer:
    """Escalation actions for late acknowledgements and steps: applied, and the next."""
    return Answer(desk.get("/escalations", at=parse_instant(at, "--at")), show_escalations)


StepName = Annotated[str, typer.Argument(help="The step.")]


@verb("jump")
def jump(desk: Remote, incident_id: IdArg, step: StepName, at: AtOpt = None) -> Answer:
    """Jump to a step of a running playbook: the open steps before it are waived."""
    return _move(desk, incident_id, step, "jump", at, f"{incident_id}: jumped to {step}")


def _move(
    desk: Remote, incident: str, step: str, action: str, at: str | None, message: str
) -> Answer:
    """Move a running playbook to ``step`` (``action``: jump or repeat); the incident after."""
    return _incident_post(desk, f"{_id(incident)}/steps/{_id(step)}/{action}", {}, at, message)


@verb("repeat")
def repeat(desk: Remote, incident_id: IdArg, step: StepName, at: AtOpt = None) -> Answer:
    """Repeat a running playbook from a step: it and those after it open again."""
    return _move(desk, incident_id, step, "repeat", at, f"{incident_id}: repeating from {step}")


@verb("heartbeat")
def heartbeat(
    desk: Remote,
    channel: Annotated[str, typer.Argument(help="The channel.")],
    expected_from: Annotated[str, typer.Option("--from", help="Who sends it (party id).")],
    every_hours: Annotated[float, typer.Option("--every-hours", help="24 for daily.")],
    grace_hours: Annotated[float, typer.Option("--grace-hours")] = 0.0,
    what: Annotated[str, typer.Option("--what")] = "routine message",
) -> Answer:
    """Expect a message on a channel at an interval; a miss raises an incident."""
    data = desk.put(
        f"/channels/{_id(channel)}/heartbeat",
        {"expected_from": expected_from, "every_hours": every_hours,
         "grace_hours": grace_hours, "what": what},
        {"expected_from": "--from", "every_hours": "--every-hours",
         "grace_hours": "--grace-hours", "what": "--what"},
    )  # fmt: skip
    return Answer(
        data, _message_only, f"{channel}: next {data['what']} due {when(data['next_due'])}"
    )


@verb("message")
def message(
    desk: Remote,
    channel: Annotated[str, typer.Argument(help="The channel.")],
    sender: Annotated[str, typer.Option("--sender")],
    text: Annotated[str, typer.Option("--text")],
    incident_id: IncidentOpt = None,
    at: AtOpt = None,
) -> Answer:
    """A message passed on a channel (its heartbeat; on an incident's timeline with
    --incident)."""
    data = desk.post(
        f"/channels/{_id(channel)}/messages",
        {"sender": sender, "text": text, "incident": incident_id,
         "at": parse_instant(at, "--at")},
        {"sender": "--sender", "text": "--text", "incident": "--incident", "at": "--at"},
    )  # fmt: skip
    return Answer(data, _message_only, f"message on {channel} at {when(data['at'])}")


@verb("role")
def role(
    desk: Remote, incident_id: IdArg,
    role: Annotated[str, typer.Argument(help="lead, scribe, ally_liaison or body_liaison.")],
    holder: Annotated[str, typer.Argument(help="Who holds it.")],
) -> Answer:  # fmt: skip
    """Name who holds a role on an incident."""
    data = desk.put(
        f"/incidents/{_id(incident_id)}/roles/{_id(role)}", {"holder": holder},
        {"holder": "holder", "role": "role"},
    )  # fmt: skip
    return Answer(data, _message_only, f"{incident_id}: {holder} is {role}")


@verb("timeline")
def timeline(desk: Remote, incident_id: IdArg, at: AtOpt = None) -> Answer:
    """An incident's shared timeline: arrivals, steps, acknowledgements, messages, notes."""
    path = f"/incidents/{_id(incident_id)}/timeline"

    def show(rows: Sequence[Mapping[str, Any]]) -> None:
        got = [(when(e["at"]), e["kind"], e["who"], e["text"]) for e in rows]
        out.print(_table(f"Timeline of {incident_id}", ["when", "what", "who", "entry"], got))

    return Answer(desk.get(path, at=parse_instant(at, "--at")), show)


@verb("note")
def note(
    desk: Remote, incident_id: IdArg, text: Annotated[str, typer.Argument(help="The note.")],
    kind: Annotated[str, typer.Option("--kind", help="note, message or decision.")] = "note",
    at: AtOpt = None,
) -> Answer:  # fmt: skip
    """Write a note, a message or a decision onto an incident's timeline."""
    data = desk.post(
        f"/incidents/{_id(incident_id)}/timeline",
        {"text": text, "kind": kind, "at": parse_instant(at, "--at")},
        {"text": "text", "kind": "--kind", "at": "--at"},
    )  # fmt: skip
    return Answer(data, _message_only, f"{incident_id}: {data['kind']} at {when(data['at'])}")


@crisis_app.command("report")
@friendly
def report(
    case: CaseArg, incident_id: IdArg,
    output: Annotated[str, typer.Option("--output", "-o", help="Write the HTML here.")] = "-",
    url: Url = DEFAULT_URL, token: Token = "",
) -> None:  # fmt: skip
    """An incident's timeline and review as an HTML report (no PDF library is installed;
    print the page to PDF from a browser)."""
    html = Remote(url, token, case).call("GET", f"/incidents/{_id(incident_id)}/report", raw=True)
    if output == "-":
        print(html, end="")
    else:
        Path(output).write_text(html, encoding="utf-8")
        _line(f"wrote {output}")


@verb("review")
def review(
    desk: Remote,
    incident_id: IdArg,
    what_happened: Annotated[str | None, typer.Option("--what-happened")] = None,
    right: Annotated[list[str] | None, typer.Option("--right", help="Repeat.")] = None,
    wrong: Annotated[list[str] | None, typer.Option("--wrong", help="Repeat.")] = None,
    follow_up: Annotated[
        list[str] | None,
        typer.Option("--follow-up", help="WHAT|OWNER|YYYY-MM-DD; repeat."),
    ] = None,
) -> Answer:
    """Without --what-happened: show the review. With it: write the review of a closed
    incident (what went right and wrong, follow-ups with owners and due dates)."""
    path = f"/incidents/{_id(incident_id)}/review"
    if what_happened is None:
        data = desk.get(path)
    else:
        ups = []
        for k, item in enumerate(follow_up or []):
            parts = item.split("|")
            if len(parts) != 3:
                raise InputError(f"--follow-up[{k}]", "write WHAT|OWNER|YYYY-MM-DD")
            ups.append({"what": parts[0], "owner": parts[1],
                        "due": parts[2].strip()})  # fmt: skip
        data = desk.put(
            path,
            {"what_happened": what_happened, "went_right": right or [],
             "went_wrong": wrong or [], "follow_ups": ups},
            {"what_happened": "--what-happened", "went_right": "--right",
             "went_wrong": "--wrong", "follow_ups": "--follow-up"},
        )  # fmt: skip

    def show(r: Mapping[str, Any] | None) -> None:
        if r is None:
            _line(f"{incident_id}: no review yet")
            return
        _line(r["what_happened"])
        for f in r["follow_ups"]:
            _line(f"follow-up: {f['what']} ({f['owner']}, due {f['due']})")

    return Answer(data, show)


@crisis_app.command("check-policy")
@friendly
def check_policy(
    files: Annotated[list[str], typer.Argument(help="Escalation policy YAML files.")],
) -> None:
    """Check a team's own escalation policy files (no server needed)."""
    from offramp.files.escalation import load_policy

    problems: list[Problem] = []
    for f in files:
        try:
            p = load_policy(f)
        except InputError as exc:
            problems += exc.problems
            continue
        _line(f"{f}: policy {p.id}: {len(p.schedule(datetime(2000, 1, 1, tzinfo=UTC)))} actions")
    if problems:
        raise InputError.of(problems)


def register(app: typer.Typer) -> None:
    """Attach the ``crisis`` sub-app to the main app."""
    app.add_typer(crisis_app, name="crisis")


if __name__ == "__main__":
    crisis_app(prog_name="offramp crisis")
