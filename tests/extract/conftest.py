"""A small case with the word lists of the 2022 talks, and one extractor for all tests."""

from __future__ import annotations

from datetime import date

import pytest

from offramp.extract import Extractor, Lexicon, ProposedStatement
from offramp.model import Case, Issue, IssueKind, Option, Party, Person, Role


def _issue(issue_id: str, kind: IssueKind, phrases: tuple[str, ...], *options: Option) -> Issue:
    return Issue(issue_id, issue_id, kind, options or (Option("any", "any"),), phrases=phrases)


@pytest.fixture(scope="session")
def case() -> Case:
    return Case(
        id="talks-2022",
        title="Russia and Ukraine, 2022",
        parties=(
            Party("RU", "Russia", Role.PARTY, ("Russian", "Moscow", "Kremlin")),
            Party("UA", "Ukraine", Role.PARTY, ("Ukrainian", "Kyiv")),
            Party("US", "United States", Role.STAKEHOLDER, ("U.S.", "Biden administration")),
            Party("IL", "Israel", Role.MEDIATOR, ("Israeli",)),
        ),
        people=(
            Person("putin", "Vladimir Putin", "RU"),
            Person("peskov", "Dmitry Peskov", "RU"),
            Person("medinsky", "Vladimir Medinsky", "RU"),
            Person("zelensky", "Volodymyr Zelensky", "UA"),
            Person("podolyak", "Mykhailo Podolyak", "UA"),
            Person("biden", "Joe Biden", "US"),
            Person("bennett", "Naftali Bennett", "IL", until=date(2022, 6, 30)),
        ),
        issues=(
            _issue(
                "alignment",
                IssueKind.SECURITY,
                ("NATO", "bloc", "neutral status"),
                Option("nato", "NATO membership", phrases=("join NATO",)),
                Option("neutral", "neutral", phrases=("neutral status",)),
            ),
            _issue("crimea", IssueKind.TERRITORIAL, ("Crimea", "Crimean Peninsula")),
            _issue("donbas", IssueKind.TERRITORIAL, ("Donbas", "Donetsk", "Luhansk")),
            _issue("armed_forces", IssueKind.SECURITY, ("demilitarization", "disarmament")),
            _issue("government", IssueKind.POLITICAL, ("government", "regime change")),
            _issue("security_guarantees", IssueKind.SECURITY, ("security guarantees",)),
            _issue("missile_placement", IssueKind.SECURITY, ("placement of missiles",)),
        ),
    )


@pytest.fixture(scope="session")
def extractor(case: Case) -> Extractor:
    return Extractor(Lexicon.from_case(case))


@pytest.fixture(scope="session")
def propose(extractor: Extractor):  # type: ignore[no-untyped-def]
    """``propose(text, day=2022-03-11)`` -> [(party, issue, stance), ...]; ``.full`` too."""

    def run(text: str, day: date = date(2022, 3, 11)) -> list[tuple[str, str | None, str]]:
        return [(p.party, p.issue, str(p.stance)) for p in extractor.extract(text, day)]

    def full(text: str, day: date = date(2022, 3, 11)) -> list[ProposedStatement]:
        return extractor.extract(text, day)

    run.full = full  # type: ignore[attr-defined]
    return run
