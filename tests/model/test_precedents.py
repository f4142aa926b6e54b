"""Searching precedents and matching them to a case's issues, on generated libraries."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offramp.files.case import load_case
from offramp.files.precedents import builtin_library
from offramp.model.issues import Issue, IssueKind, Option
from offramp.model.precedent_search import issue_kinds, matches_for_issue, search, stem, stems
from offramp.model.precedents import (
    HeldUp,
    Library,
    Outcome,
    Party,
    Precedent,
    Provision,
    ProvisionKind,
    Source,
)

WORDS = ("neutral", "missiles", "border", "autonomy", "guarantee", "hotline", "river", "grain")
PARTIES = (
    Party("AT", "Austria"),
    Party("SU", "Soviet Union", ("RU",)),
    Party("US", "United States"),
    Party("UA", "Ukraine"),
    Party("MD", "Moldova"),
)

texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
provisions = st.builds(
    Provision,
    id=st.sampled_from(("a", "b", "c")),
    kinds=st.lists(st.sampled_from(list(ProvisionKind)), min_size=1, max_size=3, unique=True).map(
        tuple
    ),
    text=texts,
)
dates = st.dates(min_value=dt.date(1945, 1, 1), max_value=dt.date(2025, 12, 31))


@st.composite
def precedent(draw: st.DrawFn, number: int) -> Precedent:
    return Precedent(
        id=f"p{number}",
        name=draw(texts),
        date=draw(dates),
        parties=tuple(
            draw(st.lists(st.sampled_from(PARTIES), min_size=1, max_size=3, unique=True))
        ),
        provisions=tuple(
            draw(st.lists(provisions, min_size=1, max_size=3, unique_by=lambda x: x.id))
        ),
        held_up=HeldUp(draw(st.sampled_from(list(Outcome))), draw(texts)),
        sources=(Source("s", "A source", "A publisher", reference="p. 1"),),
    )


@st.composite
def libraries(draw: st.DrawFn) -> Library:
    n = draw(st.integers(0, 12))
    return Library(tuple(draw(precedent(k)) for k in range(n)))


kinds = st.none() | st.sampled_from(list(ProvisionKind))
party_queries = st.none() | st.sampled_from(
    ("AT", "ru", "su", "Soviet", "united", "nited", "UA", "XX")
)
bounds = st.none() | dates
keywords = st.none() | st.sampled_from(WORDS) | st.sampled_from(("MISSILES border", "absent"))


@given(libraries(), kinds, party_queries, bounds, bounds, keywords)
@settings(max_examples=200, deadline=None)
def test_search_returns_exactly_what_its_filters_say(
    lib: Library,
    kind: ProvisionKind | None,
    party: str | None,
    since: dt.date | None,
    until: dt.date | None,
    keyword: str | None,
) -> None:
    found = search(lib, kind=kind, party=party, since=since, until=until, keyword=keyword)
    ids = {p.id for p in found}
    for p in lib:
        by_kind = kind is None or any(kind in prov.kinds for prov in p.provisions)
        by_party = party is None or any(
            party.casefold() in (x.id.casefold(), *(c.casefold() for c in x.continued_by))
            or any(w.startswith(party.casefold()) for w in x.name.casefold().split())
            for x in p.parties
        )
        by_date = (since is None or p.date >= since) and (until is None or p.date <= until)
        by_word = keyword is None or all(
            w.casefold() in p.text().casefold() for w in keyword.split()
        )
        assert (p.id in ids) == (by_kind and by_party and by_date and by_word), p
    assert [p.date for p in found] == sorted(p.date for p in found)


@given(libraries(), kinds, party_queries, bounds, keywords)
@settings(max_examples=200, deadline=None)
def test_filters_combine_as_a_conjunction(
    lib: Library,
    kind: ProvisionKind | None,
    party: str | None,
    since: dt.date | None,
    keyword: str | None,
) -> None:
    both = set(search(lib, kind=kind, party=party, since=since, keyword=keyword))
    each = [
        set(search(lib, kind=kind)),
        set(search(lib, party=party)),
        set(search(lib, since=since)),
        set(search(lib, keyword=keyword)),
    ]
    assert both == set.intersection(*each)
    assert set(search(lib)) == set(lib)


@given(libraries())
@settings(max_examples=100, deadline=None)
def test_a_party_is_found_by_id_any_case_and_by_its_successor(lib: Library) -> None:
    soviet = {p.id for p in lib if any(x.id == "SU" for x in p.parties)}
    assert {p.id for p in search(lib, party="su")} == soviet
    assert {p.id for p in search(lib, party="RU")} == soviet
    assert {p.id for p in search(lib, party="Soviet Union")} == soviet


@given(libraries(), dates, dates)
@settings(max_examples=100, deadline=None)
def test_a_period_is_inclusive_and_an_empty_one_finds_nothing(
    lib: Library, a: dt.date, b: dt.date
) -> None:
    lo, hi = min(a, b), max(a, b)
    assert all(lo <= p.date <= hi for p in search(lib, since=lo, until=hi))
    for p in lib:
        assert p in search(lib, since=p.date, until=p.date)
    if lo < hi:
        assert search(lib, since=hi, until=lo) == ()


# -- matching an issue --------------------------------------------------------------------

issues = st.builds(
    Issue,
    id=st.sampled_from(("alignment", "missiles", "river")),
    title=texts,
    kind=st.sampled_from(list(IssueKind)),
    options=st.lists(texts, min_size=1, max_size=3).map(
        lambda labels: tuple(Option(f"o{k}", label) for k, label in enumerate(labels))
    ),
)


@given(libraries(), issues)
@settings(max_examples=200, deadline=None)
def test_an_issue_is_matched_to_every_provision_of_its_kinds_best_first(
    lib: Library, issue: Issue
) -> None:
    wanted = issue_kinds(issue)
    found = matches_for_issue(lib, issue)
    expected = {
        (p.id, k) for p in lib for k, prov in enumerate(p.provisions) if wanted & set(prov.kinds)
    }
    got = [(m.precedent.id, m.precedent.provisions.index(m.provision)) for m in found]
    assert sorted(got) == sorted(expected)
    for m in found:
        assert m.kinds and m.kinds <= wanted and m.kinds <= set(m.provision.kinds)
        ids = [o.option for o in m.options]
        assert ids == [o.id for o in issue.options if o.id in ids]
    scores = [m.score for m in found]
    assert scores == sorted(scores, reverse=True)
    assert matches_for_issue(lib, issue, limit=2) == found[:2]


def test_an_issue_with_no_kind_words_gets_no_matches() -> None:
    issue = Issue("government", "The government", IssueKind.POLITICAL, (Option("stays", "Stays"),))
    assert issue_kinds(issue) == frozenset()
    assert matches_for_issue(builtin_library(), issue) == ()


def test_stems_meet_across_word_forms() -> None:
    for a, b in [
        ("neutrality", "neutral"),
        ("missiles", "missile"),
        ("placement", "placed"),
        ("guarantees", "guarantee"),
        ("territorial", "territory"),
        ("demilitarized", "demilitarisation"),
        ("Austria", "Austrian"),
    ]:
        assert stem(a) == stem(b), (a, b)
    assert stems("the state of the issue") == frozenset()


# -- the example case, against the shipped library ------------------------------------


@pytest.fixture(scope="module")
def ukraine() -> dict[str, Issue]:
    case = load_case("examples/ukraine-2022.yaml")
    return {i.id: i for i in case.issues}


def _top(issue: Issue, n: int) -> list[str]:
    return [m.precedent.id for m in matches_for_issue(builtin_library(), issue, limit=n)]


def test_austrian_neutrality_comes_first_for_alignment(ukraine: dict[str, Issue]) -> None:
    first = matches_for_issue(builtin_library(), ukraine["alignment"], limit=1)[0]
    assert first.precedent.id == "austria-1955"
    assert first.provision.id == "permanent-neutrality"
    neutral = next(o for o in first.options if o.option == "neutral_austria")
    assert {"neutr", "austr"} <= neutral.words


def test_the_cuban_exchange_comes_first_for_missile_placement(
    ukraine: dict[str, Issue],
) -> None:
    assert _top(ukraine["missile_placement"], 2) == ["cuba-1962", "cuba-1962"]


def test_guarantees_and_exercises_find_budapest_and_helsinki(ukraine: dict[str, Issue]) -> None:
    assert _top(ukraine["security_guarantees"], 1) == ["budapest-memorandum-1994"]
    assert {"helsinki-final-act-1975", "vienna-document-2011"} <= set(
        _top(ukraine["exercise_information"], 3)
    )


def test_a_library_refuses_duplicate_ids_and_a_precedent_needs_a_source() -> None:
    p = builtin_library().get("cuba-1962")
    with pytest.raises(ValueError, match="duplicate precedent ids: cuba-1962"):
        Library((p, p))
    with pytest.raises(ValueError, match="no source"):
        Precedent(p.id, p.name, p.date, p.parties, p.provisions, p.held_up, ())
