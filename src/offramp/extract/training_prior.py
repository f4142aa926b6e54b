"""Retraining a reader near the one in use: what a few confirmed statements can teach.

A case's desk holds tens of confirmed statements and discarded proposals, not the
hundreds of labelled sentences a reader is first trained on. Trained from scratch on
them alone, a reader forgets what it knew. Instead each of its two models is refitted
with the L2 penalty centred on the weights in use rather than on zero: maximum a
posteriori adaptation with a Gaussian prior on the old model (Chelba & Acero, "Adaptation
of maximum entropy capitalizer: Little data can help a lot", *Computer Speech & Language*
20(4), 2006). Weights move only as far as the new examples pull them; features and
stances the old model never saw start at zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy
from numpy.typing import NDArray

from offramp.extract.linear import Features, LinearModel, _softmax


def fit_near(
    prior: LinearModel,
    rows: Sequence[Features],
    labels: Sequence[str],
    *,
    l2: float = 1.0,
    min_count: int = 2,
    max_iter: int = 400,
) -> LinearModel:
    """``prior`` refitted on ``rows``: the penalty is ``l2/2 * |w - prior|^2``.

    The bias is held near the prior's too: a desk's examples are mostly positives (each
    confirmed quote states a position), and a free bias would learn that balance and
    propose on every sentence. The features are the prior's and the new ones seen
    ``min_count`` times or more; the classes are the prior's and the new labels'.
    """
    if len(rows) != len(labels) or not rows:
        raise ValueError("fit_near needs as many labels as rows, and at least one row")
    seen = Counter(f for row in rows for f in set(row))
    names = sorted(set(prior.index) | {f for f, n in seen.items() if n >= min_count})
    classes = tuple(sorted(set(prior.classes) | set(labels)))
    model = LinearModel(
        classes, {f: i for i, f in enumerate(names)}, numpy.zeros((len(names) + 1, len(classes)))
    )
    old_rows = [model.index[f] for f in sorted(prior.index, key=prior.index.__getitem__)]
    old_cols = [classes.index(c) for c in prior.classes]
    centre = model.weights.copy()
    centre[numpy.ix_([*old_rows, len(names)], old_cols)] = prior.weights
    x = model.matrix(rows)
    y = numpy.zeros((len(rows), len(classes)))
    y[numpy.arange(len(rows)), [classes.index(label) for label in labels]] = 1.0

    def objective(flat: NDArray[numpy.float64]) -> tuple[float, NDArray[numpy.float64]]:
        step = flat.reshape(centre.shape) - centre
        p = _softmax(x @ (centre + step))
        value = -float(numpy.sum(y * numpy.log(p + 1e-12)))
        value += 0.5 * l2 * float(numpy.sum(step * step))
        grad = x.T @ (p - y) + l2 * step
        return value, numpy.asarray(grad).ravel()

    from scipy import optimize

    found = optimize.minimize(
        objective, centre.ravel(), jac=True, method="L-BFGS-B", options={"maxiter": max_iter}
    )
    model.weights = found.x.reshape(centre.shape)
    return model
