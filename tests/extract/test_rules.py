"""Each extraction rule on sentences from the seed columns (and paraphrases of them)."""

from __future__ import annotations

import json
from datetime import date

# -- stance cues, modality, and the seeds' key sentences -------------------------------


def test_would_consider_keeps_consider_and_speaker_from_reporting_verb(propose):
    text = (
        "Zelensky said he would also consider “compromise” on Donetsk and Luhansk, the two "
        "Russian-controlled territories that Putin recognized as independent just before he "
        "invaded Ukraine on Feb. 24."
    )
    [p] = propose.full(text)
    assert (p.party, p.issue, str(p.stance), p.speaker) == ("UA", "donbas", "consider", "zelensky")
    assert p.quote == "compromise" and p.quoted
    assert p.date == date(2022, 3, 11)  # "Feb. 24" dates the invasion, not the statement


def test_proposing_that_the_other_side_act_is_a_demand(propose):
    text = (
        "On Russia’s initial insistence that NATO permanently exclude Ukraine, Peskov proposed "
        "that Ukraine amend its constitution to “reject any aims to enter any bloc.”"
    )
    found = propose.full(text)
    assert {(p.party, p.issue, str(p.stance)) for p in found} == {("RU", "alignment", "demand")}
    assert "reject" not in {str(p.stance) for p in found}  # the cue inside the demand


def test_proposal_for_oneself_stays_an_offer(propose):
    assert propose("Podolyak said Ukraine proposed a neutral status.") == [
        ("UA", "alignment", "offer")
    ]


def test_backing_away_from_a_demand_states_no_demand(propose):
    text = (
        "According to a knowledgeable official, Putin has backed away from his initial demand "
        "for “demilitarization and denazification” of Ukraine."
    )
    assert propose(text) == []


def test_no_longer_demanding_states_nothing(propose):
    assert propose("Putin, in effect, is no longer demanding regime change in Kyiv.") == []


def test_might_accept_is_read_as_consider(propose):
    text = (
        "Rather than neutering Ukraine through total disarmament, Putin might accept a neutral "
        "status like that of Austria."
    )
    # "rather than ... disarmament" is the alternative set aside, not the content
    assert propose(text) == [("RU", "alignment", "consider")]


def test_would_accept_stays_accept(propose):
    assert propose("Zelensky said Ukraine would accept a neutral status.") == [
        ("UA", "alignment", "accept")
    ]


# -- negation ----------------------------------------------------------------------------


def test_refused_to_discuss_is_a_rejection(propose):
    assert propose("Zelensky refused to discuss demilitarization.") == [
        ("UA", "armed_forces", "reject")
    ]


def test_not_prepared_to_accept_is_a_rejection(propose):
    assert propose("Medinsky said Russia was not prepared to accept NATO membership.") == [
        ("RU", "alignment", "reject")
    ]


def test_did_not_rule_out_is_consider(propose):
    assert propose("Peskov said Russia did not rule out talks on security guarantees.") == [
        ("RU", "security_guarantees", "consider")
    ]


# -- conditions ----------------------------------------------------------------------------


def test_only_after_is_recorded_and_its_content_demanded(propose):
    text = "Zelensky said Ukraine would discuss Crimea only after Russia withdrew from the Donbas."
    found = propose.full(text)
    got = {(p.party, p.issue, str(p.stance)) for p in found}
    assert got == {("UA", "crimea", "consider"), ("UA", "donbas", "demand")}
    consider = next(p for p in found if p.issue == "crimea")
    assert consider.condition.startswith("only after")
    assert "Donbas" not in consider.quote  # the condition is not the content


def test_strong_condition_without_cue_is_the_speakers_demand(propose):
    text = "Putin said a settlement was possible only if Kyiv accepted the demilitarization of its army."
    found = propose.full(text)
    assert [(p.party, p.issue, str(p.stance), p.speaker) for p in found] == [
        ("RU", "armed_forces", "demand", "putin")
    ]
    assert "condition" in found[0].rule


# -- who: party versus speaker, pronouns, unknown agents -----------------------------------


def test_negotiator_reporting_the_other_sides_proposal_states_its_position(propose):
    [p] = propose.full(
        "Medinsky said Ukraine had proposed in writing a neutral status for the country."
    )
    assert (p.party, p.speaker, p.issue, str(p.stance)) == ("UA", "medinsky", "alignment", "offer")
    assert "reported" in p.rule


