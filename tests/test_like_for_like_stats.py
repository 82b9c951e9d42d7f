"""The like-for-like protocol's statistics: Holm, Wilcoxon, effect sizes, ranks, Friedman, CD."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from climd_sklearn.benchmark._stats import (
    average_ranks,
    critical_difference,
    friedman_test,
    holm,
    nemenyi_q,
    rank_biserial,
    rank_cliques,
    summarize_paired,
    wilcoxon_p,
)

# --- statistics ---------------------------------------------------------------------------


def test_holm_hand_example():
    # sorted 0.01, 0.03, 0.04 -> x3, x2, x1 = 0.03, 0.06, 0.04 -> running max 0.03, 0.06, 0.06
    np.testing.assert_allclose(holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])
    # capped at 1, NaN kept and not counted in m
    np.testing.assert_allclose(holm([0.6, np.nan, 0.2]), [0.6, np.nan, 0.4])
    np.testing.assert_allclose(holm([0.5, 0.9]), [1.0, 1.0])


def test_average_ranks_with_ties():
    ranks = average_ranks([[0.9, 0.8, 0.8, 0.7], [0.5, 0.5, 0.5, 0.6]])
    np.testing.assert_allclose(ranks, [[1, 2.5, 2.5, 4], [3, 3, 3, 1]])


def test_rank_biserial_hand_examples():
    assert rank_biserial([0.1, 0.3, 0.2]) == 1.0
    assert rank_biserial([-0.1, -0.3]) == -1.0
    # |d| ranks 1, 2, 3: R+ = 1 + 3, R- = 2 -> (4 - 2) / 6
    assert rank_biserial([1.0, -2.0, 3.0]) == pytest.approx(1 / 3)
    # a zero is ranked (rank 1) and split: R+ = 2 + 0.5, R- = 3 + 0.5 -> -1 / 6
    assert rank_biserial([0.0, 1.0, -2.0]) == pytest.approx(-1 / 6)
    assert rank_biserial([0.0, 0.0]) == 0.0


def test_wilcoxon_p_matches_scipy_and_edge_cases():
    d = np.array([0.02, 0.05, -0.01, 0.03, 0.0, 0.04, 0.06, -0.02, 0.07])  # one zero
    assert wilcoxon_p(d) == pytest.approx(stats.wilcoxon(d, zero_method="zsplit").pvalue)
    assert wilcoxon_p(d) != pytest.approx(stats.wilcoxon(d).pvalue)  # zeros are not dropped
    assert wilcoxon_p(np.full(25, 0.01) * np.arange(1, 26)) == pytest.approx(
        2 / 2**25)  # every one of 25 distinct differences positive: exact two-sided p
    assert wilcoxon_p([0.0, 0.0, 0.0]) == 1.0
    assert np.isnan(wilcoxon_p([0.3]))


def test_nemenyi_q_and_cd_against_demsar():
    assert nemenyi_q(10) == pytest.approx(3.164, abs=5e-4)  # Demšar (2006), Table 5a
    assert nemenyi_q(5) == pytest.approx(2.728, abs=5e-4)
    assert critical_difference(10, 25) == pytest.approx(3.164 * np.sqrt(10 * 11 / (6 * 25)),
                                                        abs=1e-3)


def test_friedman_matches_scipy_with_ties():
    rng = np.random.RandomState(0)
    scores = np.round(rng.rand(12, 5) + np.arange(5) * 0.1, 1)  # rounding makes ties
    assert any(len(set(row)) < 5 for row in scores)
    ours = friedman_test(scores)
    ref = stats.friedmanchisquare(*scores.T)
    assert ours["statistic"] == pytest.approx(ref.statistic)
    assert ours["p_value"] == pytest.approx(ref.pvalue)
    chi2, n, k = ours["statistic"], 12, 5
    assert ours["iman_davenport"] == pytest.approx((n - 1) * chi2 / (n * (k - 1) - chi2))


def test_rank_cliques():
    ranks = {"a": 1.0, "b": 1.5, "c": 2.4, "d": 4.0}
    assert rank_cliques(ranks, 1.0) == [["a", "b"], ["b", "c"]]
    assert rank_cliques(ranks, 0.1) == []


def test_summarize_paired_holm_effect_and_goal():
    base = {"A": 0.80, "B": 0.79, "ref": 0.795}
    records = [{"setting": "S", "eval": "e", "split": s, "method": m,
                "f1_macro": v + 0.01 * (s if m == "A" else 0), "fit_time": 1.0}
               for s in range(6) for m, v in base.items()]
    summary = summarize_paired(records, "ref")
    (table,) = summary["tables"]
    rows = {r["method"]: r for r in table["rows"]}
    assert rows["A"]["wins"] == 6 and rows["A"]["rank_biserial"] == 1.0
    assert rows["B"]["losses"] == 6 and rows["B"]["mean_diff"] == pytest.approx(-0.005)
    raw = [rows["A"]["p"], rows["B"]["p"]]
    np.testing.assert_allclose([rows["A"]["p_holm"], rows["B"]["p_holm"]], holm(raw))
    # ref is 3.0 points below A's mean (0.805 + 0.025): more than the 1-point tolerance
    assert table["best_other"] == "A" and not table["goal_met"]
    assert summary["overall"]["mean_ranks"] == {"A": 1.0, "B": 3.0, "ref": 2.0}
    assert summary["overall"]["n_blocks"] == 6 and not summary["goal_met"]
