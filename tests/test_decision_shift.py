"""benchmarks/decision_shift.py: the default's decision shifted by tau * log(training prior)."""

import numpy as np
import pytest
from conftest import load_script

from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark._data import Setting, Split, pooled_cv_splits
from climd_sklearn.benchmark._runner import score

shift = load_script("decision_shift")


def _split():
    """Three training samples of class 0 and one of class 1; four untouched test rows."""
    y_test = np.array([0, 1, 0, 1])
    return Split(7, np.zeros((4, 1)), np.array([0, 0, 0, 1]),
                 {"untouched": (np.zeros((4, 1)), y_test)})


def _record(rows):
    return {"setting": "toy", "split": 7, "classes": [0, 1],
            "log_proba": {"untouched": np.log(rows).tolist()},
            "predictions": {"untouched": np.argmax(rows, axis=1).tolist()}}


def test_the_shift_adds_tau_times_the_log_training_prior():
    # pi = (3/4, 1/4): tau * log(pi) favours class 0 by tau * log 3 nats
    rows = np.array([[0.5, 0.5], [0.4, 0.6], [0.3, 0.7], [0.2, 0.8]])
    record, split = _record(rows), _split()
    # log(0.6/0.4) = 0.405 < log 3 * 0.5 = 0.549 < log(0.7/0.3) = 0.847
    assert shift.shifted_predictions(record, split, 0.5)["untouched"].tolist() == [0, 0, 1, 1]
    assert shift.shifted_predictions(record, split, 1.0)["untouched"].tolist() == [0, 0, 0, 1]
    assert shift.shifted_predictions(record, split, -0.1)["untouched"].tolist() == [1, 1, 1, 1]
    scores = shift.shifted_scores(record, split, 0.5)
    assert scores == {"untouched": score([0, 1, 0, 1], [0, 0, 1, 1])["f1_macro"]}


def test_the_analysis_reports_each_taus_mean_and_paired_difference():
    rows = np.array([[0.5, 0.5], [0.4, 0.6], [0.3, 0.7], [0.2, 0.8]])
    result = shift.analyze([_record(rows)], {("toy", 7): _split()}, taus=(0.0, 1.0))
    column = result["columns"]["toy / untouched"]
    at_zero = 100 * score([0, 1, 0, 1], [0, 1, 1, 1])["f1_macro"]  # a tie goes to class 0
    at_one = 100 * score([0, 1, 0, 1], [0, 0, 0, 1])["f1_macro"]
    assert column[0.0] == {"mean": pytest.approx(at_zero), "delta": 0.0}
    assert column[1.0] == {"mean": pytest.approx(at_one), "delta": pytest.approx(at_one - at_zero)}
    assert result["n_splits"] == {"toy": 1} and result["flipped"] == 0
    assert "| toy / untouched | " in shift.markdown(result)


def test_what_cannot_be_scored_is_refused_by_name():
    rows = np.array([[0.5, 0.5]] * 4)
    with pytest.raises(ValueError, match=r"taus must include 0"):
        shift.analyze([_record(rows)], {("toy", 7): _split()}, taus=(1.0,))
    with pytest.raises(ValueError, match=r"toy split 7: the record has no log-probabilities"):
        shift.analyze([{"setting": "toy", "split": 7}], {("toy", 7): _split()})
    with pytest.raises(ValueError, match=r"toy split 7: no such split"):
        shift.analyze([_record(rows)], {})
    no_ones = Split(7, np.zeros((3, 1)), np.array([0, 0, 0]), {})
    with pytest.raises(ValueError, match=r"toy split 7: class 1 has no training sample"):
        shift.shifted_predictions(_record(rows), no_ones, 1.0)


def test_tau_zero_gives_back_the_runners_stored_scores_and_predictions(tmp_path):
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1], 60)
    X = rng.standard_normal((120, 6)) + y[:, None]
    setting = Setting("toy IR 3", {"a": 3, "b": 3}, lambda n: pooled_cv_splits(X, y, 3, n))
    split = next(iter(setting.splits(1)))
    specs = l4l.resolve_methods(["CLIMD (default)"])
    (record,) = l4l.run_split(setting.name, split, setting.layout, specs,
                              str(tmp_path / "r.jsonl"), "quick", True, store_log_proba=True)
    result = shift.analyze([record], {(setting.name, split.index): split})
    assert result["flipped"] == 0
    for ev in ("untouched", "matched, expected"):
        column = result["columns"][f"toy IR 3 / {ev}"]
        assert column[0.0]["mean"] == pytest.approx(100 * record["scores"][ev]["f1_macro"])
    assert "toy IR 3 / matched" not in result["columns"]  # the single draw is not reported
