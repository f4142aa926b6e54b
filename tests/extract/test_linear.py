"""The linear model under the reader: it learns, blocks score as joined lists, it saves."""

from __future__ import annotations

import numpy
import pytest

from offramp.extract.linear import LinearModel

ROWS = [["w=demand", "P=RU"], ["w=demand", "P=UA"], ["w=offer", "P=UA"], ["w=offer", "P=RU"]] * 3
LABELS = ["demand", "demand", "offer", "offer"] * 3


def test_it_learns_which_feature_goes_with_which_class():
    model = LinearModel.fit(ROWS, LABELS, l2=0.1)
    p = model.probabilities([["w=demand"], ["w=offer"], ["P=RU"]])
    demand = model.classes.index("demand")
    assert p[0, demand] > 0.9
    assert p[1, demand] < 0.1
    assert p[2, demand] == pytest.approx(0.5, abs=0.05)  # a feature of both classes says little
    assert model.top_features("demand", 1)[0][0] == "w=demand"


def test_blocks_score_as_their_features_joined_and_shared_blocks_once():
    model = LinearModel.fit(ROWS, LABELS, l2=0.1)
    shared = ("w=demand", "unknown-feature")
    examples = [[shared, ("P=RU",)], [shared, ("P=UA", "w=offer")], [("w=offer",)]]
    joined = [[f for block in blocks for f in block] for blocks in examples]
    assert numpy.allclose(model.predict_blocks(examples), model.probabilities(joined))
    assert model.predict_blocks([]).shape == (0, 2)


def test_a_feature_counts_as_often_as_it_occurs():
    model = LinearModel.fit(ROWS, LABELS, l2=0.1)
    once, twice = model.probabilities([["w=demand"], ["w=demand", "w=demand"]])
    k = model.classes.index("demand")
    assert twice[k] > once[k]


def test_rare_features_are_dropped_and_a_saved_model_gives_the_same_answers():
    rows = [*ROWS, ["w=demand", "w=once"]]
    model = LinearModel.fit(rows, [*LABELS, "demand"], l2=0.1, min_count=2)
    assert "w=once" not in model.index
    again = LinearModel.from_dict(model.to_dict())
    probe = [["w=demand", "P=UA"], ["w=offer"]]
    assert numpy.allclose(again.probabilities(probe), model.probabilities(probe), atol=1e-3)


def test_fit_refuses_rows_without_labels():
    with pytest.raises(ValueError, match="as many labels as rows"):
        LinearModel.fit([["a"]], [])
    with pytest.raises(ValueError, match="at least one row"):
        LinearModel.fit([], [])


def test_saved_weights_are_whole_ten_thousandths_that_read_back_as_rounded():
    rows = [*ROWS, ["w=demand", "w=rare"], ["w=offer", "w=rare"]]
    model = LinearModel.fit(rows, [*LABELS, "demand", "offer"], l2=0.1)
    data = model.to_dict()
    assert data["scale"] == 10_000
    assert all(isinstance(v, int) for v in [*data["weights"], *data["bias"]])
    assert len(data["weights"]) == len(data["features"]) * len(data["classes"])
    again = LinearModel.from_dict(data)
    kept = [model.index[f] for f in data["features"]]
    assert numpy.array_equal(again.weights[:-1], numpy.round(model.weights[kept], 4))
    assert numpy.array_equal(again.weights[-1], numpy.round(model.weights[-1], 4))
    assert again.to_dict() == data


def test_a_model_in_the_first_layout_reads_to_the_same_weights():
    model = LinearModel.fit(ROWS, LABELS, l2=0.1)
    rounded = numpy.round(model.weights, 4)
    names = sorted(model.index, key=model.index.__getitem__)
    first = {  # as saved before: decimals by feature, rows that round to zero left out
        "classes": list(model.classes),
        "bias": [float(v) for v in rounded[-1]],
        "weights": {
            n: [float(v) for v in rounded[model.index[n]]]
            for n in names
            if numpy.any(rounded[model.index[n]] != 0.0)
        },
    }
    old, new = LinearModel.from_dict(first), LinearModel.from_dict(model.to_dict())
    assert old.classes == new.classes and old.index == new.index
    assert numpy.array_equal(old.weights, new.weights)


def test_weights_that_do_not_fit_the_features_are_refused():
    data = LinearModel.fit(ROWS, LABELS, l2=0.1).to_dict()
    data["weights"] = data["weights"][:-1]
    with pytest.raises(
        ValueError, match="5 weights and bias for 2 features and 2 classes: expected 6"
    ):
        LinearModel.from_dict(data)
