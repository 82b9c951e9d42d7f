"""The benchmark's sure independence screening (the third pilot after round 55)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark._methods import modality_columns
from climd_sklearn.benchmark._screening import ModalityScreen, screened_layout


def test_screened_layout_cuts_only_the_modalities_wider_than_the_training_fold():
    layout = {"wide": 50, "narrow": 5, "equal": 20}
    assert screened_layout(layout, 20, "n-1") == {"wide": 19, "narrow": 5, "equal": 20}
    assert screened_layout(layout, 20, "n/log n") == {
        "wide": int(20 / math.log(20)), "narrow": 5, "equal": 20}
    assert int(20 / math.log(20)) == 6
    assert list(screened_layout(layout, 20, "n-1")) == ["wide", "narrow", "equal"]
    with pytest.raises(ValueError, match=r"size must be one of \['n-1', 'n/log n'\]"):
        screened_layout(layout, 20, "sqrt n")
    with pytest.raises(ValueError, match="at least 3 training rows, got 2"):
        screened_layout(layout, 2, "n-1")


def test_screen_keeps_each_modalitys_largest_f_in_column_order():
    rng = np.random.default_rng(0)
    y = np.arange(40) % 2
    X = rng.normal(size=(40, 12))
    X[:, 7] += 3 * y  # the strongest of modality "a" (columns 0-9)
    X[:, 2] += 1.5 * y  # the second
    X[:, 5] = 1.0  # constant: F undefined, ranks last
    columns = {"a": list(range(10)), "b": [10, 11]}
    screen = ModalityScreen(columns, {"a": 2, "b": 2}).fit(X, y)
    assert screen.support_.tolist() == [2, 7, 10, 11]
    assert np.array_equal(screen.transform(X), X[:, [2, 7, 10, 11]])
    keep_all_but_one = ModalityScreen(columns, {"a": 9, "b": 2}).fit(X, y)
    assert 5 not in keep_all_but_one.support_
    with pytest.raises(ValueError, match=r"keep\['a'\] must be in \[1, 10\], got 11"):
        ModalityScreen(columns, {"a": 11, "b": 2}).fit(X, y)
    with pytest.raises(ValueError, match="keep names"):
        ModalityScreen(columns, {"a": 2}).fit(X, y)
    with pytest.raises(ValueError, match="12 features"):
        screen.transform(X[:, :11])


def test_screen_key_puts_the_screen_before_a_classifier_of_the_screened_widths():
    name = "CLIMD, screened to n - 1 features"
    spec = l4l.resolve_methods([name])[name]
    layout = {"a": 30, "b": 4}
    pipe = l4l.build_method(name, spec, layout, 0, 20)
    assert list(pipe.named_steps) == ["scale", "screen", "clf"]
    assert pipe.named_steps["screen"].keep == {"a": 19, "b": 4}
    assert pipe.named_steps["screen"].columns == modality_columns(layout)
    assert pipe.named_steps["clf"].modalities == modality_columns({"a": 19, "b": 4})
    assert spec["overrides"] == {"screen": "n-1"}  # the spec is not mutated
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 34)), np.arange(20) % 2
    pipe.named_steps["clf"].set_params(max_epochs=1, module_kwargs={"n_members": 2})
    assert pipe.fit(X, y).predict(X).shape == (20,)
    short = l4l.resolve_methods(["CLIMD, screened to n / log n features"])
    pipe = l4l.build_method("x", [*short.values()][0], layout, 0, 20)
    assert pipe.named_steps["screen"].keep == {"a": 6, "b": 4}
    given = {"kind": "neural", "overrides": {"screen": "n-1", "input_as_given": True}}
    with pytest.raises(ValueError, match="cannot be combined with input_as_given"):
        l4l.build_method("x", given, layout, 0, 20)
