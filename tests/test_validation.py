"""Bad input raises errors that name the modality, the shape or the value at fault."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import FAST
from scipy import sparse
from sklearn.model_selection import StratifiedKFold, cross_val_score

from climd_sklearn import CLIMDClassifier, SliceDict


@pytest.fixture
def fitted(data):
    X, y = data
    return CLIMDClassifier(random_state=0, **dict(FAST, max_epochs=1)).fit(X, y), X, y


def fit(X, y, **kw):
    return CLIMDClassifier(**dict(FAST, max_epochs=1), **kw).fit(X, y)


def test_mismatched_row_counts(data):
    X, y = data
    X["m1"] = X["m1"][:-1]
    with pytest.raises(ValueError, match=r"same number of rows.*'m0': 63, 'm1': 62"):
        fit(X, y)


def test_y_of_another_length(data):
    X, y = data
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        fit(X, y[:-1])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_names_the_modality(data, bad):
    X, y = data
    X["m1"][3, 2] = bad
    with pytest.raises(ValueError, match=r"X\['m1'\].*(NaN|infinity)"):
        fit(X, y)


def test_non_numeric_column_is_named(data):
    X, y = data
    df = pd.DataFrame(X["m0"], columns=list("abcdef"))
    df["c"] = "text"
    with pytest.raises(ValueError, match=r"Modality 'm0' has non-numeric columns \['c'\]"):
        fit({"m0": df, "m1": X["m1"]}, y)


def test_object_array_of_strings(data):
    X, y = data
    obj = X["m0"].astype(object)
    obj[0, 0] = "x"
    with pytest.raises(ValueError, match=re.escape("Modality 'm0' holds text or dates in "
                                                   "columns [0]")):
        fit({"m0": obj, "m1": X["m1"]}, y)


@pytest.mark.parametrize("column", [
    np.full(63, "1.5"),  # float() would read it
    np.full(63, "2020-01-01", dtype="datetime64[D]"),  # float() would read a day count
    np.full(63, 3, dtype="timedelta64[s]"),
    np.full(63, b"2"),
])
def test_numbers_written_as_text_and_dates_are_not_read_as_numbers(data, column):
    X, y = data
    with pytest.raises(ValueError, match=re.escape("Modality 'd' holds text or dates in "
                                                   "columns [0]")):
        fit({"m0": X["m0"], "d": column[:, None]}, y)
    with pytest.raises(ValueError, match=re.escape("X holds text or dates in columns [0]")):
        fit(column[:, None], y)
    mixed = np.column_stack([X["m0"], X["m1"]]).astype(object)
    mixed[:, 7] = column.tolist()  # strings, bytes, datetime or timedelta objects
    with pytest.raises(ValueError, match=re.escape(
            "Modality 'm1' holds text or dates in its columns [1] (columns [7] of X)")):
        fit(mixed, y, modalities={"m0": slice(0, 6), "m1": slice(6, None)})


def test_column_names_of_mixed_types_are_an_error(data):
    X, y = data
    frame = pd.DataFrame(X["m1"]).rename(columns={0: "age"})  # names "age", 1, 2, ...
    with pytest.raises(TypeError, match=r"Modality 'm1' has column names of types \['int', "
                                        r"'str'\]"):
        fit({"m0": X["m0"], "m1": frame}, y)
    fit({"m0": X["m0"], "m1": pd.DataFrame(X["m1"])}, y)  # all-integer names: no names kept


def test_dataframes_whose_row_indexes_differ_are_an_error(data):
    X, y = data
    ids = [f"p{i}" for i in range(len(y))]
    m0 = pd.DataFrame(X["m0"], index=ids)
    m1 = pd.DataFrame(X["m1"], index=ids[::-1])  # the same patients, in another order
    with pytest.raises(ValueError, match=re.escape(
            "The row indexes of modalities 'm0' and 'm1' differ (row 0: 'p0' against 'p62')")):
        fit({"m0": m0, "m1": m1}, y)
    clf = fit({"m0": m0, "m1": m1.loc[m0.index]}, y)  # aligned
    with pytest.raises(ValueError, match="row indexes of modalities 'm0' and 'm1' differ"):
        clf.predict({"m0": m0, "m1": m1})
    # an array-made frame's index counts rows: no label in common, so not compared, also
    # on the folds of a SliceDict, where that index is no longer 0..n-1
    beside = SliceDict(m0=m0, m1=pd.DataFrame(X["m1"], columns=m1.columns))
    clf.predict(beside)
    cross_val_score(clf, beside, y, cv=StratifiedKFold(2), error_score="raise")
    # the same patients in part: a shift of one
    with pytest.raises(ValueError, match=re.escape("(row 0: 'p0' against 'p1')")):
        fit({"m0": m0, "m1": pd.DataFrame(X["m1"], index=ids[1:] + ["p63"])}, y)


@pytest.mark.parametrize("shape,match", [((63,), "Expected 2D"), ((63, 2, 2), "dim 3")])
def test_wrong_dimensionality(data, shape, match):
    X, y = data
    X["m1"] = np.zeros(shape)
    with pytest.raises(ValueError, match=f"Modality 'm1'.*{match}"):
        fit(X, y)


def test_zero_columns(data):
    X, y = data
    X["m1"] = np.zeros((63, 0))
    with pytest.raises(ValueError, match=r"Modality 'm1'.*0 feature\(s\)"):
        fit(X, y)


def test_empty_dict_and_non_string_key(data):
    _, y = data
    with pytest.raises(ValueError, match="empty dict"):
        fit({}, y)
    with pytest.raises(TypeError, match="Modality names must be strings, got 3 of type int"):
        fit({3: np.zeros((63, 2))}, y)


def test_single_class():
    with pytest.raises(ValueError, match="only one class: 'a'"):
        fit({"m": np.ones((10, 2))}, np.array(["a"] * 10))


def test_regression_target_is_rejected(data):
    X, _ = data
    with pytest.raises(ValueError, match="Unknown label type"):
        fit(X, np.linspace(0, 1, 63))


def test_predict_with_missing_extra_or_renamed_modality(fitted):
    clf, X, _ = fitted
    with pytest.raises(ValueError, match=r"missing modalities \['m1'\]"):
        clf.predict({"m0": X["m0"]})
    with pytest.raises(ValueError, match=r"modalities not seen at fit \['m2'\]"):
        clf.predict({**X, "m2": X["m1"]})
    with pytest.raises(ValueError, match=r"missing modalities \['m1'\] and modalities not seen"):
        clf.predict({"m0": X["m0"], "renamed": X["m1"]})


def test_predict_with_other_width(fitted):
    clf, X, _ = fitted
    with pytest.raises(ValueError, match="Modality 'm1' has 3 features, but CLIMDClassifier is "
                                         "expecting 4 features"):
        clf.predict({"m0": X["m0"], "m1": X["m1"][:, :3]})


def test_predict_with_other_form(fitted, data):
    clf, X, y = fitted
    with pytest.raises(ValueError, match="fitted on a dict of modalities"):
        clf.predict(X["m0"])
    arr = fit(X["m0"], y)
    with pytest.raises(ValueError, match="fitted on a single 2-D array"):
        arr.predict(X)


def test_dataframe_columns_renamed_between_fit_and_predict(data):
    X, y = data
    df = pd.DataFrame(X["m0"], columns=list("abcdef"))
    clf = fit({"m0": df, "m1": X["m1"]}, y)
    renamed = df.rename(columns={"a": "z"})
    with pytest.raises(ValueError, match=r"Modality 'm0'.*unseen at fit time: \['z'\]"):
        clf.predict({"m0": renamed, "m1": X["m1"]})
    with pytest.warns(UserWarning, match="Modality 'm0' does not have valid feature names"):
        clf.predict({"m0": X["m0"], "m1": X["m1"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf.predict({"m0": df, "m1": X["m1"]})


def test_modalities_parameter_errors(data):
    X, y = data
    A = np.hstack([X["m0"], X["m1"]])
    with pytest.raises(ValueError, match=r"Columns \[8, 9\] of X belong to no modality"):
        fit(A, y, modalities={"a": slice(0, 8)})
    with pytest.raises(ValueError, match=r"modalities\['b'\] selects no column"):
        fit(A, y, modalities={"a": slice(0, 10), "b": []})
    with pytest.raises(ValueError, match="out of range"):
        fit(A, y, modalities={"a": [0, 12]})
    # a slice past either end would select fewer columns than it names, without a word
    for past in (slice(5, 12), slice(-12, None), slice(11, None)):
        with pytest.raises(ValueError, match=re.escape(
                f"modalities['b'] = {past!r} reaches beyond X, which has 10 columns")):
            fit(A, y, modalities={"a": slice(0, 5), "b": past})
    fit(A, y, modalities={"a": slice(-10, 5), "b": slice(5, 10)})  # both ends exactly fit
    with pytest.raises(ValueError, match=re.escape("modalities['b'] = slice(5, 10, 0) has a step")):
        fit(A, y, modalities={"a": slice(0, 5), "b": slice(5, 10, 0)})
    with pytest.raises(TypeError, match=re.escape("modalities['a'] is a set, which has no order")):
        fit(A, y, modalities={"a": {0, 1, 2, 3, 4}, "b": slice(5, 10)})
    with pytest.raises(TypeError, match="Sparse data was passed"):  # not an IndexError
        fit(sparse.csr_matrix(A), y, modalities={"a": slice(0, 5), "b": slice(5, 10)})
    with pytest.raises(ValueError, match="no string column names"):
        fit(A, y, modalities={"a": ["g1"]})
    # a column selected twice: an off-by-one bound, or an index list with a repeat
    with pytest.raises(ValueError, match=re.escape(
            "Columns [5] of X belong to both modalities['a'] and modalities['b']")):
        fit(A, y, modalities={"a": slice(0, 6), "b": slice(5, 10)})
    with pytest.raises(ValueError, match=re.escape(
            "Columns [9] of X belong to both modalities['b'] and modalities['c']")):
        fit(A, y, modalities={"a": slice(0, 5), "b": [5, 6, 7, 8, 9], "c": [-1]})
    with pytest.raises(ValueError, match=re.escape("modalities['b'] selects columns [7] more")):
        fit(A, y, modalities={"a": slice(0, 5), "b": [5, 6, 7, 8, 9, -3]})
    frame = pd.DataFrame(A, columns=[f"g{i}" for i in range(10)])
    with pytest.raises(ValueError, match=re.escape("Columns ['g4'] of X belong to both")):
        fit(frame, y, modalities={"a": [f"g{i}" for i in range(5)],
                                  "b": [f"g{i}" for i in range(4, 10)]})
    with pytest.raises(ValueError, match="X is already a dict"):
        fit(X, y, modalities={"a": [0]})


def test_score_with_labels_unseen_at_fit(fitted):
    clf, X, y = fitted
    # accuracy of a label never predicted is 0 for those rows; the call must not crash
    y_new = y.copy()
    y_new[:5] = 9
    assert 0 <= clf.score(X, y_new) <= 1


@pytest.mark.parametrize(
    "param,value,match",
    [
        ("gamma", -1.0, "'gamma' parameter of CLIMDClassifier must be a float in the range"),
        ("curriculum", "spiral", "'curriculum' parameter of CLIMDClassifier must be"),
        ("curriculum_epochs", 0, "'curriculum_epochs' parameter"),
        ("order", "up", "'order' parameter"),
        ("measurer", "all", "'measurer' parameter"),
    ],
)
def test_invalid_parameters_are_rejected_at_fit(data, param, value, match):
    X, y = data
    clf = CLIMDClassifier(**{param: value})  # __init__ only stores
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)


def test_class_with_one_sample_still_trains(data):
    X, y = data
    y = y.copy()
    keep = np.r_[np.flatnonzero(y != 2), np.flatnonzero(y == 2)[:1]]
    clf = CLIMDClassifier(**dict(FAST, max_epochs=3)).fit({k: v[keep] for k, v in X.items()},
                                                          y[keep])
    assert clf.net_.history[0, "class_counts"][2] in (0, 1)
    assert clf.net_.history[-1, "class_counts"][2] == 1


def test_class_weight_dict_with_unknown_label(data):
    X, y = data
    with pytest.raises(ValueError, match=r"class_weight has labels that are not in y: \[7\]"):
        fit(X, y, class_weight={7: 2.0})


def test_validation_fraction_with_a_single_sample_class(data):
    X, y = data
    keep = np.r_[np.flatnonzero(y != 2), np.flatnonzero(y == 2)[:1]]
    with pytest.raises(ValueError, match="class 2 has 1"):
        fit({k: v[keep] for k, v in X.items()}, y[keep], validation_fraction=0.2)


# ---------------------------------------------------- the one-array form names the modality
def _one_array(data):
    X, y = data
    frame = pd.DataFrame(np.hstack([X["m0"], X["m1"]]),
                         columns=[f"g{i}" for i in range(6)] + [f"p{i}" for i in range(4)])
    return frame, y, {"genes": [f"g{i}" for i in range(6)], "prot": [f"p{i}" for i in range(4)]}


def test_one_array_with_infinity_names_the_modality(data):
    frame, y, modalities = _one_array(data)
    frame.iloc[3, 7] = np.inf
    with pytest.raises(ValueError, match=r"X\['prot'\] contains infinity .* rows \[3\]"):
        CLIMDClassifier(modalities=modalities, **FAST).fit(frame, y)
    clf = CLIMDClassifier(modalities=modalities, **dict(FAST, max_epochs=1))
    clf.fit(frame.replace(np.inf, 0.0), y)
    with pytest.raises(ValueError, match=r"X\['prot'\] contains infinity"):
        clf.predict(frame)


def test_one_array_with_a_string_names_the_modality(data):
    frame, y, modalities = _one_array(data)
    frame["g1"] = frame["g1"].astype(object)
    frame.iloc[2, 1] = "high"
    with pytest.raises(ValueError, match=r"Modality 'genes' has non-numeric columns \['g1'\]"):
        CLIMDClassifier(modalities=modalities, **FAST).fit(frame, y)
    array = frame.to_numpy(dtype=object)
    index_modalities = {"genes": list(range(6)), "prot": list(range(6, 10))}
    with pytest.raises(ValueError, match=re.escape(
            "Modality 'genes' holds text or dates in its columns [1] (columns [1] of X)")):
        CLIMDClassifier(modalities=index_modalities, **FAST).fit(array, y)


# ---------------------------------------------------- rows marked absent hold anything
def test_rows_marked_absent_are_ignored_whatever_they_hold(data):
    X, y = data
    X = {k: v.copy() for k, v in X.items()}
    X["m1"][:5] = np.inf
    X["m1"][5, 0] = np.nan
    present = {"m1": np.arange(len(y)) > 5}
    clf = CLIMDClassifier(random_state=0, **dict(FAST, max_epochs=1)).fit(X, y, present=present)
    proba = clf.predict_proba(X, present=present)
    assert np.all(np.isfinite(proba))
    with pytest.raises(ValueError, match=r"X\['m1'\] contains infinity .* rows \[0, 1, 2, 3, 4\]"):
        clf.predict_proba(X)


def test_present_rows_of_nan_and_present_entries_of_another_length_are_errors(data):
    X, y = data
    X = {k: v.copy() for k, v in X.items()}
    X["m1"][5] = np.nan
    with pytest.raises(ValueError, match=re.escape(
            "Input X['m1'] has rows [5] of NaN that `present` marks present")):
        CLIMDClassifier(**FAST).fit(X, y, present=np.ones((len(y), 2), dtype=bool))
    short = {"m1": np.ones(60, dtype=bool)}
    with pytest.raises(ValueError, match=re.escape("present['m1'] has shape (60,); expected")):
        CLIMDClassifier(**FAST).fit(X, y, present=short)
    # a modality the dict leaves out keeps its NaN rows as absent
    CLIMDClassifier(**dict(FAST, max_epochs=1)).fit(X, y, present={"m0": np.ones(63, bool)})


# ---------------------------------------------------- a SliceDict of DataFrames splits by rows
def test_slicedict_of_dataframes_in_cross_validation_keeps_column_names(data):
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    from climd_sklearn import SliceDict

    X, y = data
    frames = {k: pd.DataFrame(v, columns=[f"{k}_{i}" for i in range(v.shape[1])],
                              index=np.arange(len(y)) * 10)  # labels that are not positions
              for k, v in X.items()}
    Xs = SliceDict(**frames)
    scores = cross_val_score(CLIMDClassifier(random_state=0, **FAST), Xs, y,
                             cv=StratifiedKFold(3), error_score="raise")
    assert np.all(np.isfinite(scores))
    rows = np.array([0, 5, 9])
    assert list(Xs[rows]["m0"].index) == [0, 50, 90]
    half = np.arange(0, len(y), 2)
    clf = CLIMDClassifier(random_state=0, **dict(FAST, max_epochs=1)).fit(Xs[half], y[half])
    assert list(clf.modality_feature_names_["m1"]) == [f"m1_{i}" for i in range(4)]


@pytest.mark.parametrize("params", [{"keep_scores": True}, {"rescore_every": 2},
                                    {"rescore_every": 1}, {"measurer": "intra"},
                                    {"measurer": "inter"}])
@pytest.mark.parametrize("schedule", [{}, {"order": "random"}, {"curriculum": None}])
def test_scoring_parameters_without_a_scoring_pass_are_an_error(data, params, schedule):
    X, y = data
    # the default's order is the random one (research round 43): it scores nothing either
    reason = "curriculum=None" if "curriculum" in schedule else "order='random'"
    with pytest.raises(ValueError, match=rf"{next(iter(params))}=.* no effect with {reason}"):
        CLIMDClassifier(**params, **schedule, **dict(FAST, max_epochs=1)).fit(X, y)
    # with a score order (per member, or one for all, or the paper's) it is used, and accepted
    scored = dict(FAST, max_epochs=1, order="weighted")
    CLIMDClassifier(**params, **scored).fit(X, y)
    CLIMDClassifier(**params, member_subsets=False, **scored).fit(X, y)
    CLIMDClassifier(**params, variant="paper", **dict(FAST, max_epochs=1)).fit(X, y)


def test_a_slicedict_names_the_modality_at_fault(data):
    X, y = data
    with pytest.raises(TypeError, match=r"Modality 'a' of a SliceDict is int; give an array"):
        SliceDict(a=5, m0=X["m0"])
    with pytest.raises(ValueError, match=re.escape("need as many rows each, got {'m0': 63, "
                                                   "'m1': 60}")):
        SliceDict(m0=X["m0"], m1=X["m1"][:60])
    Xs = SliceDict(**X)
    with pytest.raises(ValueError, match=re.escape("Modality 'm2' has 60 rows, but this "
                                                   "SliceDict's modalities have 63")):
        Xs["m2"] = X["m1"][:60]
    with pytest.raises(IndexError, match=re.escape("A boolean mask of shape (60,) selects rows "
                                                   "of a SliceDict of 63 rows")):
        SliceDict(m0=pd.DataFrame(X["m0"]), m1=X["m1"])[np.ones(60, dtype=bool)]
    Xs["m2"] = X["m1"]  # as many rows: fine
    assert len(Xs[np.arange(63) < 10]["m2"]) == 10
