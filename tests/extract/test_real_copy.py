"""What real wire copy brings: datelines, romanised names, reporting chains, quotations of
several sentences, and past years recalled as background."""

from __future__ import annotations

from datetime import date

from offramp.extract.datelines import blank_datelines, find_datelines
from offramp.extract.dates import find_years
from offramp.extract.names import spellings

DAY = date(2022, 3, 30)


# -- names -----------------------------------------------------------------------------


def test_a_name_is_also_found_in_its_other_romanisations():
    assert {"Zelenskyy", "Zelenskiy", "Zelenskyi"} <= set(spellings("Zelensky"))
    assert "Zelensky" in spellings("Zelenskyy")
    assert "Podoliak" in spellings("Podolyak")
    assert "Arakhamiya" in spellings("Arakhamia")
    assert "Chaly" in spellings("Chalyi")
    assert "Volodymyr Zelenskyy" in spellings("Volodymyr Zelensky")
    assert spellings("Zelensky")[0] == "Zelensky"  # the name as given comes first


def test_names_without_those_endings_are_left_alone():
    assert spellings("Peskov") == ("Peskov",)
    assert spellings("Biden") == ("Biden",)
    assert spellings("US") == ("US",)


def test_the_wire_spelling_names_the_speaker(propose):
    (p,) = propose.full("Zelenskyy said Ukraine was ready to discuss a neutral status.")
    assert (p.party, p.issue, str(p.stance), p.speaker) == ("UA", "alignment", "offer", "zelensky")


# -- datelines ------------------------------------------------------------------------


def test_datelines_of_agency_and_newspaper_copy_are_found():
    cases = {
        "LVIV — Ukraine is prepared to talk": ("LVIV", None, ""),
        "Lviv: Ukraine could declare neutrality": ("Lviv", None, ""),
        "ISTANBUL. March 29 (Interfax) - The talks were": (
            "ISTANBUL.",
            date(2022, 3, 29),
            "Interfax",
        ),
        "HONG KONG (REUTERS) - Ukraine is seeking talks": ("HONG KONG", None, "REUTERS"),
        "ANKARA, Turkey — A plane carrying the delegation": ("ANKARA", None, ""),
        "(Reuters) - Russia said on Monday": ("", None, "Reuters"),
    }
    for text, (place, day, agency) in cases.items():
        (found,) = find_datelines(text, DAY)
        assert (found.place, found.day, found.agency) == (place, day, agency), text


def test_headlines_labels_and_capitals_are_not_datelines():
    for text in (
        "Why it matters: Kyiv and Washington have both rejected the claims",
        "RUSSIA WILL TAKE ADEQUATE RETALIATORY MEASURES IF WEST CONTINUES - PUTIN",
        "Ukraine - a country of 40 million - said it would talk",
        "Kyiv: yes",
    ):
        assert find_datelines(text, DAY) == [], text


def test_a_blanked_dateline_keeps_every_offset_and_gives_its_date():
    text = "KYIV, March 3 (Reuters) - Russia said on Tuesday that it wanted talks."
    blanked, day = blank_datelines(text, DAY)
    assert len(blanked) == len(text)
    assert blanked.lstrip().startswith("Russia said")
    assert blanked[blanked.index("Russia") :] == text[text.index("Russia") :]
    assert day == date(2022, 3, 3)


def test_a_dateline_no_longer_hides_the_first_sentence(propose):
    text = "LVIV — Ukraine is prepared to discuss a neutral status, President Zelenskyy said."
    (p,) = propose.full(text)
    assert (p.party, p.issue, str(p.stance), p.speaker) == ("UA", "alignment", "offer", "zelensky")
    assert text[p.start :].startswith("Ukraine is prepared")


def test_relative_dates_resolve_against_the_datelines_date(propose):
    (p,) = propose.full("KYIV, March 3 (Reuters) - Russia on Tuesday demanded demilitarization.")
    assert (p.party, p.issue, p.date) == ("RU", "armed_forces", date(2022, 3, 1))


def test_a_persons_name_before_a_colon_is_attribution_not_a_dateline(extractor):
    text = "Peskov: Russia demands the demilitarization of Ukraine."
    assert extractor.prepare(text, DAY) == (text, DAY)


# -- reporting chains and quotations -----------------------------------------------------


def test_the_person_quoted_speaks_not_the_report_that_quotes(propose):
    (p,) = propose.full(
        "Ukraine is ready to discuss a neutral status, the report quoted Zelenskiy as saying."
    )
    assert (p.party, p.speaker) == ("UA", "zelensky")
    (q,) = propose.full(
        "“Ukraine is ready to discuss a neutral status,” Podoliak was quoted as saying by TASS."
    )
    assert (q.party, q.speaker) == ("UA", "podolyak")


def test_a_quotation_of_several_sentences_is_read_with_its_attribution(extractor, propose):
    text = "“Security guarantees and a neutral status. We are ready to go for it,” Zelenskyy said."
    assert len(list(extractor.nlp(text).sents)) == 1
    found = {(p.party, p.issue, p.speaker) for p in propose.full(text)}
    assert ("UA", "alignment", "zelensky") in found


def test_sentences_outside_quotations_still_split(extractor):
    doc = extractor.nlp("Russia demanded talks. “We are ready,” Zelensky said. He left.")
    assert len(list(doc.sents)) == 3


# -- past years ------------------------------------------------------------------------


def test_years_alone_are_found_but_not_since():
    assert [(m.text, m.date) for m in find_years("Ukraine in 2014 voted; in March 2019 too.")] == [
        ("in 2014", date(2014, 1, 1)),
        ("in March 2019", date(2019, 3, 1)),
    ]
    assert find_years("Russia has demanded since 2014 that ...") == []


def test_an_act_of_an_earlier_year_is_history_not_a_position(propose):
    assert propose("Ukraine in 2014 voted to drop its neutral status and seek to join NATO.") == []
    assert propose("In 2019 Ukraine demanded security guarantees.") == []
    # a demand made ever since is a position now
    assert propose("Russia has demanded since 2014 that Ukraine drop its bid to join NATO.") == [
        ("RU", "alignment", "demand")
    ]


# -- the real-news sets ------------------------------------------------------------------


def test_the_real_news_sets_are_valid_and_share_no_article():
    from pathlib import Path

    from offramp.extract.labels import read_labelled
    from offramp.files.case import load_case

    root = Path(__file__).resolve().parents[2]
    case = load_case(root / "examples" / "ukraine-2022.yaml")
    parties, issues = [p.id for p in case.parties], [i.id for i in case.issues]
    real = root / "benchmarks" / "data" / "intake" / "real"
    dev = read_labelled(real / "real-dev-2022.jsonl", parties, issues)
    test = read_labelled(real / "real-test-2022.jsonl", parties, issues)
    dev_articles, test_articles = {i["article"] for i in dev}, {i["article"] for i in test}
    assert len(dev_articles) >= 15 and len(test_articles) >= 15
    assert not dev_articles & test_articles
    readme = (real / "README.md").read_text(encoding="utf-8")
    assert all(f"| {a} |" in readme for a in dev_articles | test_articles)  # each one listed
