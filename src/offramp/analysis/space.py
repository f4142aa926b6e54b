"""The bargaining problem as arrays: the one input every analysis function takes.

Each party p has a weight w[p, i] on issue i and a value v[p, i, o] for option o of
that issue, so its utility for a package x (one option per issue) is additive:

    u_p(x) = sum_i w[p, i] * v[p, i, x_i]

and a reservation value r_p, the utility of no deal, on the same scale. Weights are not
renormalised anywhere in ``analysis``: adding an issue adds its contribution, which is
what "enlarge the problem" needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class BargainingProblem:
    """Parties, issues with ordered options, weights, values and reservation values.

    ``values[i]`` has shape (P, n_i): row p is party p's value for each option of
    issue i. ``weights`` has shape (P, I); ``reservation`` has shape (P,).
    """

    parties: tuple[str, ...]
    issues: tuple[str, ...]
    options: tuple[tuple[str, ...], ...]
    weights: FloatArray
    values: tuple[FloatArray, ...]
    reservation: FloatArray

    def __post_init__(self) -> None:
        p, i = len(self.parties), len(self.issues)
        if self.weights.shape != (p, i):
            raise ValueError(f"weights has shape {self.weights.shape}, expected {(p, i)}")
        if self.reservation.shape != (p,):
            raise ValueError(f"reservation has shape {self.reservation.shape}, expected {(p,)}")
        if len(self.values) != i or len(self.options) != i:
            raise ValueError("values and options need one entry per issue")
        for k, (vals, opts) in enumerate(zip(self.values, self.options, strict=True)):
            if vals.shape != (p, len(opts)):
                raise ValueError(
                    f"values for issue {self.issues[k]!r} has shape {vals.shape}, "
                    f"expected {(p, len(opts))}"
                )
            if len(opts) == 0:
                raise ValueError(f"issue {self.issues[k]!r} has no options")

    @property
    def n_parties(self) -> int:
        return len(self.parties)

    @property
    def n_issues(self) -> int:
        return len(self.issues)

    @property
    def size(self) -> int:
        """How many packages the outcome space holds (a Python int: it may be huge)."""
        n = 1
        for opts in self.options:
            n *= len(opts)
        return n

    def contribution(self, issue: int) -> FloatArray:
        """Per-option utility contributions of one issue, shape (n_i, P)."""
        return (self.weights[:, issue, None] * self.values[issue]).T

    def utility(self, package: Sequence[int]) -> FloatArray:
        """Each party's utility for a package given as option indices, shape (P,)."""
        total = np.zeros(self.n_parties)
        for issue, option in enumerate(package):
            total += self.weights[:, issue] * self.values[issue][:, option]
        return total

    def ideal(self) -> FloatArray:
        """Each party's best attainable utility, shape (P,)."""
        return np.array(
            [
                sum(self.weights[p, i] * self.values[i][p].max() for i in range(self.n_issues))
                for p in range(self.n_parties)
            ]
        )
