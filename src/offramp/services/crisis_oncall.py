"""The crisis desk on call: response times against the playbook, named recipients who
each acknowledge, escalation policies applied by the sweep, channel heartbeats, roles on
an incident, its shared timeline and report, and the review after it.

:class:`OncallCases` is mixed into :class:`offramp.services.crisis.CrisisService`; its
use cases follow the same rules (actor first, the access policy, the unit of work, the
audit chain, "now" from the injected clock). :mod:`.crisis_sweep` is what the sweep
(:mod:`offramp.services.sweeps`) applies; :mod:`.crisis_timeline` assembles the timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from offramp.errors import Conflict, InputError, NotFound
from offramp.files.escalation import builtin_policies
from offramp.files.timeline_pdf import timeline_pdf
from offramp.files.timeline_report import timeline_html
from offramp.model.access import POLICY, Action, DeskRole, Grant
from offramp.model.crisis import CrisisDesk, Incident, IncidentType, PlaybookRun
from offramp.model.crisis.directives import (
    Directive,
    DirectiveKind,
    jump_waivers,
    repeat_from,
    steps_from,
)
from offramp.model.crisis.escalation import (
    DueAction,
    EscalationPolicy,
)
from offramp.model.crisis.heartbeats import Heartbeat
from offramp.model.crisis.journal import (
    NOTE_KINDS,
    EntryKind,
    FollowUp,
    IncidentRole,
    Review,
    RoleHolder,
    TimelineEntry,
)
from offramp.model.crisis.recipients import Acknowledgements
from offramp.model.crisis.times import IncidentTimes, StepSummary, desk_times, response_times
from offramp.services.access import Actor, Scope
from offramp.services.crisis_desk import DeskCases
from offramp.services.crisis_sweep import (
    channel_messages,
    late_subjects,
    notification_subject,
    step_subject,
)
from offramp.services.crisis_timeline import review_data, review_of
from offramp.services.crisis_timeline import timeline as build_timeline
from offramp.store.crisis_oncall import JournalRow
from offramp.store.crisis_repository import CrisisRepository
from offramp.store.uow import UnitOfWork

_DIRECTIVE_EVENTS = {
    DirectiveKind.JUMP: "crisis.playbook.jump",
    DirectiveKind.REPEAT: "crisis.playbook.repeat",
}


# -- views ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskTimes:
    """Every incident's step times and, per playbook step, the median and the worst."""

    at: datetime
    incidents: tuple[IncidentTimes, ...]
    steps: tuple[StepSummary, ...]


@dataclass(frozen=True)
class RecipientsView:
    """A notification's or step's named recipients at an instant: who has not acknowledged."""

    subject: str
    acknowledgements: Acknowledgements
    pending: tuple[str, ...]
    completed_at: datetime | None

    @classmethod
    def at(cls, acks: Acknowledgements, when: datetime) -> RecipientsView:
        """The recipients of ``acks.subject`` as they stand at ``when``."""
        return cls(acks.subject, acks, acks.pending(when), acks.completed_at(when))


@dataclass(frozen=True)
class PlannedAction:
    """An action of a policy for a late subject: applied (when) or still to come."""

    subject: str
    policy: str
    action: DueAction
    applied_at: datetime | None


@dataclass(frozen=True)
class HeartbeatView:
    heartbeat: Heartbeat
    last_message: datetime | None
    next_due: datetime
    missed: tuple[datetime, ...]


@dataclass(frozen=True)
class StepDuty:
    """Who answers for a step: the role and its holder (empty while nobody holds it)."""

    step: str
    role: IncidentRole
    holder: str
    recipients: RecipientsView | None


@dataclass(frozen=True)
class OwnedFollowUp:
    """A follow-up of an incident's review, with the incident it follows."""

    incident: str
    title: str
    follow_up: FollowUp


def reads_crisis(role: str) -> bool:
    """Whether a member with desk role ``role`` reads the crisis desk."""
    grant = POLICY.get(DeskRole(role), {}).get(Action.CRISIS_READ, Grant.NEVER)
    return grant is not Grant.NEVER


@dataclass(frozen=True)
class OncallView:
    incident: str
    roles: dict[IncidentRole, RoleHolder]
    steps: tuple[StepDuty, ...]