def test_we_in_a_bare_quote_is_the_last_speaker(propose):
    text = (
        "“The people who elected me are not ready to surrender. We are not ready for "
        "ultimatums,” Zelensky said. “But we can discuss with Russia the future of Crimea "
        "and Donbas.”"
    )
    found = propose.full(text)
    assert {(p.party, p.issue, str(p.stance), p.speaker) for p in found} == {
        ("UA", "crimea", "consider", "zelensky"),
        ("UA", "donbas", "consider", "zelensky"),
    }


def test_he_is_the_person_named_before(propose):
    text = (
        "Kremlin spokesman Dmitry Peskov spoke on Monday. He also demanded that Ukraine "
        "“recognize that Crimea is Russian territory [and that Donetsk and Luhansk] are "
        "independent states."
    )
    found = propose.full(text)
    assert {(p.party, p.issue, str(p.stance)) for p in found} == {
        ("RU", "crimea", "demand"),
        ("RU", "donbas", "demand"),  # the bracket does not end the sentence
    }
    assert {p.speaker for p in found} == {"peskov"}


def test_agent_outside_the_case_states_nothing_even_if_reported(propose):
    assert propose("Zelensky said NATO analysts demanded a neutral status.") == []


def test_authors_advice_is_no_position(propose):
    text = (
        "Biden should reiterate offers to limit placement of missiles, share information about "
        "military exercises and avoid escalation."
    )
    assert propose(text) == []


def test_rejecting_allegations_is_an_issueless_denial(propose):
    text = (
        "What did the Biden administration do? Sensibly, while rejecting the allegations, it "
        "moved quickly last weekend to encourage an investigation."
    )
    found = propose.full(text, date(2022, 10, 28))
    assert [(p.party, p.issue, str(p.stance)) for p in found] == [("US", None, "deny")]
    assert found[0].date == date(2022, 10, 22)  # "last weekend", attached to "moved"


def test_a_person_out_of_office_is_not_recognised(propose):
    assert propose("Bennett offered a neutral status.", date(2022, 3, 11)) == [
        ("IL", "alignment", "offer")
    ]
    assert propose("Bennett offered a neutral status.", date(2022, 9, 1)) == []


# -- nothing without a cue, nothing without an issue -----------------------------------------


def test_sentences_without_a_cue_propose_nothing(propose):
    text = (
        "In 2014, Russia invaded and annexed the Crimean Peninsula, and Russian-backed rebels "
        "seized government buildings in Donetsk and Luhansk. Zelensky has also eased his "
        "positions. Bennett then called Putin."
    )
    assert propose(text) == []


def test_a_position_cue_without_an_issue_proposes_nothing(propose):
    assert propose("Russia wanted a version of dialogue with the West.") == []


# -- records ---------------------------------------------------------------------------------


def test_date_of_the_statement_comes_from_the_cue_or_its_reporting_verb(propose):
    [p] = propose.full("Peskov said Monday that Russia demanded a neutral status.")
    assert p.date == date(2022, 3, 7) and "Monday" in p.date_basis


def test_proposal_round_trips_to_json_and_to_a_statement(propose):
    [p] = propose.full("Zelensky said Ukraine would accept a neutral status.")
    data = json.loads(json.dumps(p.to_dict()))
    assert data["stance"] == "accept" and data["date"] == "2022-03-11"
    assert data["option"] == "neutral" and data["sentence"].startswith("Zelensky")
    statement = p.to_statement("ua-neutral", "wapo")
    assert (statement.party, statement.issue, statement.option) == ("UA", "alignment", "neutral")
    assert statement.speaker == "zelensky" and statement.source == "wapo"


def test_coordinated_clauses_keep_their_own_stances(propose):
    text = (
        "The United States rejected Moscow's demand to bar Ukraine from NATO but offered "
        "talks on the placement of missiles."
    )
    assert set(propose(text, date(2022, 1, 26))) == {
        ("US", "alignment", "reject"),
        ("US", "missile_placement", "offer"),
        ("RU", "alignment", "demand"),  # "Moscow's demand" is Moscow's, inside the rejection
    }


# -- constructions added in the second session ------------------------------------------


def test_a_possessed_noun_cue_inside_another_cue_states_its_owners_position(propose):
    found = propose.full("Russia rejected Ukraine's proposal for a neutral status.")
    assert {(p.party, p.issue, str(p.stance)) for p in found} == {
        ("RU", "alignment", "reject"),
        ("UA", "alignment", "offer"),
    }
    assert {p.speaker for p in found} == {"Russia", "Ukraine"}


def test_a_possessed_allegation_does_not_borrow_the_verbs_conjoined_subjects(propose):
    text = "The United States and Israel rejected Russia's allegations about a dirty bomb."
    assert set(propose(text)) == {
        ("US", None, "deny"),
        ("IL", None, "deny"),
        ("RU", None, "allege"),
    }


