"""Missing modalities, saved models, resumed training and fuzzed input."""

import pickle
import re
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from conftest import FAST
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from skorch.callbacks import Checkpoint, LoadInitState
from torch import nn

import climd_sklearn._pickle as pickle_module
from climd_sklearn import CLIMDClassifier, LateFusionNet
from climd_sklearn.curriculum import class_quotas
from climd_sklearn.training import CurriculumScheduling


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
    # the default standardizes around the missing rows; the late-fusion bar was set on the
    # data as given (6 epochs of the toy data's unit-free features)
    kw = {} if module is None else {"module": module, "standardize": False}
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


def test_the_readme_absence_modality_is_one_more_modality_fitted_and_asked_for():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 30)
    X = {"a": rng.normal(size=(60, 4)), "b": rng.normal(size=(60, 3))}
    X["a"][y == 1] = np.nan
    X["b"][:5] = np.nan
    # the README's recipe, verbatim
    X["absent"] = np.column_stack(
        [np.isnan(block).all(axis=1) for block in X.values()]).astype(float)
    expected = np.zeros((60, 2))
    expected[y == 1, 0] = 1.0
    expected[:5, 1] = 1.0
    np.testing.assert_array_equal(X["absent"], expected)
    clf = CLIMDClassifier(random_state=0, **FAST).fit(X, y)
    assert list(clf.modality_names_) == ["a", "b", "absent"]
    assert clf.predict(X).shape == y.shape
    # the column must be added at prediction too, or the estimator says which is missing
    with pytest.raises(ValueError, match=r"missing modalities \[.absent.\]"):
        clf.predict({"a": X["a"], "b": X["b"]})


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
    real = CurriculumScheduling._score

    def spy(self, net, dataset, y, present=None):
        seen["mask"] = None if present is None else np.asarray(present)
        return real(self, net, dataset, y, present)

    monkeypatch.setattr(CurriculumScheduling, "_score", spy)
    CLIMDClassifier(random_state=0, order="asc", **dict(FAST, max_epochs=1)).fit(Xm, y)
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


def test_a_modality_no_training_sample_has_is_refused_only_at_the_first_fit(data):
    X, y = data
    clf = CLIMDClassifier(warm_start=True, **dict(FAST, max_epochs=1))
    lacking = {"m0": X["m0"], "m1": np.full_like(X["m1"], np.nan)}
    with pytest.raises(ValueError, match=r"Modalities \['m1'\] are absent .* every one of"):
        clf.fit(lacking, y)
    assert not hasattr(clf, "net_")
    clf.fit(X, y)  # the first fit sees both, so a later one may lack m1
    epochs = len(clf.net_.history)
    clf.fit(lacking, y)
    assert len(clf.net_.history) == 2 * epochs


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


@pytest.mark.parametrize("curriculum", ["climd", None])
def test_diverged_training_stops_with_a_clear_error(data, curriculum):
    # too large a step makes the loss NaN within the first epochs; without the check the fit
    # ended "successfully" and predicted NaN probabilities (no curriculum), or failed on the
    # NaN scores with a message about priorities (the curriculum)
    X, y = data
    clf = CLIMDClassifier(**{**FAST, "lr": 1e8}, optimizer=torch.optim.SGD,
                          curriculum=curriculum, random_state=0)
    with pytest.raises(ValueError, match=r"Training diverged at epoch \d+: a batch's "
                                         r"training loss is (nan|inf).*lr=1e\+08"):
        clf.fit(X, y)


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
    monkeypatch.setattr(pickle_module, "__version__", "0.0.1")  # a later "install"
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


def test_a_device_torch_cannot_use_is_refused_before_any_work(data):
    X, y = data
    beyond = f"cuda:{torch.cuda.device_count() if torch.cuda.is_available() else 0}"
    for device, pattern in [("tpu", r"device='tpu' is not a torch device"),
                            (beyond, re.escape(f"device={beyond!r}, but this machine has"))]:
        clf = CLIMDClassifier(device=device, **FAST)
        with pytest.raises(ValueError, match=pattern):
            clf.fit(X, y)
        assert not hasattr(clf, "classes_")  # refused before the data were even read


