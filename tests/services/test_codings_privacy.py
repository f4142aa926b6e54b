"""A party's private coding: nothing of it reaches the mediator or the other party, by any
read, list, count, export, analysis, audit event or error, until the party shares it;
sharing is audited and revocable, and the analysis says whose coding it used."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from offramp.errors import Conflict, Forbidden, InputError, NotFound, OfframpError
from offramp.model.codings import Coder, Coding, IssueCoding
from offramp.services.codings import private_chain
from support.desk import dump_json
from support.rounds import (
    MEDIATOR,
    MEMBERS,
    RU,
    UA,
    ClockedWorld,
    WorldMaker,
    coding,
)

SLUG = "small"
SECRET = Coding(
    "UA",
    (
        IssueCoding("alignment", 0.123, {"nato": 1.0, "bloc_free": 0.987, "neutral": 0.654}),
        IssueCoding("donbas", 0.877, {"ukraine": 1.0, "autonomy": 0.321, "russia": 0.0}),
    ),
    reservation=0.111,
    note="zebra-kumquat: UA's walk-away point",
)


def _try(call: Any) -> str:
    try:
        got = call()
    except OfframpError as exc:
        return f"{type(exc).__name__}: {exc}"
    if hasattr(got, "to_dict"):
        return dump_json(got.to_dict())
    if isinstance(got, list):
        return dump_json([asdict(x) if hasattr(x, "__dataclass_fields__") else x for x in got])
    if hasattr(got, "__dataclass_fields__"):
        return dump_json(asdict(got))
    return dump_json(got)


def observe(w: ClockedWorld, skip: str = UA) -> dict[str, Any]:
    """What every member but ``skip`` can read, list, count, export, or be refused."""
    d, out = w.desk, dict[str, Any]()
    for who in MEMBERS:
        if who == skip:
            continue
        a = w.actor(who)
        assert a is not None
        out[who] = {
            "codings": _try(lambda a=a: d.codings.list_codings(a, SLUG)),
            **{
                f"coding {p}": _try(lambda a=a, p=p: d.codings.get_coding(a, SLUG, p))
                for p in ("UA", "RU", "XX")
            },
            "events UA": _try(lambda a=a: d.codings.events(a, SLUG, "UA")),
            "analysis party": _try(lambda a=a: d.codings.analysis(a, SLUG)),
            "analysis mediator": _try(
                lambda a=a: d.codings.analysis(a, SLUG, coding=Coder.MEDIATOR)
            ),
            "analysis": _try(lambda a=a: d.analysis.report(a, SLUG)),
            "export": _try(lambda a=a: d.cases.export_case(a, SLUG)),
            "cases": _try(lambda a=a: d.cases.list_my_cases(a)),
            "record": _try(lambda a=a: d.cases.public_record(a, SLUG)),
            "positions": _try(lambda a=a: d.cases.list_positions(a, SLUG)),
            "channels": _try(lambda a=a: d.shuttle.list_channels(a, SLUG)),
            "audit": _try(lambda a=a: d.audit.events(a, SLUG)),
            "verify": _try(lambda a=a: d.audit.verify_as(a, SLUG, full=True)),
            "write UA": _try(lambda a=a: d.codings.put(a, SLUG, "UA", coding("UA"), 1)),
            "share UA": _try(lambda a=a: d.codings.share(a, SLUG, "UA")),
            "revoke UA": _try(lambda a=a: d.codings.revoke(a, SLUG, "UA")),
        }
    out["case head"] = d.audit.head(SLUG)
    out["operator export"] = d.cases.export_case_as_operator(SLUG)
    return out


@pytest.fixture
def two(_templates: dict[str, tuple[str, dict[str, str]]], tmp_path: Path) -> Any:
    maker = WorldMaker(_templates, tmp_path)
    try:
        yield maker.make(), maker.make()
    finally:
        maker.close()


def test_an_unshared_coding_leaves_no_trace_outside_its_delegation(
    two: tuple[ClockedWorld, ClockedWorld],
) -> None:
    secret, plain = two
    ua = secret.actor(UA)
    secret.desk.codings.put(ua, SLUG, "UA", SECRET, None)
    secret.clock.advance(timedelta(hours=1))
    secret.desk.codings.put(ua, SLUG, "UA", SECRET, 1)  # a second edit, also unseen
    plain.clock.advance(timedelta(hours=1))
    seen_secret, seen_plain = observe(secret), observe(plain)
    assert seen_secret == seen_plain
    text = dump_json(seen_secret)
    for trace in ("zebra", "0.987", "0.111", "0.123", private_chain(1, "UA")):
        assert trace not in text
    # and the delegation itself does see it, and its own chain of edits
    mine = secret.desk.codings.get_coding(ua, SLUG, "UA")
    assert mine.coding == SECRET and mine.version == 2 and mine.shared_at is None
    events = secret.desk.codings.events(ua, SLUG, "UA")
    assert [(e.action, e.payload) for e in events] == [
        ("coding.write", {"party": "UA", "version": 1}),
        ("coding.write", {"party": "UA", "version": 2}),
    ]
    assert events[0].chain == private_chain(1, "UA")


def test_the_other_delegation_never_sees_a_coding_even_shared(clocked: ClockedWorld) -> None:
    w = clocked
    w.desk.codings.put(w.actor(UA), SLUG, "UA", SECRET, None)
    w.desk.codings.share(w.actor(UA), SLUG, "UA")
    ru = w.actor(RU)
    with pytest.raises(NotFound, match=r"^No such coding\.$"):
        w.desk.codings.get_coding(ru, SLUG, "UA")
    assert w.desk.codings.list_codings(ru, SLUG) == []
    with pytest.raises(Forbidden, match=r"coding.write"):
        w.desk.codings.put(ru, SLUG, "UA", SECRET, 1)


def test_sharing_is_explicit_audited_and_revocable(clocked: ClockedWorld) -> None:
    w, codings, med, ua = clocked, clocked.desk.codings, clocked.actor(MEDIATOR), clocked.actor(UA)
    codings.put(ua, SLUG, "UA", SECRET, None)
    w.clock.advance(timedelta(hours=2))
    shared = codings.share(ua, SLUG, "UA")
    seen = codings.get_coding(med, SLUG, "UA")
    assert seen.coding == SECRET
    # no edit count and no edit time from before the share
    assert (seen.version, seen.updated_by) == (None, None)
    assert seen.changed_at == seen.shared_at == shared.shared_at == w.clock.now()
    assert [v.coding.party for v in codings.list_codings(med, SLUG)] == ["UA"]
    w.clock.advance(timedelta(hours=1))
    codings.put(ua, SLUG, "UA", coding("UA"), 1)  # sharing is not an edit
    assert codings.get_coding(med, SLUG, "UA").changed_at == w.clock.now()
    with pytest.raises(Conflict, match="already shared"):
        codings.share(ua, SLUG, "UA")
    codings.revoke(ua, SLUG, "UA")
    with pytest.raises(NotFound, match=r"^No such coding\.$"):
        codings.get_coding(med, SLUG, "UA")
    assert codings.list_codings(med, SLUG) == []
    case_events = [
        (e.action, e.payload)
        for e in w.desk.audit.events(med, SLUG)
        if e.action.startswith("coding.")
    ]
    assert case_events == [("coding.share", {"party": "UA"}), ("coding.revoke", {"party": "UA"})]
    own = [e.action for e in codings.events(ua, SLUG, "UA")]
    assert own == ["coding.write", "coding.share", "coding.write", "coding.revoke"]
    assert w.desk.audit.verify_as(med, SLUG, full=True).ok


def test_the_analysis_says_whose_coding_it_used(clocked: ClockedWorld) -> None:
    w, codings, med = clocked, clocked.desk.codings, clocked.actor(MEDIATOR)
    mediators = codings.analysis(med, SLUG, coding=Coder.MEDIATOR).to_dict()
    assert mediators["coding"] == {"UA": "mediator", "RU": "mediator"}
    base = w.desk.analysis.report(med, SLUG).to_dict()
    assert {k: v for k, v in mediators.items() if not k.startswith("coding")} == base
    codings.put(w.actor(UA), SLUG, "UA", SECRET, None)
    assert codings.analysis(med, SLUG).to_dict() == mediators  # unshared: not used
    codings.share(w.actor(UA), SLUG, "UA")
    own = codings.analysis(med, SLUG).to_dict()
    assert own["coding"] == {"UA": "party", "RU": "mediator"}
    assert own["reservation"]["UA"] == pytest.approx(0.111)
    assert own["reservation"]["RU"] == mediators["reservation"]["RU"]
    assert codings.analysis(med, SLUG, coding=Coder.MEDIATOR).to_dict() == mediators


def test_a_delegation_analyses_on_its_own_coding_but_never_on_the_others(
    clocked: ClockedWorld,
) -> None:
    w, codings = clocked, clocked.desk.codings
    w.desk.cases.share(w.actor(MEDIATOR), SLUG, UA, "analysis")
    codings.put(w.actor(UA), SLUG, "UA", SECRET, None)
    codings.put(w.actor(RU), SLUG, "RU", coding("RU", reservation=0.05), None)
    codings.share(w.actor(RU), SLUG, "RU")  # shared with the mediator, not with UA
    got = codings.analysis(w.actor(UA), SLUG).to_dict()
    assert got["coding"] == {"UA": "party", "RU": "mediator"}
    assert got["reservation"]["RU"] != pytest.approx(0.05)


def test_a_bad_coding_is_refused_with_its_fields_and_only_to_its_writer(
    clocked: ClockedWorld,
) -> None:
    w = clocked
    bad = Coding("UA", (IssueCoding("alignment", 2.0, {"nato": 1.0}),), 0.2)
    with pytest.raises(InputError) as err:
        w.desk.codings.put(w.actor(UA), SLUG, "UA", bad, None)
    where = {p.where for p in err.value.problems}
    assert where == {
        "issues.alignment.salience",
        "issues.alignment.values.bloc_free",
        "issues.alignment.values.neutral",
        "issues.donbas",
    }
    with pytest.raises(Forbidden, match=r"coding.write"):  # refused before it is read
        w.desk.codings.put(w.actor(MEDIATOR), SLUG, "UA", bad, None)
    with pytest.raises(Conflict, match="no coding yet"):
        w.desk.codings.put(w.actor(UA), SLUG, "UA", SECRET, 3)
