"""Shared test data for the desk: a small case and the personas who work it.

Imported by the desk's test packages (model, store, services, api) through their
``conftest.py``; the lead owns ``tests/conftest.py``.
"""

from __future__ import annotations

from offramp.casefile import parse_case
from offramp.model import Case

SMALL_CASE_YAML = """\
offramp: 1
id: small
title: A small shuttle case
description: Two parties, one mediator, two issues.
parties:
  - {id: UA, name: Ukraine, role: party}
  - {id: RU, name: Russia, role: party}
  - {id: IL, name: Israel, role: mediator}
  - {id: DE, name: Germany, role: facilitator}
  - {id: US, name: United States, role: stakeholder}
people:
  - {id: zelensky, name: Volodymyr Zelensky, party: UA, title: President}
issues:
  - id: alignment
    title: Alignment
    kind: security
    options:
      - {id: nato, label: NATO membership}
      - {id: bloc_free, label: Bloc-free constitution}
      - {id: neutral, label: Neutral like Austria}
  - id: donbas
    title: Donetsk and Luhansk
    kind: territorial
    options:
      - {id: ukraine, label: Ukrainian}
      - {id: autonomy, label: Autonomy}
      - {id: russia, label: Russian}
sources:
  - {id: wapo, publication: The Washington Post, date: 2022-03-11}
statements:
  - id: ru-neutral
    date: 2022-03-07
    party: RU
    speaker: Dmitry Peskov
    quote: Ukraine must be neutral.
    source: wapo
    stance: demand
    issue: alignment
    option: neutral
  - id: ua-bloc-free
    date: 2022-03-09
    party: UA
    speaker: zelensky
    quote: We could consider a bloc-free status.
    source: wapo
    stance: consider
    issue: alignment
    option: bloc_free
positions:
  - {party: UA, issue: alignment, date: 2022-03-01, ideal: nato, salience: 0.8}
  - {party: RU, issue: alignment, date: 2022-03-01, ideal: neutral, salience: 0.9}
  - {party: UA, issue: donbas, date: 2022-03-01, ideal: ukraine, salience: 0.7}
  - {party: RU, issue: donbas, date: 2022-03-01, ideal: russia, acceptable: [autonomy, russia], salience: 0.6}
reservations:
  - {party: UA, date: 2022-03-01, value: 0.3}
  - {party: RU, date: 2022-03-01, value: 0.3}
tracks:
  - {id: march, title: March 2022 mediation, start: 2022-03-01, parties: [UA, RU]}
"""


def small_case() -> Case:
    """The small two-party case used across the desk tests."""
    return parse_case(SMALL_CASE_YAML, "small.yaml")
