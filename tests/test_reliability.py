"""Missing modalities, saved models, resumed training and fuzzed input."""

import pickle
import warnings

import joblib
import numpy as np
import pytest
from conftest import FAST
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from skorch.callbacks import Checkpoint, LoadInitState
from torch import nn

import climd_sklearn.estimator as estimator_module
from climd_sklearn import CLIMDClassifier, LateFusionNet
from climd_sklearn.schedulers import class_quotas


def with_missing(X, rate, seed=0):
    """Blank whole modality rows at random, keeping at least one modality per sample."""
    rng = np.random.RandomState(seed)
    names = list(X)
    drop = rng.rand(len(X[names[0]]), len(names)) < rate
    drop[drop.all(axis=1), 0] = False
    out = {k: v.copy() for k, v in X.items()}
    for m, k in enumerate(names):
        out[k][drop[:, m]] = np.nan
    return out, ~drop


@pytest.mark.parametrize("module", [None, LateFusionNet])
def test_nan_rows_train_and_predict(data, module):
    X, y = data
    Xm, present = with_missing(X, 0.3)
    kw = {} if module is None else {"module": module}
    clf = CLIMDClassifier(random_state=0, **FAST, **kw).fit(Xm, y)
    proba = clf.predict_proba(Xm)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(1), 1, rtol=1e-5)
    assert clf.score(Xm, y) > 0.6
    # the same thing said with the mask argument (absent rows may hold anything)
    Xz = {k: np.where(np.isnan(v), 123.0, v) for k, v in Xm.items()}
    np.testing.assert_allclose(clf.predict_proba(Xz, present=present), proba, rtol=1e-6)
    mask_dict = {k: present[:, m] for m, k in enumerate(X)}
    np.testing.assert_allclose(clf.predict_proba(Xz, present=mask_dict), proba, rtol=1e-6)


def test_absent_modality_values_do_not_matter(data):
    X, y = data
    clf = CLIMDClassifier(random_state=0, **FAST).fit(X, y)
    present = np.ones((len(y), 2), dtype=bool)
    present[:10, 1] = False
    a = clf.predict_proba({"m0": X["m0"], "m1": X["m1"]}, present=present)
    b = clf.predict_proba({"m0": X["m0"], "m1": X["m1"] * 50}, present=present)
    np.testing.assert_allclose(a[:10], b[:10], rtol=1e-6)
    assert not np.allclose(a[10:], b[10:])


def test_missing_modalities_enter_the_measurer(data, monkeypatch):
    X, y = data
    Xm, present = with_missing(X, 0.4)
    seen = {}
    real = estimator_module.CurriculumScheduling._score

    def spy(self, net, dataset, y, present=None):
        seen["mask"] = None if present is None else np.asarray(present)
        return real(self, net, dataset, y, present)

    monkeypatch.setattr(estimator_module.CurriculumScheduling, "_score", spy)
    CLIMDClassifier(random_state=0, **dict(FAST, max_epochs=1)).fit(Xm, y)
    np.testing.assert_array_equal(seen["mask"], present)


def test_missing_modality_errors(data):
    X, y = data
    Xm = {k: v.copy() for k, v in X.items()}
    Xm["m0"][5] = np.nan
    Xm["m1"][5] = np.nan
    with pytest.raises(ValueError, match=r"Samples \[5\] have no modality present"):
        CLIMDClassifier(**FAST).fit(Xm, y)
    Xp = {k: v.copy() for k, v in X.items()}
    Xp["m1"][7, 0] = np.nan
    with pytest.raises(ValueError, match=r"X\['m1'\] contains NaN in only part of rows \[7\]"):
        CLIMDClassifier(**FAST).fit(Xp, y)
    with pytest.raises(ValueError, match="present must have shape"):
        CLIMDClassifier(**FAST).fit(X, y, present=np.ones((3, 2), dtype=bool))
    with pytest.raises(TypeError, match="present must be boolean"):
        CLIMDClassifier(**FAST).fit(X, y, present=np.ones((len(y), 2)))
    with pytest.raises(ValueError, match=r"present names unknown modalities \['zz'\]"):
        CLIMDClassifier(**FAST).fit(X, y, present={"zz": np.ones(len(y), dtype=bool)})