def test_warm_start_on_a_machine_without_cuda_says_how_to_continue(data):
    if torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA")
    X, y = data
    clf = CLIMDClassifier(warm_start=True, **dict(FAST, max_epochs=1)).fit(X, y)
    clf.set_params(device="cuda")
    pattern = r"CUDA is not available here .*set_params\(device='cpu'\)"
    with pytest.raises(ValueError, match=pattern):
        clf.fit(X, y)


def test_checkpoint_resume_continues_the_schedule(data, tmp_path):
    X, y = data
    counts = np.bincount(y)
    # T = 8 > max_epochs = 3: allowed (with a warning) only with warm_start
    kw = dict(FAST, max_epochs=3, curriculum_epochs=8, random_state=0, warm_start=True)
    cp = Checkpoint(dirname=str(tmp_path), monitor=None)
    with pytest.warns(UserWarning, match="curriculum_epochs"):
        CLIMDClassifier(callbacks=[cp], **kw).fit(X, y)
    resumed = CLIMDClassifier(callbacks=[LoadInitState(Checkpoint(dirname=str(tmp_path),
                                                                  monitor=None))], **kw)
    with pytest.warns(UserWarning, match="curriculum_epochs"):
        resumed.fit(X, y)
    h = resumed.net_.history
    assert len(h) == 6  # 3 loaded + 3 new epochs
    assert h[3, "class_counts"] == class_quotas(counts, 4, 8).tolist()
    assert h[5, "class_counts"] == class_quotas(counts, 6, 8).tolist()


# ------------------------------------------------------------------ fuzzed input

LABEL_SETS = (np.array([0, 1, 2]), np.array(["a", "b", "c"]), np.array([-1.0, 2.0, 7.0]))
TINY = dict(batch_size=4, hidden_dims=(4,), embedding_dim=4, random_state=0)


@st.composite
def valid_fit_input(draw, form, missing):
    """Input of one supported form; missing modalities only as whole NaN rows, >= 1 per sample,
    and each modality present in >= 1 sample.

    ``form``: a dict of arrays or of DataFrames, or one array or DataFrame split by
    ``modalities``. With ``missing``, a float dtype and at least 2 modalities.
    """
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    n_classes = draw(st.integers(2, 3))
    n = draw(st.integers(n_classes, 20))
    widths = draw(st.lists(st.integers(1, 3), min_size=2 if missing else 1, max_size=3))
    dtypes = ["float64", "float32"] + (["object"] if form in ("dict", "array") else [])
    dtype = draw(st.sampled_from(dtypes + ([] if missing else ["int64"])))
    names = [f"m{m}" for m in range(len(widths))]
    blocks = [rng.randn(n, w) * 3 for w in widths]
    if dtype == "int64":
        blocks = [np.round(b) for b in blocks]
    if missing:  # whole rows of NaN, at least one modality left per sample and per modality
        n_modalities = len(widths)
        drop = rng.rand(n, n_modalities) < 0.4
        keepers = rng.randint(n, size=n_modalities)  # the row that keeps each modality
        drop[keepers, np.arange(n_modalities)] = False
        column = rng.randint(n_modalities)  # one absent row for sure (n >= 2 rows)
        drop[rng.choice(np.setdiff1d(np.arange(n), [keepers[column]])), column] = True
        drop[drop.all(axis=1), (column + 1) % n_modalities] = False
        for m, block in enumerate(blocks):
            block[drop[:, m]] = np.nan
    blocks = [b.astype(dtype) for b in blocks]
    if form in ("dict", "dataframes"):
        X = dict(zip(names, blocks))
        if form == "dataframes":
            X = {k: pd.DataFrame(v, columns=[f"{k}_{j}" for j in range(v.shape[1])])
                 for k, v in X.items()}
        modalities = None
    else:
        X = np.hstack(blocks)
        edges = np.cumsum([0] + widths)
        columns = {k: list(range(edges[m], edges[m + 1])) for m, k in enumerate(names)}
        if form == "dataframe":
            X = pd.DataFrame(X, columns=[f"c{j}" for j in range(X.shape[1])])
            columns = {k: [f"c{j}" for j in cols] for k, cols in columns.items()}
        # one modality may also be the whole array (modalities=None), if nothing is missing
        modalities = None if len(widths) == 1 and draw(st.booleans()) else columns
    codes = np.r_[np.arange(n_classes), rng.randint(0, n_classes, n - n_classes)]
    labels = draw(st.sampled_from(LABEL_SETS))[rng.permutation(codes)]
    y = draw(st.sampled_from([lambda v: v, list, pd.Series]))(labels)
    params = dict(
        max_epochs=draw(st.integers(1, 2)),
        curriculum=draw(st.sampled_from(["climd", "linear", None])),
        variant=draw(st.sampled_from(["improved", "paper"])),
        modalities=modalities,
    )
    return X, y, params