# -- the use cases ---------------------------------------------------------------------------


class OncallCases(DeskCases):
    """On-call use cases of the crisis desk (the base of ``CrisisService``)."""

    escalation_policies: tuple[EscalationPolicy, ...] = tuple(builtin_policies().values())

    def _at(self, at: datetime | None) -> datetime:
        """A read's instant: ``at`` (not later than now) or now."""
        return self._when(at, "at")

    @staticmethod
    def _parties(uow: UnitOfWork, scope: Scope, parties: Sequence[str], where: str) -> None:
        from offramp.services.stored_case import read_case

        known = {p.id for p in read_case(uow, scope.case).parties}
        for k, p in enumerate(parties):
            if p not in known:
                raise InputError(
                    f"{where}[{k}]",
                    f"unknown party {p!r} (parties of the case: {', '.join(sorted(known))})",
                )

    # -- response times ------------------------------------------------------------------
    def response_times(
        self, actor: Actor | None, slug: str, incident: str, at: datetime | None = None
    ) -> IncidentTimes:
        """How long each step of the incident's playbook took, against its target."""
        when = self._at(at)
        with self._reading(actor, slug) as (scope, repo, desk):
            inc = self._incident(repo, scope, desk, incident)
        return response_times(inc, self._run(desk, inc.id), when)

    def desk_times(
        self,
        actor: Actor | None,
        slug: str,
        type: IncidentType | None = None,
        at: datetime | None = None,
    ) -> DeskTimes:
        """Every incident's (of ``type``, default all) step times, and per playbook step
        the median and the worst time from the run's start."""
        when = self._at(at)
        desk = self._load(actor, slug)
        times = []
        for inc in desk.incidents:
            run = desk.run(inc.id)
            if run is None or (type is not None and inc.type is not type):
                continue
            if run.started_at > when:
                continue
            times.append(response_times(inc, run, when))
        times.sort(key=lambda t: t.started_at)
        return DeskTimes(when, tuple(times), desk_times(times))

    # -- named recipients ----------------------------------------------------------------
    def _subject(
        self,
        repo: CrisisRepository,
        scope: Scope,
        desk: CrisisDesk,
        notification: str | None,
        incident: str | None,
        step: str | None,
    ) -> str:
        """The subject a notification or an incident's step has recipients under."""
        if incident is not None:
            self._incident(repo, scope, desk, incident)
        if notification is not None:
            if not any(n.id == notification for n in desk.notifications):
                raise NotFound("No such notification.")
            return notification_subject(notification)
        assert incident is not None and step is not None
        run = self._run(desk, incident)
        run.step(step)
        return step_subject(incident, step)

    def name_recipients(
        self,
        actor: Actor | None,
        slug: str,
        recipients: Sequence[str],
        *,
        notification: str | None = None,
        incident: str | None = None,
        step: str | None = None,
    ) -> RecipientsView:
        """Name the parties (counterparts, allies, the impartial body) who must each
        acknowledge a notification or a step."""
        if not recipients:
            raise InputError("recipients", "name at least one recipient")
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            subject = self._subject(repo, scope, desk, notification, incident, step)
            self._parties(uow, scope, recipients, "recipients")
            if notification is not None:
                n = next(x for x in desk.notifications if x.id == notification)
                if n.acknowledged_at is not None:
                    raise Conflict(f"Notification {notification} is already acknowledged.")
            if subject in repo.recipients(scope.case.id):
                raise Conflict(f"The recipients of {subject} are already named.")
            try:
                acks = Acknowledgements.of(subject, tuple(recipients))
            except ValueError as exc:
                raise InputError("recipients", str(exc)) from None
            repo.name_recipients(scope.case.id, subject, acks.recipients)
            self._audit(
                uow, scope, "crisis.recipients.name",
                {"subject": subject, "recipients": list(acks.recipients)},
            )  # fmt: skip
            uow.commit()
        now = self._now()
        return RecipientsView(subject, acks, acks.pending(now), None)

    def acknowledge_recipient(
        self,
        actor: Actor | None,
        slug: str,
        recipient: str,
        *,
        notification: str | None = None,
        incident: str | None = None,
        step: str | None = None,
        by: str = "",
        at: datetime | None = None,
        channel: str | None = None,
    ) -> RecipientsView:
        """Record one recipient's acknowledgement. When the last one is in, the
        notification is acknowledged (at that instant), or the step done if it can be."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            subject = self._subject(repo, scope, desk, notification, incident, step)
            acks = repo.recipients(scope.case.id).get(subject)
            if acks is None:
                raise Conflict(f"{subject} has no named recipients; acknowledge it as a whole.")
            if channel is not None and channel not in {c.id for c in desk.channels}:
                raise InputError("channel", f"unknown channel {channel!r}")
            when = self._when(at)
            acks = acks.acknowledge(recipient, by.strip() or recipient, when, channel)
            repo.save_recipient_ack(scope.case.id, subject, acks.ack(recipient))
            self._audit(
                uow, scope, "crisis.recipient.acknowledge",
                {"subject": subject, "recipient": recipient, "at": when.isoformat()},
            )  # fmt: skip
            done = acks.completed_at(when)
            if done is not None:
                self._complete_subject(uow, scope, desk, acks, done, notification, incident, step)
            uow.commit()
        return RecipientsView(subject, acks, acks.pending(when), done)

    def _complete_subject(
        self,
        uow: UnitOfWork,
        scope: Scope,
        desk: CrisisDesk,
        acks: Acknowledgements,
        done: datetime,
        notification: str | None,
        incident: str | None,
        step: str | None,
    ) -> None:
        everyone = ", ".join(acks.recipients)
        if notification is not None:
            n = next(x for x in desk.notifications if x.id == notification)
            n = n.acknowledge(everyone, done)
            uow.crisis.save_acknowledgement(scope.case.id, n)
            self._audit(
                uow, scope, "crisis.notification.acknowledge",
                {"notification": notification, "by": everyone},
            )  # fmt: skip
            return
        assert incident is not None and step is not None
        run = self._run(desk, incident)
        try:
            run = run.complete(step, everyone, done)
        except Conflict:
            return  # a step before it is open: the officer completes it later
        uow.crisis.add_step_record(scope.case.id, incident, run.step(step))
        self._audit(
            uow, scope, "crisis.step.complete",
            {"incident": incident, "step": step, "by": everyone, "at": done.isoformat()},
        )  # fmt: skip

    def recipients(
        self, actor: Actor | None, slug: str, at: datetime | None = None
    ) -> tuple[RecipientsView, ...]:
        """Every notification and step with named recipients, and who has not acknowledged."""
        when = self._at(at)
        with self.uow() as uow:
            scope = self._read(uow, actor, slug)
            named = uow.crisis.recipients(scope.case.id)
        return tuple(RecipientsView.at(a, when) for a in named.values())

    # -- escalation ----------------------------------------------------------------------
    def escalations(
        self, actor: Actor | None, slug: str, at: datetime | None = None
    ) -> tuple[PlannedAction, ...]:
        """Every escalation action due by ``at`` for subjects still late then, and whether
        the sweep has applied it; plus the next one to come for each subject."""
        when = self._at(at)
        with self._reading(actor, slug) as (scope, repo, desk):
            acks = repo.recipients(scope.case.id)
            applied = {(a.subject, a.policy, a.key): a for a in repo.actions(scope.case.id)}
        out = []
        for subject, policy, late, level, stopped in late_subjects(
            desk, acks, self.escalation_policies
        ):
            for action in policy.schedule(late, level):
                if stopped is not None and stopped <= action.at:
                    break
                got = applied.get((subject, policy.id, action.key))
                when_applied = got.applied_at if got is not None else None
                out.append(PlannedAction(subject, policy.id, action, when_applied))
                if action.at > when:
                    break
        return tuple(sorted(out, key=lambda p: (p.action.at, p.subject)))

    def jump_to_step(
        self, actor: Actor | None, slug: str, incident: str, step: str, at: datetime | None = None
    ) -> PlaybookRun:
        """Waive every open step listed before ``step``, so it is due now."""

        def waive_before(
            uow: UnitOfWork, scope: Scope, run: PlaybookRun, when: datetime
        ) -> PlaybookRun:
            title = run.step(step).spec.title
            for s in jump_waivers(run, step):
                run = run.waive(s, scope.actor.name, when, f"jumped to step “{title}”")
                uow.crisis.add_step_record(scope.case.id, incident, run.step(s))
            return run

        return self._direct(actor, slug, incident, DirectiveKind.JUMP, step, at, waive_before)

    def repeat_from_step(
        self, actor: Actor | None, slug: str, incident: str, step: str, at: datetime | None = None
    ) -> PlaybookRun:
        """Open ``step`` and those after it again, due counted from now."""

        def reopen(uow: UnitOfWork, scope: Scope, run: PlaybookRun, when: datetime) -> PlaybookRun:
            run = repeat_from(run, step, when)
            uow.crisis.set_aside_steps(scope.case.id, incident, steps_from(run, step))
            return run

        return self._direct(actor, slug, incident, DirectiveKind.REPEAT, step, at, reopen)

    def _direct(
        self,
        actor: Actor | None,
        slug: str,
        incident: str,
        kind: DirectiveKind,
        step: str,
        at: datetime | None,
        move: Callable[[UnitOfWork, Scope, PlaybookRun, datetime], PlaybookRun],
    ) -> PlaybookRun:
        """Move the incident's running playbook to ``step`` (``move`` writes the steps it
        changes) and record the directive on its timeline and in the audit log."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            self._incident(repo, scope, desk, incident)
            run = self._run(desk, incident)
            when = self._when(at)
            run = move(uow, scope, run, when)
            directive = Directive(kind, step, when, scope.actor.name)
            self._directive(uow, scope, incident, directive, run.step(step).spec.title)
            uow.commit()
        return run

    def _directive(
        self, uow: UnitOfWork, scope: Scope, incident: str, d: Directive, title: str
    ) -> None:
        verb = "jumped to" if d.kind is DirectiveKind.JUMP else "repeated from"
        text = f"{verb} step “{title}”"
        uow.crisis.add_journal(
            scope.case.id, JournalRow(incident, d.kind.value, d.at, d.by, text, d.step, {})
        )
        self._audit(
            uow, scope, _DIRECTIVE_EVENTS[d.kind],
            {"incident": incident, "step": d.step, "at": d.at.isoformat()},
        )  # fmt: skip

    # -- heartbeats ----------------------------------------------------------------------
    def expect_heartbeat(
        self,
        actor: Actor | None,
        slug: str,
        channel: str,
        *,
        expected_from: str,
        every_hours: float,
        grace_hours: float = 0.0,
        since: datetime | None = None,
        what: str = "routine message",
    ) -> Heartbeat:
        """Expect a message on ``channel`` from ``expected_from`` every ``every_hours``."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            try:
                ch = desk.channel(channel)
            except KeyError:
                raise NotFound("No such channel.") from None
            if expected_from not in ch.dyad:
                raise InputError(
                    "expected_from", f"{expected_from} is not at either end of {channel} {ch.dyad}"
                )
            try:
                hb = Heartbeat(
                    channel, expected_from, every_hours, self._when(since, "since"),
                    grace_hours, what,
                )  # fmt: skip
            except ValueError as exc:
                raise InputError("every_hours", str(exc)) from None
            repo.put_heartbeat(scope.case.id, hb)
            self._audit(
                uow, scope, "crisis.heartbeat.expect",
                {"channel": channel, "every_hours": every_hours, "from": expected_from},
            )  # fmt: skip
            uow.commit()
        return hb

    def record_message(
        self,
        actor: Actor | None,
        slug: str,
        channel: str,
        *,
        sender: str,
        text: str,
        at: datetime | None = None,
        incident: str | None = None,
    ) -> datetime:
        """A message passed on ``channel`` (a heartbeat, or a message of an incident)."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            if channel not in {c.id for c in desk.channels}:
                raise NotFound("No such channel.")
            when = self._when(at)
            if incident is not None:
                self._incident(repo, scope, desk, incident)
                row = JournalRow(incident, EntryKind.MESSAGE.value, when, sender, text, channel, {})
                repo.add_journal(scope.case.id, row)
            repo.add_message(scope.case.id, channel, when, sender, text)
            self._audit(
                uow, scope, "crisis.channel.message",
                {"channel": channel, "sender": sender, "at": when.isoformat()},
            )  # fmt: skip
            uow.commit()
        return when

    def heartbeats(
        self, actor: Actor | None, slug: str, at: datetime | None = None
    ) -> tuple[HeartbeatView, ...]:
        """Each channel's heartbeat: the last message, when the next is due, misses."""
        when = self._at(at)
        with self._reading(actor, slug) as (scope, repo, desk):
            beats = channel_messages(repo, scope.case.id, desk)
            hbs = repo.heartbeats(scope.case.id)
        out = []
        for hb in hbs:
            seen = [m for m in beats.get(hb.channel, []) if m <= when]
            out.append(
                HeartbeatView(hb, max(seen, default=None), hb.next_due(seen, when),
                              hb.missed(seen, when))
            )  # fmt: skip
        return tuple(out)

    # -- roles ---------------------------------------------------------------------------
    def assign_role(
        self, actor: Actor | None, slug: str, incident: str, role: IncidentRole, holder: str
    ) -> RoleHolder:
        """Name who holds ``role`` on the incident (replacing whoever held it)."""
        if not holder.strip():
            raise InputError("holder", "name who holds the role")
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            self._incident(repo, scope, desk, incident)
            rh = RoleHolder(role, holder.strip(), self._now(), scope.actor.name)
            repo.put_role(scope.case.id, incident, rh)
            self._audit(
                uow, scope, "crisis.role.assign",
                {"incident": incident, "role": role.value, "holder": rh.holder},
            )  # fmt: skip
            uow.commit()
        return rh

    def make_answerable(
        self, actor: Actor | None, slug: str, incident: str, step: str, role: IncidentRole
    ) -> OncallView:
        """Make ``role`` answerable for ``step`` (the lead is, until another role is named)."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            self._incident(repo, scope, desk, incident)
            self._run(desk, incident).step(step)
            row = JournalRow(
                incident, "answerable", self._now(), scope.actor.name, role.value, step, {}
            )
            repo.add_journal(scope.case.id, row)
            self._audit(
                uow, scope, "crisis.step.answerable",
                {"incident": incident, "step": step, "role": role.value},
            )  # fmt: skip
            uow.commit()
        return self.oncall(actor, slug, incident)

    def oncall(
        self, actor: Actor | None, slug: str, incident: str, at: datetime | None = None
    ) -> OncallView:
        """The incident's roles, and for each step who answers for it and who has not
        acknowledged it."""
        when = self._at(at)
        with self._reading(actor, slug) as (scope, repo, desk):
            inc = self._incident(repo, scope, desk, incident)
            roles = repo.roles(scope.case.id).get(inc.id, {})
            answerable = {
                r.ref: IncidentRole(r.text)
                for r in repo.journal(scope.case.id, inc.id, ("answerable",))
            }
            named = repo.recipients(scope.case.id)
        run = desk.run(inc.id)
        duties = []
        for s in run.steps if run is not None else ():
            role = answerable.get(s.id, IncidentRole.LEAD)
            acks = named.get(step_subject(inc.id, s.id))
            view = None if acks is None else RecipientsView.at(acks, when)
            holder = roles[role].holder if role in roles else ""
            duties.append(StepDuty(s.id, role, holder, view))
        return OncallView(inc.id, roles, tuple(duties))

    # -- the timeline --------------------------------------------------------------------
    def add_note(
        self,
        actor: Actor | None,
        slug: str,
        incident: str,
        text: str,
        kind: EntryKind = EntryKind.NOTE,
        at: datetime | None = None,
    ) -> TimelineEntry:
        """Write a note, a message or a decision onto the incident's timeline."""
        if kind not in NOTE_KINDS:
            raise InputError("kind", "write a note, a message or a decision")
        if not text.strip():
            raise InputError("text", "the note is empty")
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            self._incident(repo, scope, desk, incident)
            when = self._when(at)
            row = JournalRow(incident, kind.value, when, scope.actor.name, text, "", {})
            repo.add_journal(scope.case.id, row)
            self._audit(uow, scope, "crisis.timeline.note", {"incident": incident, "kind": kind})
            uow.commit()
        return TimelineEntry(when, kind, scope.actor.name, text)

    def incident_timeline(
        self, actor: Actor | None, slug: str, incident: str, at: datetime | None = None
    ) -> tuple[TimelineEntry, ...]:
        """Every arrival, step, acknowledgement, message, decision, escalation and note of
        the incident, in time order, with who and when."""
        when = self._at(at)
        with self._reading(actor, slug) as (scope, repo, desk):
            inc = self._incident(repo, scope, desk, incident)
            journal = repo.journal(scope.case.id, inc.id)
            named = repo.recipients(scope.case.id)
            actions = repo.actions(scope.case.id)
            roles = repo.roles(scope.case.id).get(inc.id, {})
        entries = build_timeline(desk, inc, journal, named, actions, roles)
        return tuple(e for e in entries if e.at <= when)

    def timeline_report(self, actor: Actor | None, slug: str, incident: str) -> str:
        """The incident's timeline (and review, if written) as a readable HTML page."""
        return timeline_html(*self._report(actor, slug, incident))

    def timeline_pdf(self, actor: Actor | None, slug: str, incident: str) -> bytes:
        """The same report as :meth:`timeline_report`, as a PDF document."""
        return timeline_pdf(*self._report(actor, slug, incident))

    def _report(
        self, actor: Actor | None, slug: str, incident: str
    ) -> tuple[str, Incident, tuple[TimelineEntry, ...], Review | None, datetime]:
        entries = self.incident_timeline(actor, slug, incident)
        with self._reading(actor, slug) as (scope, repo, desk):
            inc = self._incident(repo, scope, desk, incident)
        review = self.review(actor, slug, incident)
        return slug, inc, entries, review, self._now()

    # -- the review ----------------------------------------------------------------------
    def write_review(
        self,
        actor: Actor | None,
        slug: str,
        incident: str,
        *,
        what_happened: str,
        went_right: Sequence[str] = (),
        went_wrong: Sequence[str] = (),
        follow_ups: Sequence[tuple[str, str, date] | tuple[str, str, date, bool]] = (),
    ) -> Review:
        """The review after a closed incident (written again, it replaces the last).
        A follow-up is (what, owner, due) or (what, owner, due, done)."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            inc = self._incident(repo, scope, desk, incident)
            run = self._run(desk, inc.id)
            try:
                review = Review.after(
                    run.closed_at, inc.id, what_happened=what_happened,
                    went_right=tuple(went_right), went_wrong=tuple(went_wrong),
                    follow_ups=tuple(FollowUp(*f) for f in follow_ups),
                    written_by=scope.actor.name, written_at=self._now(),
                )  # fmt: skip
            except ValueError as exc:
                raise InputError("review", str(exc)) from None
            repo.put_review(
                scope.case.id, inc.id, review.written_at, review.written_by, review_data(review)
            )
            self._audit(
                uow, scope, "crisis.review.write",
                {"incident": inc.id, "follow_ups": len(review.follow_ups)},
            )  # fmt: skip
            uow.commit()
        return review

    def review(self, actor: Actor | None, slug: str, incident: str) -> Review | None:
        with self._reading(actor, slug) as (scope, repo, desk):
            inc = self._incident(repo, scope, desk, incident)
            data = repo.review(scope.case.id, inc.id)
        return None if data is None else review_of(inc.id, data)

    # -- the people of the desk and their follow-ups -------------------------------------
    def desk_people(self, actor: Actor | None, slug: str) -> tuple[str, ...]:
        """The members whose role reads the crisis desk, by name: who may hold a role on
        an incident or own a follow-up."""
        with self.uow() as uow:
            scope = self._read(uow, actor, slug)
            members = uow.repo.list_members(scope.case.id)
        return tuple(sorted(m.user for m in members if reads_crisis(m.role)))

    def open_follow_ups(
        self, actor: Actor | None, slug: str, owner: str
    ) -> tuple[OwnedFollowUp, ...]:
        """The follow-ups of the case's reviews that ``owner`` owns and has not done,
        earliest due first."""
        with self._reading(actor, slug) as (scope, repo, desk):
            reviews = [(inc, repo.review(scope.case.id, inc.id)) for inc in desk.incidents]
        out = [
            OwnedFollowUp(inc.id, inc.title, f)
            for inc, data in reviews
            if data is not None
            for f in review_of(inc.id, data).follow_ups
            if f.owner == owner and not f.done
        ]
        return tuple(sorted(out, key=lambda o: (o.follow_up.due, o.incident)))
