"""Multinomial logistic regression on sparse string features, trained with L-BFGS.

The reader's two models (is there a position, and which stance) are this one class: a
weight per (feature, class), an L2 penalty, and the softmax of the summed weights
(multinomial logistic regression, as in Jurafsky & Martin, *Speech and Language
Processing*, 3rd ed., ch. 5). Features are strings ("lca=reject", "I=crimea|w=recognise");
a feature unseen in training has no weight. Trained with SciPy's L-BFGS-B on a sparse
design matrix; a few seconds for tens of thousands of rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy
from numpy.typing import NDArray

if TYPE_CHECKING:  # SciPy takes half a second to import; reading needs only NumPy
    from scipy import sparse

Features = Sequence[str]


@dataclass
class LinearModel:
    """Weights ``(n_features + 1, n_classes)``; the last row is the bias."""

    classes: tuple[str, ...]
    index: dict[str, int]
    weights: NDArray[numpy.float64]

    @classmethod
    def fit(
        cls,
        rows: Sequence[Features],
        labels: Sequence[str],
        *,
        l2: float = 1.0,
        min_count: int = 2,
        max_iter: int = 400,
    ) -> LinearModel:
        """Fit on ``rows`` of features and their ``labels``.

        Features seen fewer than ``min_count`` times are dropped (they are noise at this
        size of data). ``l2`` is the penalty on the summed squared weights (bias excluded).
        """
        if len(rows) != len(labels) or not rows:
            raise ValueError("fit needs as many labels as rows, and at least one row")
        counts = Counter(f for row in rows for f in set(row))  # rows holding each feature
        index = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
        classes = tuple(sorted(set(labels)))
        model = cls(classes, index, numpy.zeros((len(index) + 1, len(classes))))
        x = model.matrix(rows)
        y = numpy.zeros((len(rows), len(classes)))
        y[numpy.arange(len(rows)), [classes.index(label) for label in labels]] = 1.0
        shape = model.weights.shape
        penalty = numpy.ones(shape)
        penalty[-1, :] = 0.0

        def loss(flat: NDArray[numpy.float64]) -> tuple[float, NDArray[numpy.float64]]:
            w = flat.reshape(shape)
            p = _softmax(x @ w)
            value = -float(numpy.sum(y * numpy.log(p + 1e-12))) + 0.5 * l2 * float(
                numpy.sum(penalty * w * w)
            )
            grad = x.T @ (p - y) + l2 * penalty * w
            return value, numpy.asarray(grad).ravel()

        from scipy import optimize

        found = optimize.minimize(
            loss,
            model.weights.ravel(),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": max_iter},
        )
        model.weights = found.x.reshape(shape)
        return model

    def matrix(self, rows: Sequence[Features]) -> sparse.csr_matrix:
        """The design matrix: a row per feature list, counting each known feature, and a bias."""
        from scipy import sparse

        bias = len(self.index)
        cols: list[int] = []
        ptr = [0]
        for row in rows:
            cols.extend(self.index[f] for f in row if f in self.index)
            cols.append(bias)
            ptr.append(len(cols))
        data = numpy.ones(len(cols))
        x = sparse.csr_matrix((data, cols, ptr), shape=(len(rows), bias + 1))
        x.sum_duplicates()
        return x

    def probabilities(self, rows: Sequence[Features]) -> NDArray[numpy.float64]:
        """Class probabilities, one row per feature list, columns in ``classes`` order."""
        if not rows:
            return numpy.zeros((0, len(self.classes)))
        return _softmax(self.matrix(rows) @ self.weights)

    def predict_blocks(self, examples: Sequence[Sequence[Features]]) -> NDArray[numpy.float64]:
        """Class probabilities of examples each given as blocks of features.

        The same as :meth:`probabilities` on each example's blocks joined, computed in one
        gather-and-sum: a block shared by several examples (the same object, as the
        candidates of one sentence share their sentence's words) is looked up once.
        """
        if not examples:
            return numpy.zeros((0, len(self.classes)))
        bias = len(self.index)
        looked_up: dict[int, list[int]] = {}
        flat: list[int] = []
        starts: list[int] = []
        for blocks in examples:
            starts.append(len(flat))
            flat.append(bias)
            for block in blocks:
                rows = looked_up.get(id(block))
                if rows is None:
                    index = self.index
                    rows = looked_up[id(block)] = [
                        i for f in block if (i := index.get(f)) is not None
                    ]
                flat.extend(rows)
        scores = numpy.add.reduceat(self.weights[flat], starts, axis=0)
        return _softmax(scores)

    def top_features(self, label: str, n: int = 20) -> list[tuple[str, float]]:
        """The features that weigh most for ``label`` against the others (for reviewers)."""
        k = self.classes.index(label)
        margin = self.weights[:-1, k] - self.weights[:-1].mean(axis=1)
        names = sorted(self.index, key=self.index.__getitem__)
        order = numpy.argsort(-margin)[:n]
        return [(names[i], float(margin[i])) for i in order]

    def to_dict(self, *, digits: int = 4) -> dict[str, Any]:
        """A JSON-ready form; features whose weights all round to zero are left out.

        Each weight is stored as a whole number of ``1 / scale`` (``scale = 10**digits``):
        ``features`` are the rows, ``weights`` their values row by row, ``bias`` the last
        row. JSON's whole numbers parse much faster than its decimals (the shipped reader
        loads in 26 ms instead of 85), and dividing by ``scale`` gives back exactly
        ``numpy.round(w, digits)``, which rounds ``w * scale`` to a whole number and
        divides: the weights read are the ones the decimals held.
        """
        names = sorted(self.index, key=self.index.__getitem__)
        scale = 10**digits
        units = numpy.rint(self.weights * scale).astype(numpy.int64)
        kept = numpy.flatnonzero(numpy.any(units[:-1] != 0, axis=1))
        return {
            "classes": list(self.classes),
            "scale": scale,
            "features": [names[i] for i in kept],
            "weights": units[kept].ravel().tolist(),
            "bias": units[-1].tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        """The model of :meth:`to_dict`, or of its first layout (a list of decimal weights
        per feature name, as readers saved before ``offramp-reader/2`` hold)."""
        classes = tuple(str(c) for c in data["classes"])
        if "scale" not in data:
            return cls._from_named_rows(classes, data)
        names = [str(f) for f in data["features"]]
        scale = float(data["scale"])
        units = numpy.array([*data["weights"], *data["bias"]], dtype=numpy.float64)
        if units.size != (len(names) + 1) * len(classes):
            raise ValueError(
                f"{units.size} weights and bias for {len(names)} features and "
                f"{len(classes)} classes: expected {(len(names) + 1) * len(classes)}"
            )
        weights = (units / scale).reshape(len(names) + 1, len(classes))
        return cls(classes, dict(zip(names, range(len(names)), strict=True)), weights)

    @classmethod
    def _from_named_rows(cls, classes: tuple[str, ...], data: dict[str, Any]) -> LinearModel:
        names = list(data["weights"])
        weights = numpy.zeros((len(names) + 1, len(classes)))
        for i, name in enumerate(names):
            weights[i] = data["weights"][name]
        weights[-1] = data["bias"]
        return cls(classes, {name: i for i, name in enumerate(names)}, weights)


def _softmax(scores: Any) -> NDArray[numpy.float64]:
    scores = numpy.asarray(scores, dtype=numpy.float64)
    scores = scores - scores.max(axis=1, keepdims=True)
    e = numpy.exp(scores)
    out: NDArray[numpy.float64] = e / e.sum(axis=1, keepdims=True)
    return out
