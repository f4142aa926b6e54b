"""``offramp train-reader --from-desk``: the reader learns from what people confirmed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from offramp.bootstrap import Services, bootstrap
from offramp.errors import Forbidden
from offramp.extract import Reader
from offramp.model.access import Action, DeskRole, Grant, grant
from offramp.services.access import Actor
from offramp.services.accounts import SYSTEM
from offramp.services.intake import Discard
from support.cli import offramp

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "examples" / "armenia-azerbaijan-2022.yaml"
DEV = ROOT / "benchmarks" / "data" / "intake" / "real" / "armenia-azerbaijan-2022"
SLUG = "armenia-azerbaijan-2022"
SENTENCE = "Baku rejected the offer, insisting on an extraterritorial Zangezur corridor."
ROLES = {
    "mediator": None,
    "analyst": None,
    "delegate": "AM",
    "facilitator": None,
    "observer": None,
    "crisis_officer": None,
}


@pytest.fixture(scope="module")
def desk_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Services]]:
    db = str(tmp_path_factory.mktemp("desk") / "desk.db")
    desk = bootstrap(db)
    desk.cases.import_case(SYSTEM, CASE.read_text(encoding="utf-8"), CASE.name)
    for role, party in ROLES.items():
        desk.accounts.add_user(SYSTEM, role.replace("_", "-"), "a long password")
        desk.cases.add_member(SYSTEM, SLUG, role.replace("_", "-"), role, party)
    analyst, mediator = actor(desk, "analyst"), actor(desk, "mediator")
    kept = desk.intake.accept(
        analyst,
        SLUG,
        speaker="aliyev",
        party="AZ",
        issue="transport",
        stance="demand",
        quote=SENTENCE,
        date=date(2022, 11, 8),
        source_id="massis-2022-11-08",
    )
    desk.cases.confirm_statement(mediator, SLUG, kept)
    desk.intake.discard(  # a proposal the analyst discarded: a negative item
        analyst,
        SLUG,
        Discard(
            party="AM",
            issue="transport",
            stance="demand",
            speaker="pashinyan",
            quote="the corridor",
            sentence="Pashinyan spoke to reporters about the corridor.",
            article_date="2022-11-08",
            reason="no position stated",
        ),
    )
    desk.intake.accept(  # recorded, never confirmed: not a training item
        analyst,
        SLUG,
        speaker="pashinyan",
        party="AM",
        issue="transport",
        stance="offer",
        quote="Armenia is ready to open roads at any time.",
        date=date(2022, 12, 15),
        source_id="massis-2022-11-08",
    )
    yield db, desk
    desk.close()


def actor(desk: Services, name: str) -> Actor:
    with desk.uow() as uow:
        row = uow.repo.get_user_by_name(name.replace("_", "-"))
    assert row is not None
    return Actor(row.id, row.name, row.is_admin)


def test_training_is_granted_to_mediator_and_analyst_only() -> None:
    allowed = {r for r in DeskRole if grant(r, Action.READER_TRAIN) is Grant.ALWAYS}
    assert allowed == {DeskRole.MEDIATOR, DeskRole.ANALYST}
    assert all(grant(r, Action.READER_TRAIN) is Grant.NEVER for r in set(DeskRole) - allowed)


@pytest.mark.parametrize("role", ["mediator", "analyst"])
def test_who_may_train_gets_the_confirmed_statements(desk_db, role: str) -> None:
    _, desk = desk_db
    case, items = desk.intake.training_items(actor(desk, role), SLUG)
    assert case.id == SLUG
    desk_items = [i for i in items if i["text"] == SENTENCE]
    assert desk_items == [
        {
            "id": desk_items[0]["id"],
            "article_date": "2022-11-08",
            "text": SENTENCE,
            "labels": [
                {"party": "AZ", "issue": "transport", "stance": "demand", "speaker": "aliyev"}
            ],
        }
    ]
    assert all("ready to open roads" not in i["text"] for i in items)  # unconfirmed
    [negative] = [i for i in items if "judged" in i]
    assert negative["text"] == "Pashinyan spoke to reporters about the corridor."
    assert negative["labels"] == []
    assert negative["judged"] == [{"party": "AM", "issue": "transport"}]


@pytest.mark.parametrize("role", ["delegate", "facilitator", "observer", "crisis_officer"])
def test_other_roles_may_not_train(desk_db, role: str) -> None:
    _, desk = desk_db
    with pytest.raises(Forbidden) as caught:
        desk.intake.training_items(actor(desk, role), SLUG)
    assert "reader.train" in str(caught.value)


def test_cli_trains_from_the_desk_and_prints_before_and_after(desk_db, tmp_path: Path) -> None:
    db, _ = desk_db
    out = tmp_path / "aa.reader.json.gz"
    result = offramp(
        "train-reader",
        str(DEV / "real-dev-2022.jsonl"),
        "--from-desk",
        "--db",
        db,
        "--case",
        SLUG,
        "--user",
        "analyst",
        "--out",
        str(out),
        "--test",
        str(DEV / "real-dev-2022.jsonl"),
    )
    assert result.code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"trained on 1 confirmed statements of {SLUG} and 92 labelled")
    assert lines[1] == "(and, as negatives, the desk's discarded proposals: 1)"
    before, after = lines[2], lines[3]
    assert before.startswith("before (rules alone)") and after.startswith("after")
    recall = {line.split()[0]: float(line.split("R ")[1].split()[0]) for line in (before, after)}
    assert recall["after"] > recall["before"]  # scored on what it learnt from: it must fit
    assert Reader.load(out).trained_on == f"desk:{SLUG}, real-dev-2022.jsonl"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "observer"], "reader.train"),
        (["--user", "nobody"], "error: --user: no user 'nobody' on this desk"),
        ([], "error: --user: name the member who trains the reader"),
    ],
)
def test_cli_errors_are_one_line(desk_db, tmp_path: Path, args: list[str], message: str) -> None:
    db, _ = desk_db
    out = tmp_path / "x.reader.json.gz"
    result = offramp(
        "train-reader", "--from-desk", "--db", db, "--case", SLUG, "--out", str(out), *args
    )
    assert result.code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
