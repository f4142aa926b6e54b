"""Precedent links in the services: who may link, unlink and read (every role), the
audit chain, the library's edge ("no longer in the library", a team's file), and the
sharing rule: outside the mediator's team a member sees the links on the options of
packages tabled (or shared) to it, and nothing at all of any other link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from offramp.bootstrap import bootstrap
from offramp.errors import Conflict, Forbidden, InputError, NotFound, Unauthenticated
from offramp.files.precedents import builtin_library
from offramp.model.precedent_links import NO_LONGER_IN_LIBRARY, PrecedentLink
from offramp.model.precedent_search import matches_for_issue
from offramp.model.precedents import ProvisionKind
from offramp.model.shuttle import Response
from offramp.services.precedents import NO_LINK, LinkView
from support.desk import FAST_HASHER, PERSONA_NAMES, World, small_case

MED, UA, RU = "mediator_il", "delegate_ua", "delegate_ru"
FAC, OBS, AN, DESK = "facilitator_de", "observer_us", "analyst", "desk_officer"
ALL_OPTIONS = [
    ("alignment", "nato"),
    ("alignment", "bloc_free"),
    ("alignment", "neutral"),
    ("donbas", "ukraine"),
    ("donbas", "autonomy"),
    ("donbas", "russia"),
]
TEAM_FILE = """\
library: 1
precedents:
  - id: team-only-1999
    name: A team's own precedent
    date: 1999-01-01
    parties: [{id: UA, name: Ukraine}]
    provisions:
      - {id: clause, kinds: [autonomy], text: Self-government for a region.}
    held_up: {outcome: held, note: It held.}
    sources: [{id: memo, title: Team memo, publisher: The team}]