@pytest.mark.parametrize("missing", [False, True], ids=["complete", "missing"])
@pytest.mark.parametrize("form", ["dict", "dataframes", "array", "dataframe"])
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fuzzed_valid_input_fits_and_predicts(form, missing, data):
    X, y, params = data.draw(valid_fit_input(form, missing), label="case")
    blocks = X.values() if isinstance(X, dict) else [X]
    has_nan = any(np.isnan(np.asarray(b, dtype=np.float64)).any() for b in blocks)
    assert has_nan == missing  # the generator made what the case promises
    labels = np.asarray(y)
    clf = CLIMDClassifier(**TINY, **params)
    assert clf.fit(X, y) is clf
    np.testing.assert_array_equal(clf.classes_, np.unique(labels))
    proba = clf.predict_proba(X)
    assert proba.shape == (len(labels), len(clf.classes_))
    assert np.all(np.isfinite(proba)) and np.all(proba >= 0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    pred = clf.predict(X)
    assert pred.shape == (len(labels),)
    assert np.all(np.isin(pred, clf.classes_))


def _fault(name, X, y, k, i, rng):
    """Break valid input (X with modalities "a" and "b", widths >= 2) in one way.

    Returns X, y, extra estimator parameters, fit keyword arguments, the exception type and
    the patterns its message must contain (the modality at fault and/or the fault).
    """
    X = {m: v.copy() for m, v in X.items()}
    n = len(y)
    q = repr(k)  # the modality's name as messages quote it: 'a'
    if name == "partial_nan":
        X[k][i, 0] = np.nan
        return X, y, {}, {}, ValueError, [q, "only part of rows", re.escape(f"[{i}]")]
    if name == "inf":
        X[k][i, 1] = rng.choice([np.inf, -np.inf])
        return X, y, {}, {}, ValueError, [q, "infinity"]
    if name == "too_large_for_float32":
        X[k][i, 0] = 1e39
        return X, y, {}, {}, ValueError, [q, "infinity or a value too large"]
    if name == "no_modality_present":
        X["a"][i] = np.nan
        X["b"][i] = np.nan
        return X, y, {}, {}, ValueError, [re.escape(f"Samples [{i}]"), "no modality present"]
    if name == "modality_absent_everywhere":
        X[k][:] = np.nan
        return X, y, {}, {}, ValueError, [q, "absent", "every one of the"]
    if name == "modality_marked_absent_everywhere":
        present = {k: np.zeros(n, dtype=bool)}
        return X, y, {}, {"present": present}, ValueError, [q, "absent", "every one of the"]
    if name == "mismatched_rows":
        X[k] = X[k][:-1]
        return X, y, {}, {}, ValueError, ["same number of rows", q]
    if name == "zero_width":
        X[k] = np.empty((n, 0))
        return X, y, {}, {}, ValueError, [q, "0 feature"]
    if name == "three_d":
        X[k] = X[k][:, :, None]
        return X, y, {}, {}, ValueError, [q, "dim 3"]
    if name == "string_value":
        X[k] = X[k].astype(object)
        X[k][i, 0] = "abc"
        return X, y, {}, {}, ValueError, [q, r"holds text or dates in columns \[0\]"]
    if name == "string_column":
        named = [f"f{j}" for j in range(X[k].shape[1])]
        X[k] = pd.DataFrame(X[k], columns=named).assign(extra="abc")
        return X, y, {}, {}, ValueError, [q, "non-numeric columns"]
    if name == "string_in_single_array":
        A = np.hstack([X["a"], X["b"]]).astype(object)
        wa = X["a"].shape[1]
        A[i, 0 if k == "a" else wa] = "abc"
        cols = {"a": slice(0, wa), "b": slice(wa, A.shape[1])}
        return A, y, {"modalities": cols}, {}, ValueError, [q, "holds text or dates"]
    if name == "empty_dict":
        return {}, y, {}, {}, ValueError, ["empty dict"]
    if name == "non_string_name":
        X[0] = X.pop(k)
        return X, y, {}, {}, TypeError, ["Modality names must be strings"]
    if name == "one_class":
        return X, np.full(n, y[0]), {}, {}, ValueError, ["only one class"]
    if name == "y_length":
        return X, y[:-1], {}, {}, ValueError, ["inconsistent numbers of samples"]
    if name == "continuous_y":
        return X, rng.randn(n), {}, {}, ValueError, ["Unknown label type"]
    if name == "nan_in_y":
        y = y.astype(np.float64)
        y[i] = np.nan
        return X, y, {}, {}, ValueError, ["y contains NaN"]
    if name == "present_shape":
        present = np.ones((n + 1, 2), dtype=bool)
        return X, y, {}, {"present": present}, ValueError, ["present must have shape"]
    if name == "curriculum_longer_than_training":
        params = {"max_epochs": 1, "curriculum_epochs": 3}
        return X, y, params, {}, ValueError, ["curriculum_epochs=3", "max_epochs=1"]
    raise AssertionError(name)


FAULTS = ("partial_nan", "inf", "too_large_for_float32", "no_modality_present",
          "modality_absent_everywhere", "modality_marked_absent_everywhere",
          "mismatched_rows", "zero_width", "three_d", "string_value", "string_column",
          "string_in_single_array", "empty_dict", "non_string_name", "one_class", "y_length",
          "continuous_y", "nan_in_y", "present_shape", "curriculum_longer_than_training")


@pytest.mark.parametrize("fault", FAULTS)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(6, 16),
    widths=st.tuples(st.integers(2, 3), st.integers(2, 3)),
    modality=st.sampled_from(["a", "b"]),
    row=st.integers(0, 5),
    seed=st.integers(0, 2**16),
)
def test_fuzzed_invalid_input_raises_naming_the_fault(fault, n, widths, modality, row, seed):
    rng = np.random.RandomState(seed)
    X = {"a": rng.randn(n, widths[0]), "b": rng.randn(n, widths[1])}
    y = np.r_[0, 1, rng.randint(0, 3, n - 2)]
    X, y, params, fit_kw, error, patterns = _fault(fault, X, y, modality, row, rng)
    clf = CLIMDClassifier(**{**TINY, "max_epochs": 1, **params})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's overflow cast to float32
        with pytest.raises((ValueError, TypeError)) as info:
            clf.fit(X, y, **fit_kw)
    assert info.type is error, (fault, info.value)
    message = str(info.value)
    for pattern in patterns:
        assert re.search(pattern, message), (fault, pattern, message)
    assert not hasattr(clf, "net_")  # a failed fit leaves no fitted net behind