class NoMask(nn.Module):
    def __init__(self, modality_dims, n_classes):
        super().__init__()
        self.lin = nn.Linear(sum(modality_dims.values()), n_classes)

    def forward(self, X):
        logits = self.lin(__import__("torch").cat(list(X.values()), 1))
        return logits, (), ()


def test_module_without_present_keyword_is_told(data):
    X, y = data
    Xm, _ = with_missing(X, 0.3)
    with pytest.raises(TypeError, match="NoMask.forward takes no `present` mask"):
        CLIMDClassifier(NoMask, curriculum=None, **FAST).fit(Xm, y)


def test_joblib_round_trip_and_version_warning(data, tmp_path, monkeypatch):
    X, y = data
    clf = CLIMDClassifier(random_state=0, **FAST).fit(X, y)
    path = tmp_path / "model.joblib"
    joblib.dump(clf, path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = joblib.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    saved = pickle.dumps(clf)  # stamped with the running version
    monkeypatch.setattr(estimator_module, "__version__", "0.0.1")  # a later "install"
    with pytest.warns(UserWarning, match=r"saved with climd-sklearn \S+ and is loaded with 0.0.1"):
        pickle.loads(saved)


def test_model_saved_for_cuda_loads_on_cpu(data):
    """Simulate a GPU-fitted model: skorch maps a 'cuda' net to the CPU when none is there."""
    import torch

    if torch.cuda.is_available():
        pytest.skip("this simulation needs a machine without CUDA")
    X, y = data
    clf = CLIMDClassifier(random_state=0, **FAST).fit(X, y)
    expected = clf.predict_proba(X)
    clf.net_.device = "cuda"
    with pytest.warns(UserWarning, match="no CUDA devices are available"):
        loaded = pickle.loads(pickle.dumps(clf))
    assert str(loaded.net_.device) == "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)


def test_checkpoint_resume_continues_the_schedule(data, tmp_path):
    X, y = data
    counts = np.bincount(y)
    kw = dict(FAST, max_epochs=3, curriculum_epochs=8, random_state=0)
    cp = Checkpoint(dirname=str(tmp_path), monitor=None)
    CLIMDClassifier(callbacks=[cp], **kw).fit(X, y)
    resumed = CLIMDClassifier(callbacks=[LoadInitState(Checkpoint(dirname=str(tmp_path),
                                                                  monitor=None))], **kw)
    resumed.fit(X, y)
    h = resumed.net_.history
    assert len(h) == 6  # 3 loaded + 3 new epochs
    assert h[3, "class_counts"] == class_quotas(counts, 4, 8).tolist()
    assert h[5, "class_counts"] == class_quotas(counts, 6, 8).tolist()


labels = st.sampled_from([np.array([0, 1, 2]), np.array(["a", "b", "c"]), np.array([-1.0, 2.5, 7])])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(2, 30),
    widths=st.lists(st.integers(0, 4), min_size=0, max_size=3),
    dtype=st.sampled_from([np.float64, np.float32, np.int64, object]),
    nan_rate=st.sampled_from([0.0, 0.2, 1.0]),
    partial_nan=st.booleans(),
    n_classes=st.integers(1, 3),
    label_set=labels,
    seed=st.integers(0, 1000),
)
def test_fuzzed_input_fits_or_raises_value_or_type_error(
    n, widths, dtype, nan_rate, partial_nan, n_classes, label_set, seed
):
    rng = np.random.RandomState(seed)
    X = {}
    for m, w in enumerate(widths):
        values = rng.randn(n, w)
        rows = rng.rand(n) < nan_rate
        values[rows] = np.nan
        if partial_nan and w > 1:
            values[0, 0] = np.nan
        if dtype is np.int64:  # integers cannot hold NaN: integer data, no missing rows
            values = np.round(np.nan_to_num(values) * 3)
        X[f"m{m}"] = values.astype(dtype)
    y = label_set[rng.randint(0, n_classes, n)]
    clf = CLIMDClassifier(max_epochs=1, batch_size=8, hidden_dims=(4,), embedding_dim=4,
                          random_state=0)
    try:
        clf.fit(X, y)
    except (ValueError, TypeError):
        return
    pred = clf.predict(X)
    assert set(pred) <= set(y)
    np.testing.assert_allclose(clf.predict_proba(X).sum(1), 1, rtol=1e-5)