"""


def _link(w: World, who: str = MED, **kw: Any) -> LinkView:
    args: dict[str, Any] = {"issue": "alignment", "option": "neutral", "precedent": "austria-1955"}
    return w.desk.precedents.link(w.actor(who), "small", **{**args, **kw})


def _state(w: World) -> tuple[dict[str, int], tuple[int, str]]:
    with w.desk.uow() as uow:
        counts = uow.repo.count_rows()
    return counts, w.desk.audit.head("small")


def _last_event(w: World) -> Any:
    seq = w.desk.audit.head("small")[0]
    return w.desk.audit.events(w.actor(MED), "small", after=seq - 1)[-1]


def _ids(views: list[LinkView]) -> list[int]:
    return [v.link.id for v in views]


# -- writing --------------------------------------------------------------------------


def test_the_mediator_links_an_option_and_the_chain_records_it(world: World) -> None:
    before = world.desk.clock.now()
    made = _link(world, provision="permanent-neutrality", note="  art. 1  ")
    assert before <= made.link.created_at <= world.desk.clock.now()
    assert made.precedent is not None and made.precedent.id == "austria-1955"
    assert made.provision is not None and made.provision.id == "permanent-neutrality"
    assert (made.note, made.created_by, made.missing) == ("art. 1", MED, "")
    last = _last_event(world)
    assert (last.actor, last.action) == (MED, "precedent.link")
    assert last.payload == {
        "link": made.link.id,
        "issue": "alignment",
        "option": "neutral",
        "precedent": "austria-1955",
        "provision": "permanent-neutrality",
        "note": "art. 1",
    }
    assert world.desk.audit.verify_as(world.actor(MED), "small").ok


def test_unlinking_removes_the_link_and_is_audited(world: World) -> None:
    made = _link(world)
    world.desk.precedents.unlink(world.actor(MED), "small", made.link.id, made.link.version)
    assert world.desk.precedents.list_links(world.actor(MED), "small") == []
    last = _last_event(world)
    assert last.action == "precedent.unlink" and last.payload["link"] == made.link.id
    with pytest.raises(NotFound, match=NO_LINK):
        world.desk.precedents.unlink(world.actor(MED), "small", made.link.id)


def test_a_stale_version_is_a_conflict_and_keeps_the_link(world: World) -> None:
    made = _link(world)
    with pytest.raises(Conflict):
        world.desk.precedents.unlink(world.actor(MED), "small", made.link.id, version=7)
    assert _ids(world.desk.precedents.list_links(world.actor(MED), "small")) == [made.link.id]


# what each persona gets: linking (only the mediator's team may), and unlinking a link on a
# tabled option (who sees it is refused, 403; who does not, 404)
Outcome = type[Exception] | None
EXPECT: dict[str, tuple[Outcome, Outcome]] = {
    MED: (None, None),
    UA: (Forbidden, Forbidden),
    RU: (Forbidden, Forbidden),
    FAC: (Forbidden, NotFound),
    OBS: (Forbidden, NotFound),
    AN: (Forbidden, NotFound),
    DESK: (Forbidden, NotFound),
    "outsider": (NotFound, NotFound),
    "anonymous": (Unauthenticated, Unauthenticated),
}
EXPECT_LINK = {persona: link for persona, (link, _) in EXPECT.items()}
EXPECT_UNLINK = {persona: unlink for persona, (_, unlink) in EXPECT.items()}


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_the_mediators_team_links(world: World, persona: str) -> None:
    expected = EXPECT_LINK[persona]
    before = _state(world)
    if expected is None:
        assert _link(world, persona).created_by == persona
        return
    with pytest.raises(expected) as err:
        _link(world, persona)
    if expected is Forbidden:
        assert isinstance(err.value, Forbidden) and err.value.action == "precedent.link"
    assert _state(world) == before


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_the_mediators_team_unlinks(world: World, persona: str) -> None:
    made = _link(world)
    untabled = _link(world, issue="donbas", option="autonomy", precedent="south-tyrol-1946")
    world.desk.shuttle.table_proposal(world.actor(MED), "small", "N", {"alignment": "neutral"})
    before = _state(world)
    expected = EXPECT_UNLINK[persona]
    actor = world.actor(persona)
    if expected is None:
        world.desk.precedents.unlink(actor, "small", made.link.id)
        return
    with pytest.raises(expected):
        world.desk.precedents.unlink(actor, "small", made.link.id)
    if persona in (UA, RU):  # the untabled link is as missing to them as a made-up id
        with pytest.raises(NotFound, match=NO_LINK):
            world.desk.precedents.unlink(actor, "small", untabled.link.id)
    assert _state(world) == before


def test_bad_links_are_refused_naming_each_field(world: World) -> None:
    with pytest.raises(InputError) as err:
        _link(world, issue="nope", precedent="no-such", note="x" * 4001)
    assert [p.where for p in err.value.problems] == ["issue", "precedent", "note"]
    with pytest.raises(InputError) as err:
        _link(world, option="nope", provision="no-such-provision")
    assert [p.where for p in err.value.problems] == ["option", "provision"]
    assert "permanent-neutrality" in err.value.problems[1].message


@pytest.mark.parametrize("provision", [None, "permanent-neutrality"])
def test_the_same_link_twice_is_a_conflict(world: World, provision: str | None) -> None:
    _link(world, provision=provision)
    before = _state(world)
    with pytest.raises(Conflict):
        _link(world, provision=provision)
    assert _state(world) == before


def test_the_unique_index_holds_for_links_to_a_whole_precedent(world: World) -> None:
    """The store's own backstop, past the service's check (NULL provisions are equal)."""
    link = PrecedentLink(
        0, "alignment", "neutral", "austria-1955", None, "", MED, world.desk.clock.now()
    )
    with pytest.raises(Conflict), world.desk.uow(write=True) as uow:
        row = uow.repo.get_member_scope("small", world.actors[MED].id)[0]
        assert row is not None
        case_id = row.id
        uow.precedents.add_link(case_id, link)
        uow.precedents.add_link(case_id, link)


# -- reading: the sharing rule --------------------------------------------------------


def _three_links(w: World) -> tuple[LinkView, LinkView, LinkView]:
    """neutral: tabled to UA only; nato: tabled to RU only; donbas/autonomy: untabled."""
    med = w.actor(MED)
    neutral = _link(w, note="our private reading")
    nato = _link(w, option="nato", precedent="finland-ussr-1948")
    autonomy = _link(w, issue="donbas", option="autonomy", precedent="south-tyrol-1946")
    w.desk.shuttle.table_proposal(med, "small", "To UA", {"alignment": "neutral"}, ("UA",))
    w.desk.shuttle.table_proposal(med, "small", "To RU", {"alignment": "nato"}, ("RU",))
    return neutral, nato, autonomy


def test_the_mediators_team_sees_every_link_with_its_note(world: World) -> None:
    neutral, nato, autonomy = _three_links(world)
    seen = world.desk.precedents.list_links(world.actor(MED), "small")
    assert _ids(seen) == [neutral.link.id, nato.link.id, autonomy.link.id]
    assert seen[0].note == "our private reading" and seen[0].created_by == MED


def test_a_delegate_sees_links_only_on_packages_tabled_to_its_party(world: World) -> None:
    neutral, nato, autonomy = _three_links(world)
    p = world.desk.precedents
    ua, ru = world.actor(UA), world.actor(RU)
    assert _ids(p.list_links(ua, "small")) == [neutral.link.id]
    assert _ids(p.list_links(ru, "small")) == [nato.link.id]
    mine = p.get_link(ua, "small", neutral.link.id)
    assert mine.precedent is not None and mine.precedent.id == "austria-1955"
    assert (mine.note, mine.created_by) == (None, None)  # the team's own
    for hidden in (nato.link.id, autonomy.link.id, 999_999):
        with pytest.raises(NotFound, match=NO_LINK):
            p.get_link(ua, "small", hidden)
    every = p.links_for(ua, "small", ALL_OPTIONS)
    assert set(every) == set(ALL_OPTIONS)
    assert {k: _ids(list(v)) for k, v in every.items() if v} == {
        ("alignment", "neutral"): [neutral.link.id]
    }
    assert p.list_links(ua, "small", issue="donbas") == []


def test_a_link_shows_once_its_option_is_tabled_and_stays_on_withdrawal(world: World) -> None:
    _, _, autonomy = _three_links(world)
    med, ua = world.actor(MED), world.actor(UA)
    assert autonomy.link.id not in _ids(world.desk.precedents.list_links(ua, "small"))
    tabled = world.desk.shuttle.table_proposal(
        med, "small", "Autonomy", {"alignment": "bloc_free", "donbas": "autonomy"}
    )
    assert autonomy.link.id in _ids(world.desk.precedents.list_links(ua, "small"))
    world.desk.shuttle.withdraw_proposal(med, "small", tabled.proposal.id)
    # a withdrawn proposal is still one the party reads, with its package
    assert autonomy.link.id in _ids(world.desk.precedents.list_links(ua, "small"))


def test_a_tabled_proposal_carries_the_links_on_its_options(world: World) -> None:
    neutral, _, autonomy = _three_links(world)
    med, ua = world.actor(MED), world.actor(UA)
    both = world.desk.shuttle.table_proposal(
        med, "small", "Both", {"alignment": "neutral", "donbas": "ukraine"}
    )
    views = world.desk.shuttle.list_proposals(ua, "small")
    got = world.desk.precedents.links_for_proposals(ua, "small", views)
    assert {pid: _ids(list(v)) for pid, v in got.items()} == {
        v.proposal.id: [neutral.link.id] for v in views
    }
    assert both.proposal.id in got
    answered = world.desk.shuttle.respond_to_proposal(
        ua, "small", both.proposal.id, Response.ACCEPTED
    )
    again = world.desk.precedents.links_for_proposals(ua, "small", [answered])
    assert _ids(list(again[both.proposal.id])) == [neutral.link.id]
    assert autonomy.link.id not in _ids(list(again[both.proposal.id]))


@pytest.mark.parametrize("persona", [FAC, OBS])
def test_facilitators_and_observers_see_links_only_on_a_shared_proposal(
    world: World, persona: str
) -> None:
    neutral, nato, _ = _three_links(world)
    p = world.desk.precedents
    reader = world.actor(persona)
    assert p.list_links(reader, "small") == []
    to_ru = [v for v in world.desk.shuttle.list_proposals(world.actor(MED), "small")]
    ru_id = next(v.proposal.id for v in to_ru if v.proposal.title == "To RU")
    world.desk.cases.share(world.actor(MED), "small", persona, "proposal", ru_id)
    seen = p.list_links(reader, "small")
    assert _ids(seen) == [nato.link.id] and seen[0].note is None
    with pytest.raises(NotFound):
        p.get_link(reader, "small", neutral.link.id)


@pytest.mark.parametrize("persona", [AN, DESK])
def test_analysts_and_the_crisis_desk_see_no_link(world: World, persona: str) -> None:
    _three_links(world)
    reader = world.actor(persona)
    assert world.desk.precedents.list_links(reader, "small") == []
    assert all(
        v == () for v in world.desk.precedents.links_for(reader, "small", ALL_OPTIONS).values()
    )


def test_outsiders_and_the_anonymous_see_no_case(world: World) -> None:
    _three_links(world)
    with pytest.raises(NotFound):
        world.desk.precedents.list_links(world.actor("outsider"), "small")
    with pytest.raises(Unauthenticated):
        world.desk.precedents.links_for(None, "small", ALL_OPTIONS)


def test_a_delegates_event_stream_shows_nothing_of_links(world: World) -> None:
    ua = world.actor(UA)
    stream = world.desk.events.open(ua, "small", None, "after")
    _link(world, issue="donbas", option="autonomy", precedent="south-tyrol-1946")
    _link(world)
    assert stream.next() == []


# -- the library ----------------------------------------------------------------------


def test_a_link_to_a_precedent_that_left_the_library_says_so(world: World, tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(TEAM_FILE, encoding="utf-8")
    with_team = bootstrap(world.url, migrate_first=False, hasher=FAST_HASHER, precedents=team)
    try:
        med = with_team.accounts.get_actor(MED)
        assert with_team.precedents.get(med, "team-only-1999").name == "A team's own precedent"
        made = with_team.precedents.link(
            med, "small", issue="donbas", option="autonomy", precedent="team-only-1999",
            provision="clause",
        )  # fmt: skip
        assert made.missing == "" and made.provision is not None
    finally:
        with_team.close()
    gone = world.desk.precedents.get_link(world.actor(MED), "small", made.link.id)
    assert (gone.precedent, gone.provision, gone.missing) == (None, None, NO_LONGER_IN_LIBRARY)
    with pytest.raises(NotFound):
        world.desk.precedents.get(world.actor(MED), "team-only-1999")


def test_anyone_signed_in_searches_the_library(world: World) -> None:
    outsider = world.actor("outsider")
    found = world.desk.precedents.search(outsider, kind=ProvisionKind.NEUTRALITY_ALIGNMENT)
    assert "austria-1955" in [p.id for p in found]
    assert all(ProvisionKind.NEUTRALITY_ALIGNMENT in p.kinds for p in found)
    with pytest.raises(Unauthenticated):
        world.desk.precedents.search(None)
    with pytest.raises(NotFound):
        world.desk.precedents.get(outsider, "no-such-precedent")


def test_matches_cover_every_issue_of_the_case(world: World) -> None:
    found = world.desk.precedents.matches(world.actor(UA), "small", limit=3)
    assert [m.issue.id for m in found] == ["alignment", "donbas"]
    assert all(0 < len(m.matches) <= 3 for m in found)
    library = builtin_library()
    for m in found:
        assert m.matches == matches_for_issue(library, small_case().issue(m.issue.id), limit=3)
    assert found[1].matches[0].precedent.id == "minsk-ii-2015"  # Donetsk and Luhansk
    with pytest.raises(InputError):
        world.desk.precedents.matches(world.actor(UA), "small", issue="nope")


def test_a_bad_team_file_stops_the_desk_before_the_database(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(TEAM_FILE.replace("id: team-only-1999", "id: austria-1955"), "utf-8")
    with pytest.raises(InputError) as err:
        bootstrap(str(tmp_path / "never.db"), precedents=team)
    assert str(err.value.problems[0]).startswith(f"{team}:3: ")
    assert "already in the shipped library" in str(err.value)
    assert not (tmp_path / "never.db").exists()
