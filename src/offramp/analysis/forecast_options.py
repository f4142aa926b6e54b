"""The readings of the expected-utility model, as named options and two named variants.

Scholz, Calbert and Smith (2011) [SCS2011] print the model's equations, but the code
that reproduces their worked example departs from them in four places (documented in
the docstrings of ``jmckib/bdm-scholz-expected-utility-model``, whose author says they
follow Scholz's own code). Each reading where the literature differs is one field of
:class:`ModelOptions`; :data:`PRINTED` and :data:`SCHOLZ_CODE` fix all of them.

================  ==============  ==================  =================================
option            ``printed``     ``scholz-code``     where the readings come from
================  ==============  ==================  =================================
``q``, ``t``      1, 1            1, 1                SCS2011 eq. 25a; Q = 1 in the
                                                      replications; T by rule in
                                                      Eftekhari & Rahimi (2014)
``probability``   pairwise        all-triples         eq. 30 vs Scholz's code
``selection``     least-move      class-priority      sec. 6 vs Scholz's code
``perspective``   proposer        receiver            BDM1994's EU plane vs the code
``capitulation``  True            False               the code never makes one
================  ==============  ==================  =================================

The danger normalisation (SCS2011 eq. 32 over the spread of every actor's danger, not
over the positions one actor could hold) is the same in both: it is what the printed
equation and every replication compute.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Probability = Literal["pairwise", "all-triples"]
Selection = Literal["least-move", "class-priority"]
Perspective = Literal["proposer", "receiver"]
ImprovementRule = Literal["eftekhari-rahimi"]

PROBABILITIES: tuple[Probability, ...] = ("pairwise", "all-triples")
SELECTIONS: tuple[Selection, ...] = ("least-move", "class-priority")
PERSPECTIVES: tuple[Perspective, ...] = ("proposer", "receiver")


@dataclass(frozen=True)
class ModelOptions:
    """One reading of the model.

    * ``q``: the probability that the status quo persists if i does not challenge j
      (SCS2011 eq. 25a). ``t``: the probability that it then improves for i, a number,
      or ``"eftekhari-rahimi"``: 1 when i is nearer the median than j, else 0
      (Eftekhari & Rahimi 2014, sec. 2.6, as decisionmechanics/eum applies it).
    * ``probability``: ``"pairwise"`` is eq. 30 as printed: the c*s weighted votes for
      i over j over the votes of every actor on that pair, with linear distances, so
      P_ij + P_ji = 1. ``"all-triples"`` is Scholz's code: each voter k's distances
      are risk-adjusted, (d/dx) ** r_k, and the denominator is the absolute vote of
      every k over every ordered pair of actors, so the probabilities are small.
    * ``selection``: ``"least-move"`` (SCS2011 sec. 6, BDM1994): each actor takes the
      offer that moves it least, of any kind. ``"class-priority"`` (Scholz's code): a
      conflict offer if there is one, else a compromise, else a capitulation; within
      conflicts and capitulations the least move, within compromises the smallest
      weighted point (|EU_a| x_a + |EU_b| x_b) / (|EU_a| + |EU_b|); ties to the
      first actor in table order.
    * ``perspective``: whose risk exponent and perception decide an offer between a
      proposer and a target. ``"proposer"``: the proposer's. ``"receiver"`` (Scholz's
      code): the actor who would move judges both expected utilities with its own r.
    * ``capitulation``: whether capitulation offers are made at all. Scholz's code, as
      replicated, never makes one (its condition can never hold once the
      compromise test has failed). The worked example gives the same rounds either way.
    """

    q: float = 1.0
    t: float | ImprovementRule = 1.0
    probability: Probability = "pairwise"
    selection: Selection = "least-move"
    perspective: Perspective = "proposer"
    capitulation: bool = True

    def __post_init__(self) -> None:
        if not 0.0 <= self.q <= 1.0:
            raise ValueError(f"q must be a probability in [0, 1], not {self.q}")
        if isinstance(self.t, str):
            if self.t != "eftekhari-rahimi":
                raise ValueError(f"t must be a probability or 'eftekhari-rahimi', not {self.t!r}")
        elif not 0.0 <= self.t <= 1.0:
            raise ValueError(f"t must be a probability in [0, 1], not {self.t}")
        if self.probability not in PROBABILITIES:
            raise ValueError(f"probability must be one of {', '.join(PROBABILITIES)}")
        if self.selection not in SELECTIONS:
            raise ValueError(f"selection must be one of {', '.join(SELECTIONS)}")
        if self.perspective not in PERSPECTIVES:
            raise ValueError(f"perspective must be one of {', '.join(PERSPECTIVES)}")

    @property
    def is_printed_core(self) -> bool:
        """True when the round is the printed one (the fast path of ``forecast.step``)."""
        return (
            self.probability == "pairwise"
            and self.selection == "least-move"
            and self.perspective == "proposer"
            and self.capitulation
            and not isinstance(self.t, str)
        )

    def describe(self) -> dict[str, object]:
        """The options as plain data, for reports."""
        return {
            "q": self.q,
            "t": self.t,
            "probability": self.probability,
            "selection": self.selection,
            "perspective": self.perspective,
            "capitulation": self.capitulation,
        }


#: SCS2011's equations as printed (docs/forecasting.md, "The model").
PRINTED = ModelOptions()
#: The four departures of the code that reproduces SCS2011's worked example.
SCHOLZ_CODE = ModelOptions(
    probability="all-triples",
    selection="class-priority",
    perspective="receiver",
    capitulation=False,
)

VARIANTS: dict[str, ModelOptions] = {"printed": PRINTED, "scholz-code": SCHOLZ_CODE}


def variant(name: str, **overrides: object) -> ModelOptions:
    """The named variant, with any option overridden; ``ValueError`` names the choices."""
    try:
        base = VARIANTS[name]
    except KeyError:
        raise ValueError(f"unknown variant {name!r}: use {' or '.join(VARIANTS)}") from None
    return replace(base, **overrides) if overrides else base  # type: ignore[arg-type]


def variant_name(options: ModelOptions) -> str:
    """The name of a variant, or ``"custom"``."""
    for name, opts in VARIANTS.items():
        if opts == options:
            return name
    return "custom"
