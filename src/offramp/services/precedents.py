"""The library of precedents, and links from a case's options to it.

The library (the shipped file plus a server's team file) is read once, when the
service is built, and is public: any signed-in account may search it. A *link* ties one
option of a case to a precedent (or one of its provisions); the mediator's team makes
and removes links (``precedent.link``), and every write goes to the case's audit chain.

Who sees a link (``precedent.read``): the mediator's team sees every link of the case.
Anyone else sees the links on the options of the packages tabled to it, by the rule
that decides which proposals it sees (:meth:`ShuttleService.visible_proposals`): a
delegate those tabled to its party, a facilitator or observer those the mediator shared
with it. A link on an option of no such package is invisible to them by every read:
lists and counts leave it out, and reading it by id is the same 404 as a missing one.
The link's note and author are the team's own: others see the precedent, not the note.

:meth:`PrecedentService.links_for` is the one read every surface showing options calls
(tabled proposals, packages, the deal space, "enlarge the problem").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from offramp.errors import Conflict, InputError, NotFound, Problem, Unauthenticated
from offramp.model.access import Action
from offramp.model.case import Case
from offramp.model.deadlines import Clock
from offramp.model.issues import Issue
from offramp.model.precedent_links import NO_LONGER_IN_LIBRARY, PrecedentLink
from offramp.model.precedent_search import IssueMatch, matches_for_issue, search
from offramp.model.precedents import Library, Precedent, Provision, ProvisionKind
from offramp.services.access import AccessPolicy, Actor, Scope
from offramp.services.shuttle import ProposalView, ShuttleService
from offramp.services.stored_case import read_case
from offramp.store.uow import UnitOfWork, UowFactory

NO_PRECEDENT = "No such precedent."
NO_LINK = "No such precedent link."
MAX_NOTE = 4000
OptionKey = tuple[str, str]  # (issue id, option id)


@dataclass(frozen=True)
class LinkView:
    """A link as one member sees it, with what the library holds for it now.

    ``precedent`` is None when the precedent left the library; ``provision`` is None
    for a link to the whole precedent or when the provision left it (``missing`` says
    which). ``note`` and ``created_by`` are None for members outside the mediator's team.
    """

    link: PrecedentLink
    precedent: Precedent | None
    provision: Provision | None
    note: str | None
    created_by: str | None

    @property
    def missing(self) -> str:
        """Empty, or why the library no longer has what the link names."""
        if self.precedent is None:
            return NO_LONGER_IN_LIBRARY
        if self.link.provision is not None and self.provision is None:
            return f"provision {self.link.provision!r} is {NO_LONGER_IN_LIBRARY}"
        return ""


@dataclass(frozen=True)
class IssueMatches:
    """The precedents whose provisions bear on one issue, best first."""

    issue: Issue
    matches: tuple[IssueMatch, ...]


@dataclass(frozen=True)
class _Sight:
    """What of a case's links a member sees: all, or those on these options."""

    everything: bool
    options: frozenset[OptionKey]
    team: bool  # the member sees notes and authors

    def sees(self, key: OptionKey) -> bool:
        return self.everything or key in self.options


def _provision(precedent: Precedent | None, provision_id: str | None) -> Provision | None:
    if precedent is None or provision_id is None:
        return None
    return next((p for p in precedent.provisions if p.id == provision_id), None)