def test_giving_up_an_option_is_an_offer_and_refusing_to_is_a_rejection(propose):
    assert propose("Zelensky said Ukraine could drop its bid to join NATO.") == [
        ("UA", "alignment", "offer")
    ]
    assert propose("Podolyak said Ukraine would never cede the Donbas.") == [
        ("UA", "donbas", "reject")
    ]
    # dropping a *demand* withdraws it: no concession, no demand
    assert propose("Medinsky said Russia had dropped its demand for regime change.") == []


def test_what_a_speaker_says_another_party_must_accept_is_the_speakers_demand(propose):
    [p] = propose.full("Peskov said Ukraine must accept a neutral status.")
    assert (p.party, p.issue, str(p.stance), p.speaker) == ("RU", "alignment", "demand", "peskov")
    assert "obligation=demand" in p.rule
    # the same words in the author's own voice are advice, not a position
    assert propose("Ukraine must accept a neutral status.") == []


def test_a_passive_that_must_happen_is_the_speakers_demand(propose):
    text = "Zelensky said any deal would have to be backed by security guarantees."
    assert propose(text) == [("UA", "security_guarantees", "demand")]


def test_an_unchanged_position_maintains_the_demand(propose):
    assert propose("Peskov said Moscow's position on Crimea was unchanged.") == [
        ("RU", "crimea", "demand")
    ]
    assert propose("Russia's position on the Donbas has not changed, Medinsky said.") == [
        ("RU", "donbas", "demand")
    ]
    assert propose("Russia's position on the Donbas has changed, Medinsky said.") == []


def test_an_evaluation_takes_its_subject_as_content(propose):
    for text in (
        "The Kremlin said a neutral status for Ukraine was out of the question.",
        "The Kremlin said Ukraine's neutral status was non-negotiable.",
    ):
        assert propose(text) == [("RU", "alignment", "reject")], text


def test_an_exchange_list_runs_on_past_the_parsers_attachment(propose):
    text = (
        "Zelensky said Ukraine could drop its bid to join NATO in exchange for a ceasefire, "
        "the withdrawal of Russian troops and security guarantees."
    )
    assert set(propose(text)) == {
        ("UA", "alignment", "offer"),
        ("UA", "security_guarantees", "demand"),
    }


def test_support_and_recognition_are_acceptance(propose):
    assert propose("The United States supports Ukraine's bid to join NATO, Biden said.") == [
        ("US", "alignment", "accept")
    ]
    assert propose("Ukraine would never recognise Crimea as Russian, Podolyak said.") == [
        ("UA", "crimea", "reject")
    ]


def test_conjoined_subjects_each_state_the_position(propose):
    text = "The United States and Israel rejected any regime change in Kyiv."
    assert set(propose(text)) == {("US", "government", "reject"), ("IL", "government", "reject")}


def test_reported_obligation_is_the_speakers_demand(propose):
    text = "Putin said Ukraine should recognise Crimea as Russian."
    found = propose.full(text)
    assert [(p.party, p.issue, str(p.stance)) for p in found] == [("RU", "crimea", "demand")]
    assert "obligation" in found[0].rule


def test_ready_to_is_an_offer_unless_a_more_specific_cue_follows(propose):
    assert propose("Zelensky said Ukraine was ready to adopt a neutral status.") == [
        ("UA", "alignment", "offer")
    ]
    # "ready to discuss" is an offer too (the codebook's reading), "ready to reject" is not
    assert propose("Zelensky said Ukraine was ready to discuss a neutral status.") == [
        ("UA", "alignment", "offer")
    ]
    assert propose("Zelensky said Ukraine was ready to reject a neutral status.") == [
        ("UA", "alignment", "reject")
    ]


def test_a_condition_on_another_partys_action_is_demanded_by_whoever_sets_it(propose):
    text = (
        "Russia will halt its operation if Ukraine amends its constitution to enshrine a "
        "neutral status, acknowledges Crimea as Russian and recognises Donetsk and Luhansk, "
        "Peskov told Reuters."
    )
    found = propose.full(text)
    assert {(p.party, p.issue, str(p.stance)) for p in found} == {
        ("RU", "alignment", "demand"),
        ("RU", "crimea", "demand"),
        ("RU", "donbas", "demand"),  # the list runs on past the parser's attachment
    }
    assert {p.speaker for p in found} == {"peskov"}
    # a condition on one's own side is no demand on anyone
    assert propose("Ukraine will accept a neutral status if Ukraine holds a referendum.") == [
        ("UA", "alignment", "accept")
    ]


