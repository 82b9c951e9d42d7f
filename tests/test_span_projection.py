"""The span-projected scaler of the first pilot after round 55 (benchmark code)."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.preprocessing import StandardScaler

import climd_sklearn.benchmark._like_for_like as l4l
from climd_sklearn.benchmark._span_projection import SpanProjectedScaler


def _wide_and_narrow(seed=0, n=12):
    """A wide modality (30 columns > 12 rows) beside a narrow one (3 columns)."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 33)), {"wide": range(30), "narrow": range(30, 33)}


def test_training_rows_come_back_exactly_standardized():
    X, columns = _wide_and_narrow()
    scaler = SpanProjectedScaler(columns)
    np.testing.assert_array_equal(scaler.fit_transform(X), StandardScaler().fit_transform(X))
    # and transform agrees with it on the training rows, which lie in their own span
    np.testing.assert_allclose(scaler.transform(X), StandardScaler().fit_transform(X),
                               atol=1e-10)


def test_a_new_row_loses_exactly_its_component_outside_the_training_span():
    X, columns = _wide_and_narrow()
    scaler = clone(SpanProjectedScaler(columns)).fit(X)
    assert scaler.bases_["narrow"] is None  # 3 columns, rank 3: nothing to project
    basis = scaler.bases_["wide"]
    assert basis.shape == (30, 11)  # 12 centred rows span 11 dimensions
    np.testing.assert_allclose(basis.T @ basis, np.eye(11), atol=1e-10)
    new = np.random.default_rng(1).normal(size=(5, 33))
    standardized = StandardScaler().fit(X).transform(new)
    out = scaler.transform(new)
    # the narrow modality is only standardized
    np.testing.assert_array_equal(out[:, 30:], standardized[:, 30:])
    # the wide one is the point of the span nearest to the standardized row: what is left
    # is orthogonal to every standardized training row, and the projection is idempotent
    train = StandardScaler().fit_transform(X)[:, :30]
    residual = standardized[:, :30] - out[:, :30]
    np.testing.assert_allclose(train @ residual.T, 0, atol=1e-9)
    assert np.linalg.norm(residual) > 0.5 * np.linalg.norm(standardized[:, :30])
    np.testing.assert_allclose(scaler.transform(scaler.scaler_.inverse_transform(out)), out,
                               atol=1e-10)


def test_a_constant_column_is_outside_the_span_of_a_tall_block():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(50, 4))
    X[:, 2] = 7.0
    scaler = SpanProjectedScaler({"m": range(4)}).fit(X)
    assert scaler.bases_["m"].shape == (4, 3)
    new = rng.normal(size=(3, 4))
    out = scaler.transform(new)
    # a column that never varied in training carries nothing the network saw
    np.testing.assert_allclose(out[:, 2], 0, atol=1e-12)
    np.testing.assert_allclose(out[:, [0, 1, 3]],
                               scaler.scaler_.transform(new)[:, [0, 1, 3]], atol=1e-12)


def test_columns_must_cover_every_column_once():
    X, _ = _wide_and_narrow()
    with pytest.raises(ValueError, match="cover each of the 33 columns exactly once; they "
                                         r"cover 32 indices \(32 distinct\)"):
        SpanProjectedScaler({"a": range(32)}).fit(X)
    with pytest.raises(ValueError, match=r"cover 34 indices \(33 distinct\)"):
        SpanProjectedScaler({"a": range(33), "b": [0]}).fit(X)


def test_the_candidate_puts_the_span_projection_in_the_scaler_s_place():
    name = "CLIMD, projected to the training span"
    spec = l4l.resolve_methods([name])[name]
    pipeline = l4l.build_method(name, spec, {"a": 2, "b": 3}, 3, 10)
    scaler = pipeline.named_steps["scale"]
    assert isinstance(scaler, SpanProjectedScaler)
    assert {k: list(v) for k, v in scaler.columns.items()} == {"a": [0, 1], "b": [2, 3, 4]}
    default = l4l.build_method("d", l4l.resolve_methods(["CLIMD (default)"])["CLIMD (default)"],
                               {"a": 2, "b": 3}, 3, 10)
    assert pipeline.named_steps["clf"].get_params() == default.named_steps["clf"].get_params()


def test_a_block_constant_in_training_projects_every_new_row_to_zero():
    X = np.tile([1.0, 2.0, 3.0], (6, 1))
    scaler = SpanProjectedScaler({"m": range(3)}).fit(X)
    assert scaler.bases_["m"].shape == (3, 0)
    np.testing.assert_array_equal(scaler.transform(np.arange(6.0).reshape(2, 3)), 0)
