"""The fourth pilot after research round 54: quantile-normal inputs only where skewed."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.base import clone
from sklearn.preprocessing import QuantileTransformer, StandardScaler

from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark._skew_scaler import SkewedQuantileScaler


def _mixed(n: int = 400) -> np.ndarray:
    rng = np.random.default_rng(0)
    # a lognormal (skewness far above 1), a normal, a mirrored lognormal and a constant
    return np.column_stack([rng.lognormal(sigma=1.0, size=n), rng.normal(3.0, 2.0, size=n),
                            -rng.lognormal(sigma=1.0, size=n), np.full(n, 7.0)])


def test_only_the_highly_skewed_features_are_mapped_through_their_quantiles():
    X = _mixed()
    scaler = SkewedQuantileScaler(random_state=0).fit(X)
    assert scaler.skewed_.tolist() == [True, False, True, False]
    Z = scaler.transform(X)
    # the skewed columns are exactly the quantile map of those columns alone ...
    quantile = QuantileTransformer(output_distribution="normal", n_quantiles=400,
                                   random_state=0).fit(X[:, [0, 2]])
    np.testing.assert_allclose(Z[:, [0, 2]], quantile.transform(X[:, [0, 2]]))
    # ... and the others exactly their standardization, in the input's column order
    np.testing.assert_allclose(Z[:, [1, 3]], StandardScaler().fit_transform(X[:, [1, 3]]))
    assert abs(stats.skew(Z[:, 0])) < 0.1 and abs(stats.skew(Z[:, 2])) < 0.1
    # the threshold is on |skewness|: a higher one leaves every column standardized
    lenient = SkewedQuantileScaler(threshold=100.0).fit(X)
    assert not lenient.skewed_.any() and lenient.quantile_ is None
    np.testing.assert_allclose(lenient.transform(X), StandardScaler().fit_transform(X))


def test_the_fit_is_on_the_training_rows_and_n_quantiles_is_capped_by_them():
    X = _mixed(50)
    scaler = SkewedQuantileScaler(n_quantiles=1000).fit(X)
    assert scaler.quantile_.n_quantiles == 50
    # new rows beyond the training range are clipped to the training quantiles' extremes
    far = X[:3].copy()
    far[:, 0] = 1e6
    assert np.allclose(scaler.transform(far)[:, 0], scaler.transform(X).max(axis=0)[0])
    with pytest.raises(ValueError, match="4 features"):
        scaler.transform(X[:, :3])


def test_every_feature_skewed_has_no_standard_part():
    rng = np.random.default_rng(1)
    X = rng.lognormal(sigma=1.5, size=(300, 3))
    scaler = clone(SkewedQuantileScaler()).fit(X)
    assert scaler.skewed_.all() and scaler.standard_ is None
    assert np.isfinite(scaler.transform(X)).all()


def test_the_candidate_puts_the_skew_scaler_in_the_scaler_s_place():
    name = "CLIMD, quantile inputs where skewed"
    spec = l4l.resolve_methods([name])[name]
    pipeline = l4l.build_method(name, spec, {"a": 2}, 3, 10)
    scaler = pipeline.named_steps["scale"]
    assert isinstance(scaler, SkewedQuantileScaler)
    assert (scaler.threshold, scaler.n_quantiles, scaler.random_state) == (1.0, 1000, 3)
    default = l4l.build_method("d", l4l.resolve_methods(["CLIMD (default)"])["CLIMD (default)"],
                               {"a": 2}, 3, 10)
    assert pipeline.named_steps["clf"].get_params() == default.named_steps["clf"].get_params()
