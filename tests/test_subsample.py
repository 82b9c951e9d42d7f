"""Scores averaged over the draws of a subsampled evaluation set (research rounds 29-30)."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from climd_sklearn.benchmark._data import (
    LONG_TAILED_EXPECTED,
    MATCHED_EXPECTED,
    Split,
    make_setting,
)
from climd_sklearn.benchmark._like_for_like_report import SUPERSEDES
from climd_sklearn.benchmark._records import rescore_expected
from climd_sklearn.benchmark._runner import score
from climd_sklearn.benchmark._subsample import (
    expected_scores,
    expected_subsample_score,
    monte_carlo_subsample_score,
)

METRICS = ("accuracy", "f1_weighted", "f1_macro")


def _toy():
    """Three classes of 5, 4 and 3 rows; the predictions also use a label absent from y_true."""
    rng = np.random.RandomState(0)
    y_true = np.array([0] * 5 + [1] * 4 + [2] * 3)
    y_pred = np.where(rng.rand(12) < 0.6, y_true, rng.randint(0, 4, 12))
    assert 3 in y_pred and 3 not in y_true
    return y_true, y_pred


def _every_subsample(y_true, keep):
    """Row indices of every subsample keeping keep[c] rows of each class c named."""
    whole = np.flatnonzero(~np.isin(y_true, list(keep)))
    choices = [itertools.combinations(np.flatnonzero(y_true == c), n) for c, n in keep.items()]
    return [np.sort(np.concatenate([whole, *map(list, kept)])).astype(int)
            for kept in itertools.product(*choices)]


def test_one_draw_scores_one_of_the_subsamples_as_sklearn_does():
    y_true, y_pred = _toy()
    keep = {1: 2, 2: 1}
    every = [score(y_true[idx], y_pred[idx]) for idx in _every_subsample(y_true, keep)]
    for seed in range(5):
        one = monte_carlo_subsample_score(y_true, y_pred, keep, n_draws=1, random_state=seed)
        assert any(all(one[m] == pytest.approx(s[m], abs=1e-12) for m in METRICS)
                   for s in every), one


def test_the_monte_carlo_mean_converges_to_the_mean_over_every_subsample():
    y_true, y_pred = _toy()
    keep = {1: 2, 2: 1}
    every = np.array([[score(y_true[idx], y_pred[idx])[m] for m in METRICS]
                      for idx in _every_subsample(y_true, keep)])  # 6 x 3 = 18 subsamples
    n_draws = 40_000
    mc = monte_carlo_subsample_score(y_true, y_pred, keep, n_draws=n_draws, random_state=0)
    standard_error = every.std(axis=0) / np.sqrt(n_draws)
    for j, metric in enumerate(METRICS):
        assert abs(mc[metric] - every[:, j].mean()) < 4 * standard_error[j]
    # seeded: the same draws again; asking for more rows than a class has keeps them all
    assert mc == monte_carlo_subsample_score(y_true, y_pred, keep, n_draws=n_draws,
                                             random_state=0)
    assert monte_carlo_subsample_score(y_true, y_pred, {1: 9, 2: 3}, n_draws=3) == \
        pytest.approx(score(y_true, y_pred))


def test_every_method_is_scored_on_the_same_draws():
    # a and b split the rows of class 1 between them: a is right on rows 5 and 6, b on 7 and
    # 8. On the same draw their correct counts among the kept rows of class 1 add up to the
    # rows kept, whatever rows they are; on different draws they would not.
    y_true = np.array([0] * 5 + [1] * 4)
    a = np.array([0] * 5 + [1, 1, 0, 0])
    b = np.array([0] * 5 + [0, 0, 1, 1])
    for seed in range(10):
        acc_a, acc_b = (monte_carlo_subsample_score(y_true, p, {1: 2}, n_draws=1,
                                                    random_state=seed)["accuracy"]
                        for p in (a, b))
        assert round(7 * acc_a) + round(7 * acc_b) == 5 + 5 + 2


@pytest.mark.parametrize("keep, n_draws, message", [
    ({4: 1}, 10, r"class 4 of keep is not in y_true, whose classes are \[0, 1, 2\]"),
    ({1: 0}, 10, r"n_keep of class 1 must be an integer >= 1, got 0"),
    ({1: 1.5}, 10, r"n_keep of class 1 must be an integer >= 1, got 1.5"),
    ({1: 1}, 0, r"n_draws must be an integer >= 1, got 0"),
])
def test_monte_carlo_rejects_what_it_cannot_average(keep, n_draws, message):
    y_true, y_pred = _toy()
    with pytest.raises(ValueError, match=message):
        monte_carlo_subsample_score(y_true, y_pred, keep, n_draws=n_draws)
    with pytest.raises(ValueError, match=r"shapes \(12,\) and \(11,\)"):
        monte_carlo_subsample_score(y_true, y_pred[:11], {1: 1})


def test_expected_scores_is_exact_for_one_class_of_two_and_seeded_otherwise():
    y_true, y_pred = _toy()
    binary = (y_true > 0).astype(int)
    split = Split(7, np.zeros((2, 1)), np.array([0, 1]),
                  {"all": (None, y_true), "two": (None, binary)},
                  {"lt": ("all", {1: 2, 2: 1}), "matched": ("two", {1: 3})})
    scores = expected_scores(split, {"all": y_pred, "two": (y_pred > 0).astype(int)})
    assert scores["matched"] == expected_subsample_score(binary, (y_pred > 0).astype(int), 1, 3)
    assert scores["lt"] == monte_carlo_subsample_score(y_true, y_pred, {1: 2, 2: 1},
                                                       random_state=7)
    assert scores["lt"] != monte_carlo_subsample_score(y_true, y_pred, {1: 2, 2: 1},
                                                       random_state=8)


@pytest.mark.parametrize("spec, n_eval", [("mfeat:100", 400), ("synthetic:10", 750)])
def test_long_tailed_settings_carry_the_draws_of_their_long_tailed_eval(spec, n_eval):
    for split in make_setting(spec).splits(2):
        (_, y_bal), (_, y_lt) = split.evals["balanced"], split.evals["long-tailed"]
        assert len(y_bal) == n_eval
        base, keep = split.expected[LONG_TAILED_EXPECTED]
        assert base == "balanced" and list(split.expected) == [LONG_TAILED_EXPECTED]
        for label in np.unique(y_bal):
            n_lt, n_bal = np.sum(y_lt == label), np.sum(y_bal == label)
            # each class kept as in the one draw; the head class, kept whole, not named
            assert keep.get(label, n_bal) == n_lt
            assert (label in keep) == (n_lt < n_bal)
    assert SUPERSEDES[LONG_TAILED_EXPECTED] == "long-tailed"
    assert SUPERSEDES[MATCHED_EXPECTED] == "matched"


# --- rescoring stored records (round 30) ---------------------------------------------------


def _records_file(tmp_path):
    split = Split(3, np.zeros((2, 1)), np.array([0, 1]),
                  {"balanced": (None, _toy()[0]), "long-tailed": (None, np.array([0, 1, 2]))},
                  {LONG_TAILED_EXPECTED: ("balanced", {1: 2, 2: 1})})
    records = []
    for method, pred in (("m", _toy()[1]), ("n", _toy()[0])):
        records.append({"protocol": "full", "setting": "S", "split": 3, "method": method,
                        "scores": {"balanced": score(_toy()[0], pred)},
                        "predictions": {"balanced": pred.tolist()}})
    other = {"protocol": "full", "setting": "T", "split": 0, "method": "m", "scores": {}}
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [*records, other]) + '{"torn')
    return path, split, records, other


def test_rescore_adds_the_expected_evaluation_from_the_stored_predictions(tmp_path):
    path, split, records, other = _records_file(tmp_path)
    assert rescore_expected(str(path), {("S", 3): split}) == 2
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[2] == other and len(lines) == 3  # untouched; the torn line dropped
    for rec, line in zip(records, lines):
        want = expected_scores(split, {"balanced": np.array(rec["predictions"]["balanced"])})
        assert line["scores"] == {**rec["scores"], **want}
    # rescoring again finds the same values and accepts them
    assert rescore_expected(str(path), {("S", 3): split}) == 2


@pytest.mark.parametrize("damage, message", [
    (lambda r: r.pop("predictions"), r"\('S', 3, 'm'\) has no predictions on 'balanced'"),
    (lambda r: r["scores"]["balanced"].update(f1_macro=0.5),
     r"\('S', 3, 'm'\): its predictions on 'balanced' do not give back its stored score"),
    (lambda r: r["predictions"].update(balanced=[0, 1]), r"do not give back its stored score"),
    (lambda r: r["scores"].update({LONG_TAILED_EXPECTED: {"f1_macro": 0.5}}),
     r"\('S', 3, 'm'\) holds 'long-tailed, expected' = \{'f1_macro': 0.5\}, which rescoring"),
])
def test_rescore_refuses_records_it_cannot_trust_and_writes_nothing(tmp_path, damage, message):
    path, split, records, other = _records_file(tmp_path)
    damage(records[0])
    path.write_text("".join(json.dumps(r) + "\n" for r in [*records, other]))
    before = path.read_text()
    with pytest.raises(ValueError, match=message):
        rescore_expected(str(path), {("S", 3): split})
    assert path.read_text() == before