def test_not_afraid_to_talk_is_not_a_negation_and_reluctant_is(propose):
    assert propose("Zelensky said Ukraine was not afraid to talk about a neutral status.") == [
        ("UA", "alignment", "consider")
    ]
    assert propose("Zelensky said Ukraine was reluctant to discuss a neutral status.") == [
        ("UA", "alignment", "reject")
    ]


def test_any_compromise_is_hypothetical(propose):
    text = "Zelensky said any compromise on Crimea would have to be put to a referendum."
    assert propose(text) == []


def test_a_participle_of_saying_carries_its_own_content(propose):
    text = "Podolyak dismissed a neutral status, saying Ukraine needed binding security guarantees."
    assert propose(text) == [("UA", "alignment", "reject")]


def test_they_in_a_reported_clause_is_the_reporting_subject(propose):
    text = (
        "The foreign ministers of the United States said that they rejected Russia's "
        "allegations about a dirty bomb."
    )
    assert set(propose(text)) == {("US", None, "deny"), ("RU", None, "allege")}


def test_no_intention_and_no_need_are_assurances_and_blame_is_an_allegation(propose):
    assert propose("Putin said Russia saw no need to use nuclear weapons.") == [
        ("RU", None, "assure")
    ]
    assert propose("Peskov said Russia had no intention of toppling the government.") == [
        ("RU", "government", "assure")
    ]
    assert set(propose("Moscow and Kyiv traded blame for the shelling of the plant.")) == {
        ("RU", None, "allege"),
        ("UA", None, "allege"),
    }


def test_having_something_is_not_having_to(propose):
    # "had no veto" once read as "had to": an obligation, hence a demand by the speaker
    assert propose("Biden said Russia had no veto over a neutral status.") == []
    assert propose("Biden said Russia had to accept a neutral status.") == [
        ("US", "alignment", "demand")
    ]


def test_a_stated_aim_or_condition_is_the_speakers_demand(propose):
    text = (
        "Putin said the aim of the operation was the demilitarization of Ukraine and regime "
        "change in Kyiv."
    )
    assert set(propose(text)) == {("RU", "armed_forces", "demand"), ("RU", "government", "demand")}
    text = (
        "Peskov said Moscow's conditions were that Ukraine write a neutral status into its "
        "constitution, acknowledge that Crimea is Russian and recognise Donetsk and Luhansk."
    )
    # the cues inside the conditions are their content, not Russian acceptance
    assert set(propose(text)) == {
        ("RU", "alignment", "demand"),
        ("RU", "crimea", "demand"),
        ("RU", "donbas", "demand"),
    }


def test_ready_to_discuss_is_an_offer_as_the_codebook_reads_it(propose):
    [p] = propose.full("Peskov said Moscow was ready to discuss a neutral status.")
    assert (p.party, p.issue, str(p.stance)) == ("RU", "alignment", "offer")
    assert "ready-to-discuss=offer" in p.rule
    assert propose("Peskov said Moscow was not ready to discuss a neutral status.") == [
        ("RU", "alignment", "reject")
    ]


def test_only_on_the_verb_makes_if_a_strong_condition(propose):
    text = (
        "Putin told Macron that a settlement could only be reached if Russia's interests were "
        "met, among them recognition of Crimea as Russian and a neutral status, according to "
        "the Kremlin."
    )
    found = propose.full(text)
    assert {(p.party, p.issue, str(p.stance)) for p in found} == {
        ("RU", "crimea", "demand"),
        ("RU", "alignment", "demand"),
    }
    assert all(p.condition.startswith("only if") for p in found)


def test_a_coordinated_reporting_verb_takes_the_first_verbs_subject(propose):
    text = (
        "Putin urged Kyiv to return to talks, but said the status of Donetsk and Luhansk "
        "would not be up for discussion."
    )
    assert ("RU", "donbas", "reject") in set(propose(text))


def test_an_actor_open_to_something_is_not_judging_it(propose):
    text = "Zelensky said he was open to a compromise on the Donbas."
    [p] = propose.full(text)
    assert (p.party, p.issue, str(p.stance), p.speaker) == ("UA", "donbas", "consider", "zelensky")
    assert "evaluation" not in p.rule


def test_coordinated_verbs_share_the_first_ones_obligation(propose):
    text = (
        "Putin said Kyiv should recognise Crimea as Russian and abandon its ambition to join NATO."
    )
    assert set(propose(text)) == {("RU", "crimea", "demand"), ("RU", "alignment", "demand")}
    # a conjunct with a subject of its own is its own clause
    text = "Putin said Kyiv should recognise Crimea, but Ukraine could drop its bid to join NATO."
    assert ("UA", "alignment", "offer") in set(propose(text))