class PrecedentService:
    """Searching the library; linking, unlinking and reading links under the policy."""

    def __init__(
        self,
        uow: UowFactory,
        policy: AccessPolicy,
        clock: Clock,
        library: Library,
        shuttle: ShuttleService,
    ) -> None:
        self.uow = uow
        self.policy = policy
        self.clock = clock
        self.library = library
        self.shuttle = shuttle
        self._by_id = {p.id: p for p in library}

    # -- the library (public to every signed-in account) ---------------------------------
    def search(
        self,
        actor: Actor | None,
        *,
        kind: ProvisionKind | None = None,
        party: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        keyword: str | None = None,
    ) -> tuple[Precedent, ...]:
        """The precedents that pass every filter given, oldest first."""
        _signed_in(actor)
        if since is not None and until is not None and until < since:
            raise InputError("to", f"{until} is before the start, {since}")
        return search(
            self.library, kind=kind, party=party, since=since, until=until, keyword=keyword
        )

    def get(self, actor: Actor | None, precedent_id: str) -> Precedent:
        _signed_in(actor)
        found = self._by_id.get(precedent_id)
        if found is None:
            raise NotFound(NO_PRECEDENT)
        return found

    def matches(
        self, actor: Actor | None, slug: str, *, issue: str | None = None, limit: int = 5
    ) -> list[IssueMatches]:
        """For each issue of the case (candidates too), the provisions that bear on it.

        Built from the case's public issues and the public library, so every member of
        the case may ask; nothing of the links is in it.
        """
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            case = read_case(uow, scope.case)
        issues = case.issues
        if issue is not None:
            issues = tuple(i for i in case.issues if i.id == issue)
            if not issues:
                known = ", ".join(i.id for i in case.issues)
                raise InputError("issue", f"{issue!r} is not an issue of the case: use {known}")
        return [IssueMatches(i, matches_for_issue(self.library, i, limit=limit)) for i in issues]

    # -- links ----------------------------------------------------------------------------
    def link(
        self,
        actor: Actor | None,
        slug: str,
        *,
        issue: str,
        option: str,
        precedent: str,
        provision: str | None = None,
        note: str = "",
    ) -> LinkView:
        """Link an option of the case to a precedent (or one of its provisions)."""
        with self.uow(write=True) as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.PRECEDENT_LINK, resource="precedent-links")
            case = read_case(uow, scope.case)
            problems = self._link_problems(case, issue, option, precedent, provision, note)
            if problems:
                raise InputError.of(problems)
            same = uow.precedents.find_link(scope.case.id, issue, option, precedent, provision)
            if same is not None:
                raise Conflict(
                    f"Option {issue}/{option} is already linked to that (link {same.id})."
                )
            made = uow.precedents.add_link(
                scope.case.id,
                PrecedentLink(
                    0,
                    issue,
                    option,
                    precedent,
                    provision,
                    note.strip(),
                    scope.actor.name,
                    self.clock.now(),
                ),
            )
            uow.audit(
                slug, scope.actor.name, "precedent.link", {**_payload(made), "note": made.note}
            )
            uow.commit()
        return self._view(made, team=True)

    def unlink(
        self, actor: Actor | None, slug: str, link_id: int, version: int | None = None
    ) -> None:
        """Remove a link (at ``version``, if given: a stale one is a conflict)."""
        with self.uow(write=True) as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            got = uow.precedents.get_link(scope.case.id, link_id)
            if got is None or not self._sight(uow, scope).sees(got.option_key):
                raise NotFound(NO_LINK)
            self.policy.require(scope, Action.PRECEDENT_LINK, resource=f"precedent-link/{link_id}")
            if version is not None and version != got.version:
                raise Conflict(f"Link {link_id} changed meanwhile; reload it.")
            if not uow.precedents.delete_link(scope.case.id, link_id, got.version):
                raise Conflict(f"Link {link_id} changed meanwhile; reload it.")
            uow.audit(slug, scope.actor.name, "precedent.unlink", _payload(got))
            uow.commit()

    def get_link(self, actor: Actor | None, slug: str, link_id: int) -> LinkView:
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            got = uow.precedents.get_link(scope.case.id, link_id)
            sight = self._sight(uow, scope)
        if got is None or not sight.sees(got.option_key):
            raise NotFound(NO_LINK)
        return self._view(got, team=sight.team)

    def list_links(
        self,
        actor: Actor | None,
        slug: str,
        *,
        issue: str | None = None,
        option: str | None = None,
    ) -> list[LinkView]:
        """The links the member sees, oldest first (optionally on one issue or option)."""
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            sight = self._sight(uow, scope)
            rows = uow.precedents.list_links(
                scope.case.id, None if sight.everything else sight.options
            )
        return [
            self._view(r, team=sight.team)
            for r in rows
            if sight.sees(r.option_key)
            and (issue is None or r.issue == issue)
            and (option is None or r.option == option)
        ]

    def links_for(
        self, actor: Actor | None, slug: str, options: Iterable[OptionKey]
    ) -> dict[OptionKey, tuple[LinkView, ...]]:
        """The links the member sees on each of ``options`` ((issue, option) pairs);
        every option asked for has an entry, empty when nothing shows on it."""
        wanted = frozenset(options)
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            sight = self._sight(uow, scope)
            rows = uow.precedents.list_links(scope.case.id, [k for k in wanted if sight.sees(k)])
        found: dict[OptionKey, list[LinkView]] = {k: [] for k in wanted}
        for r in rows:
            found[r.option_key].append(self._view(r, team=sight.team))
        return {k: tuple(v) for k, v in found.items()}

    def links_for_proposals(
        self, actor: Actor | None, slug: str, proposals: Sequence[ProposalView]
    ) -> dict[int, tuple[LinkView, ...]]:
        """For each proposal, the links the member sees on the options of its package."""
        keys = {p.proposal.id: list(p.proposal.package.items()) for p in proposals}
        by_option = self.links_for(actor, slug, (k for ks in keys.values() for k in ks))
        return {pid: tuple(v for k in ks for v in by_option[k]) for pid, ks in keys.items()}

    # -- helpers --------------------------------------------------------------------------
    def _sight(self, uow: UnitOfWork, scope: Scope) -> _Sight:
        """What of the case's links the scope's member sees (see the module docstring)."""
        team = self.policy.can(scope, Action.PRECEDENT_LINK, resource="precedent-links")
        if self.policy.can(scope, Action.PRECEDENT_READ, resource="precedent-links"):
            return _Sight(True, frozenset(), team)
        parties: dict[OptionKey, set[str]] = {}
        shared: set[OptionKey] = set()
        for got in self.shuttle.visible_proposals(uow.repo, scope):
            for key in got.value.package.items():
                parties.setdefault(key, set()).update(got.value.parties)
                if scope.shared("proposal", got.id):
                    shared.add(key)
        options = frozenset(
            key
            for key, on in parties.items()
            if self.policy.can(
                scope,
                Action.PRECEDENT_READ,
                resource=f"precedent-links/{key[0]}/{key[1]}",
                parties=frozenset(on),
                shared=key in shared,
            )
        )
        return _Sight(False, options, team)

    def _view(self, link: PrecedentLink, *, team: bool) -> LinkView:
        precedent = self._by_id.get(link.precedent)
        return LinkView(
            link,
            precedent,
            _provision(precedent, link.provision),
            link.note if team else None,
            link.created_by if team else None,
        )

    def _link_problems(
        self,
        case: Case,
        issue: str,
        option: str,
        precedent: str,
        provision: str | None,
        note: str,
    ) -> list[Problem]:
        problems = []
        found = next((i for i in case.issues if i.id == issue), None)
        if found is None:
            known = ", ".join(i.id for i in case.issues)
            problems.append(Problem("issue", f"{issue!r} is not an issue of the case: use {known}"))
        elif option not in found.option_ids:
            known = ", ".join(found.option_ids)
            problems.append(
                Problem("option", f"issue {issue!r} has no option {option!r}: use {known}")
            )
        p = self._by_id.get(precedent)
        if p is None:
            problems.append(Problem("precedent", f"{precedent!r} is not in the library"))
        elif provision is not None and _provision(p, provision) is None:
            known = ", ".join(x.id for x in p.provisions)
            problems.append(
                Problem("provision", f"{precedent} has no provision {provision!r}: use {known}")
            )
        if len(note) > MAX_NOTE:
            problems.append(Problem("note", f"a note is at most {MAX_NOTE} characters"))
        return problems


def _signed_in(actor: Actor | None) -> Actor:
    if actor is None:
        raise Unauthenticated("Sign in first.")
    return actor


def _payload(link: PrecedentLink) -> dict[str, object]:
    return {
        "link": link.id,
        "issue": link.issue,
        "option": link.option,
        "precedent": link.precedent,
        "provision": link.provision,
    }
