"""An incident's shared timeline, assembled from the desk and its journal, and the
review as stored data and back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from offramp.model.crisis import CrisisDesk, Incident
from offramp.model.crisis.escalation import action_words
from offramp.model.crisis.journal import (
    NOTE_KINDS,
    ROLE_TITLES,
    EntryKind,
    FollowUp,
    IncidentRole,
    Review,
    RoleHolder,
    TimelineEntry,
    ordered,
)
from offramp.model.crisis.recipients import Acknowledgements
from offramp.services.crisis_sweep import SWEEPER
from offramp.store.crisis_oncall import AppliedAction, JournalRow


def review_data(r: Review) -> dict[str, Any]:
    return {
        "what_happened": r.what_happened,
        "went_right": list(r.went_right),
        "went_wrong": list(r.went_wrong),
        "follow_ups": [
            {"what": f.what, "owner": f.owner, "due": f.due.isoformat(), "done": f.done}
            for f in r.follow_ups
        ],
        "written_by": r.written_by,
        "written_at": r.written_at.isoformat(),
    }


def review_of(incident: str, d: dict[str, Any]) -> Review:
    return Review(
        incident, d["what_happened"], tuple(d["went_right"]), tuple(d["went_wrong"]),
        tuple(FollowUp(f["what"], f["owner"], date.fromisoformat(f["due"]), f["done"])
              for f in d["follow_ups"]),
        d["written_by"], datetime.fromisoformat(d["written_at"]),
    )  # fmt: skip


def timeline(
    desk: CrisisDesk,
    inc: Incident,
    journal: Sequence[JournalRow],
    named: dict[str, Acknowledgements],
    actions: Sequence[AppliedAction],
    roles: dict[IncidentRole, RoleHolder],
) -> tuple[TimelineEntry, ...]:
    e: list[TimelineEntry] = []
    for a in inc.arrivals:
        e.append(TimelineEntry(a.at, EntryKind.ARRIVAL, inc.raised_by, f"arrived: {inc.title}",
                               a.channel))  # fmt: skip
    run = desk.run(inc.id)
    titles = {s.id: s.spec.title for s in run.steps} if run is not None else {}

    def step_title(step: str) -> str:
        return titles.get(step, step)

    if run is not None:
        e.append(TimelineEntry(run.started_at, EntryKind.DECISION, "",
                               f"playbook “{run.title}” started"))  # fmt: skip
        for s in run.steps:
            if s.done_at is not None:
                late = " (late)" if s.done_at > s.due_at else ""
                e.append(TimelineEntry(s.done_at, EntryKind.STEP, s.done_by,
                                       f"done: {s.spec.title}{late}", s.id))  # fmt: skip
            elif s.waived_at is not None:
                e.append(TimelineEntry(s.waived_at, EntryKind.STEP, s.done_by,
                                       f"waived: {s.spec.title} ({s.waived})", s.id))  # fmt: skip
        if run.closed_at is not None:
            e.append(TimelineEntry(run.closed_at, EntryKind.CLOSED, run.closed_by,
                                   f"closed: {run.outcome}"))  # fmt: skip
    prefix = f"step:{inc.id}:"
    for subject, acks in named.items():
        if subject.startswith(prefix):
            for ack in acks.acks:
                if ack.at is not None:
                    step = step_title(subject[len(prefix) :])
                    e.append(TimelineEntry(ack.at, EntryKind.ACKNOWLEDGEMENT, ack.by,
                                           f"{ack.recipient} acknowledged “{step}”",
                                           ack.recipient))  # fmt: skip
    for act in actions:
        if act.subject.startswith(prefix):
            repetition = int(act.key.rpartition("#")[2] or 1)
            words = action_words(act.data["action"], act.data.get("level"), repetition)
            e.append(TimelineEntry(act.due_at, EntryKind.ESCALATION, SWEEPER,
                                   f"{words}: {step_title(act.subject[len(prefix):])}",
                                   act.subject[len(prefix):]))  # fmt: skip
    for holder in roles.values():
        e.append(TimelineEntry(holder.since, EntryKind.ROLE, holder.named_by,
                               f"{holder.holder} is {ROLE_TITLES[holder.role]}"))  # fmt: skip
    for row in journal:
        if row.kind in {k.value for k in NOTE_KINDS}:
            e.append(TimelineEntry(row.at, EntryKind(row.kind), row.author, row.text, row.ref))
        elif row.kind in ("jump", "repeat"):
            e.append(TimelineEntry(row.at, EntryKind.DECISION, row.author, row.text, row.ref))
        elif row.kind == "step_history":
            done = f"done before a repeat: {step_title(row.ref)}"
            e.append(TimelineEntry(row.at, EntryKind.STEP, row.author, done, row.ref))
    return ordered(e)
