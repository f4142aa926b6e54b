"""Word lists come from the case file; cue defaults apply, and a case's cues add to them."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from offramp.extract import Extractor, Lexicon
from offramp.extract.patterns import DEFAULT_CUES
from offramp.files.case import load_case
from offramp.model import Stance

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ukraine-2022.yaml"


def test_from_case_takes_actors_people_issues_and_options(case):
    lexicon = Lexicon.from_case(case)
    assert {a.id for a in lexicon.actors} == {"RU", "UA", "US", "IL"}
    assert "Kremlin" in lexicon.actor("RU").forms  # type: ignore[union-attr]
    forms = lexicon.person("zelensky").forms  # type: ignore[union-attr]
    assert forms[:2] == ("Volodymyr Zelensky", "Zelensky")
    assert {"Zelenskyy", "Zelenskiy", "Volodymyr Zelenskyy"} <= set(forms)  # romanisations
    alignment = next(i for i in lexicon.issues if i.id == "alignment")
    assert ("neutral", ("neutral status",)) in [(o.id, o.phrases) for o in alignment.options]


def test_defaults_apply_when_the_case_has_no_cues(case):
    lexicon = Lexicon.from_case(case)
    assert lexicon.cues(Stance.DEMAND) == DEFAULT_CUES[Stance.DEMAND]


def test_case_cues_add_to_the_defaults(case):
    with_cues = dataclasses.replace(case, stance_cues={"threaten": ("made clear",)})
    lexicon = Lexicon.from_case(with_cues)
    assert "made clear" in lexicon.cues(Stance.THREATEN)
    assert set(DEFAULT_CUES[Stance.THREATEN]) <= set(lexicon.cues(Stance.THREATEN))
    found = Extractor(lexicon).extract(
        "Peskov made clear that Russia would answer any placement of missiles.", date(2022, 3, 11)
    )
    assert [(p.party, p.issue, str(p.stance)) for p in found] == [
        ("RU", "missile_placement", "threaten")
    ]


def test_example_case_builds_a_lexicon_with_its_surface_cues():
    lexicon = Lexicon.from_case(load_case(EXAMPLE))
    assert "RU" in {a.id for a in lexicon.actors}
    assert "insistence" in lexicon.cues(Stance.DEMAND)  # a cue only the case file gives
    found = Extractor(lexicon).extract(
        "Peskov said the United States doesn’t seek Russia’s destruction.", date(2022, 10, 28)
    )
    # a cue that contains its own negator ("doesn’t seek") is not negated again
    assert [str(p.stance) for p in found] == ["assure"]


def test_a_two_capital_alias_matches_only_as_written(case):
    from dataclasses import replace as swap
    from datetime import date as day

    from offramp.extract import Extractor, Lexicon

    parties = tuple(
        swap(p, aliases=(*p.aliases, "US")) if p.id == "US" else p for p in case.parties
    )
    extractor = Extractor(Lexicon.from_case(swap(case, parties=parties)))
    found = extractor.extract("The US demanded a neutral status.", day(2022, 3, 11))
    assert [(p.party, p.issue, str(p.stance)) for p in found] == [("US", "alignment", "demand")]
    assert extractor.extract("Let us demand a neutral status.", day(2022, 3, 11)) == []
