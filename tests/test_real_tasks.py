"""The pooled summary of the real tasks (climd_sklearn.benchmark._real_tasks)."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from conftest import ROOT, load_script
from scipy import stats
from test_committed_records import LIVE_RECORDS

from climd_sklearn.benchmark._rank_bootstrap import first_place_shares
from climd_sklearn.benchmark._real_tasks import (
    REAL_TASKS,
    RealTask,
    real_tasks_markdown,
    summarize_real_tasks,
)
from climd_sklearn.benchmark._stats import holm, wilcoxon_p

RESULTS = os.path.join(ROOT, "benchmarks", "results")


def _write(folder, records):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "like_for_like.records.jsonl"), "w") as fh:
        for setting, split, method, f1 in records:
            fh.write(json.dumps({"setting": setting, "split": split, "method": method,
                                 "scores": {"untouched": {"f1_macro": f1}}}) + "\n")


@pytest.fixture
def two_tables(tmp_path):
    # task A (table t1): ref 0.60 / 0.70, m1 0.62 / 0.74 (+2, +4), m2 0.60 / 0.65 (0, -5)
    _write(tmp_path / "t1", [
        ("A", 0, "ref", 0.60), ("A", 1, "ref", 0.70),
        ("A", 0, "m1", 0.62), ("A", 1, "m1", 0.74),
        ("A", 0, "m2", 0.60), ("A", 1, "m2", 0.65),
        ("other", 0, "m1", 0.10)])
    # task B (table t2): ref 0.50 / 0.50 / 0.50, m1 0.49 / 0.47 / 0.50 (-1, -3, 0), no m2
    _write(tmp_path / "t2", [
        ("B", 0, "ref", 0.50), ("B", 1, "ref", 0.50), ("B", 2, "ref", 0.50),
        ("B", 0, "m1", 0.49), ("B", 1, "m1", 0.47), ("B", 2, "m1", 0.50)])
    return tmp_path, (RealTask("t1", "A"), RealTask("t2", "B"))


def test_each_task_s_mean_difference_and_the_pooled_counts_by_hand(two_tables):
    results, tasks = two_tables
    summary = summarize_real_tasks(str(results), ["m1", "m2"], tasks, reference="ref")
    a, b = summary["rows"]
    assert (a["task"], a["folder"], a["n_splits"]) == ("A", "t1", 2)
    assert a["reference"] == pytest.approx(65.0)
    assert a["deltas"]["m1"] == pytest.approx(3.0)
    assert a["deltas"]["m2"] == pytest.approx(-2.5)
    assert b["deltas"]["m1"] == pytest.approx(-4.0 / 3.0)
    assert b["deltas"]["m2"] is None  # not fitted there: left out, not counted as a tie
    m1, m2 = summary["pooled"]["m1"], summary["pooled"]["m2"]
    assert m1["n_tasks"] == 2 and m1["mean_delta"] == pytest.approx((3.0 - 4.0 / 3.0) / 2)
    assert (m1["tasks_won"], m1["tasks_lost"]) == (1, 1)
    assert (m1["splits_won"], m1["splits_lost"]) == (2, 2)  # the zero on B's split 2 is neither
    assert m2["n_tasks"] == 1 and (m2["tasks_won"], m2["tasks_lost"]) == (0, 1)
    assert (m2["splits_won"], m2["splits_lost"]) == (0, 1)
    # the test is over the task means, one number per task, not over the pooled splits
    assert m1["p"] == wilcoxon_p([3.0, -4.0 / 3.0])
    assert np.isnan(m2["p"])  # one task: no test
    assert m1["p_holm"] == pytest.approx(holm([m1["p"], m2["p"]])[0])


def _six_tasks(folder):
    """Six one-split tasks: m1 ahead of the reference on all, m2 on the even ones."""
    tasks = []
    for t in range(6):
        _write(folder / f"t{t}", [
            ("X", 0, "ref", 0.5), ("X", 0, "m1", 0.5 + 0.01 * (t + 1)),
            ("X", 0, "m2", 0.5 + 0.01 * (t + 1) * (-1) ** t)])
        tasks.append(RealTask(f"t{t}", "X"))
    return tasks


def test_the_pooled_test_holms_over_the_methods(tmp_path):
    tasks = _six_tasks(tmp_path)  # m1 ahead on all six tasks, m2 on three of them
    summary = summarize_real_tasks(str(tmp_path), ["m1", "m2"], tasks, reference="ref")
    raw = [summary["pooled"][m]["p"] for m in ("m1", "m2")]
    assert raw[0] == pytest.approx(0.03125)  # exact: 2 / 2**6
    assert [summary["pooled"][m]["p_holm"] for m in ("m1", "m2")] == pytest.approx(
        list(holm(raw)))
    assert summary["pooled"]["m1"]["p_holm"] == pytest.approx(0.0625)
    # ranks: even tasks tie m1 and m2 (1.5 each, ref 3), odd ones order m1, ref, m2
    ranks = summary["ranks"]
    assert ranks["methods"] == ["ref", "m1", "m2"]
    assert ranks["mean_ranks"] == pytest.approx({"ref": 2.5, "m1": 1.25, "m2": 2.25})
    means = [[50.0, 50.0 + t + 1, 50.0 + (t + 1) * (-1) ** t] for t in range(6)]
    assert ranks["friedman_p"] == pytest.approx(stats.friedmanchisquare(*np.transpose(means))[1])
    text = real_tasks_markdown(summary)  # best first, with Friedman's p
    # Demšar's CD for k = 3 over N = 6 blocks: q = 2.343, times sqrt(3 * 4 / 36)
    assert ranks["critical_difference"] == pytest.approx(2.343 * np.sqrt(1 / 3), abs=1e-3)
    assert (f"(1 is best; Friedman p = {ranks['friedman_p']:.3f}, Nemenyi critical "
            f"difference {ranks['critical_difference']:.2f} at α = 0.05), and the share") in text
    first = ranks["first_in_resamples"]
    assert text.endswith(f"| m1 | 1.25 | {100 * first['m1']:.1f} % |\n"
                         f"| m2 | 2.25 | {100 * first['m2']:.1f} % |\n| ref | 2.50 | 0.0 % |")


def test_the_first_place_is_recounted_over_the_tasks_drawn_again(tmp_path):
    # the six tasks above: m1 is never behind m2 and ahead on the odd tasks, so m2 shares
    # the first place only in a draw of even tasks alone (1 in 64, split with m1), and the
    # reference, behind m1 everywhere, never has it
    first = summarize_real_tasks(str(tmp_path), ["m1", "m2"], _six_tasks(tmp_path),
                                 reference="ref")["ranks"]["first_in_resamples"]
    assert first["ref"] == 0.0
    assert first["m1"] + first["m2"] == pytest.approx(1.0)
    # each task a unit of its own, all in one stratum: the tasks themselves are redrawn (a
    # stratum per task would redraw nothing and give m1 every first place)
    assert 0.0 < first["m2"] < 0.02
    hand = [[3.0, 1.5, 1.5] if t % 2 == 0 else [2.0, 1.0, 3.0] for t in range(6)]
    assert list(first.values()) == pytest.approx(
        first_place_shares(hand, units=range(6), strata=[0] * 6))


def test_the_mean_ranks_leave_out_a_method_missing_from_a_task(two_tables):
    results, tasks = two_tables
    summary = summarize_real_tasks(str(results), ["m1", "m2"], tasks, reference="ref")
    ranks = summary["ranks"]
    # m2 has no B: ranked with neither; A: m1 68 > ref 65, B: ref 50 > m1 48.7
    assert ranks["mean_ranks"] == {"ref": 1.5, "m1": 1.5}
    assert np.isnan(ranks["friedman_p"])  # two methods: no Friedman test, no post hoc CD
    assert np.isnan(ranks["critical_difference"])
    text = real_tasks_markdown(summary)
    assert text.endswith("Mean rank over the 2 tasks, among the methods fitted on every one "
                         "of them (1 is best), and the share of 2,000 draws of the tasks with "
                         "replacement in which the method ranks first:\n\n"
                         "| method | mean rank | first in task resamples |\n"
                         "| --- | --- | --- |\n"
                         f"| ref | 1.50 | {100 * ranks['first_in_resamples']['ref']:.1f} % |\n"
                         f"| m1 | 1.50 | {100 * ranks['first_in_resamples']['m1']:.1f} % |")
    # A to m1, B to the reference: a draw of A twice, B twice or one each (a tie)
    assert ranks["first_in_resamples"] == pytest.approx({"ref": 0.5, "m1": 0.5}, abs=0.03)


def test_unpaired_splits_and_a_missing_reference_are_errors(two_tables):
    results, tasks = two_tables
    _write(results / "t3", [("C", 0, "ref", 0.5), ("C", 1, "ref", 0.5), ("C", 0, "m1", 0.4)])
    with pytest.raises(ValueError, match=r"'m1' has splits \[0\] of 'C' in t3/.*\[0, 1\]"):
        summarize_real_tasks(str(results), ["m1"], [RealTask("t3", "C")], reference="ref")
    with pytest.raises(ValueError, match=r"t1/ has no 'nobody' record of 'A'"):
        summarize_real_tasks(str(results), ["m1"], tasks, reference="nobody")


def test_markdown_lists_every_task_and_leaves_an_unfitted_method_blank(two_tables):
    results, tasks = two_tables
    text = real_tasks_markdown(
        summarize_real_tasks(str(results), ["m1", "m2"], tasks, reference="ref"))
    assert "| A | `t1/` | 2 | 65.0 | +3.0 | -2.5 |" in text
    assert "| B | `t2/` | 3 | 50.0 | -1.3 |  |" in text
    assert "| m1 | 2 | +0.83 | 1 / 1 | 2 / 2 |" in text


def test_every_real_task_is_a_live_table_with_the_default_and_the_regression_paired():
    # each task's table is one that test_committed_records checks against today's registry, so
    # its default was fitted under today's recipe; a renamed setting or folder fails here
    assert len(set(REAL_TASKS)) == len(REAL_TASKS)
    for task in REAL_TASKS:
        assert task.folder in LIVE_RECORDS, task
    summary = summarize_real_tasks(RESULTS, ["LogReg (balanced)"])
    assert [row["task"] for row in summary["rows"]] == [t.setting for t in REAL_TASKS]
    assert all(row["n_splits"] == 25 for row in summary["rows"])
    assert summary["pooled"]["LogReg (balanced)"]["n_tasks"] == len(REAL_TASKS)


def test_the_docs_section_pools_the_committed_tables_and_waits_for_all_of_them(tmp_path):
    docs = load_script("_docs_like_for_like")
    text = docs.real_tasks_section(RESULTS)
    assert text.startswith("### The real tasks at a glance")
    for task in REAL_TASKS:
        assert f"| {task.setting} | `{task.folder}/` | 25 |" in text
    for method in docs.REAL_TASK_METHODS:
        assert f"\n| {method} | " in text  # its pooled row
    # a results folder without every task's table (a quick run's) gets no section
    (tmp_path / "external").mkdir()
    (tmp_path / "external" / "like_for_like.records.jsonl").write_text("")
    assert docs.real_tasks_section(str(tmp_path)) is None


def test_the_usual_fixes_are_pooled_and_ranked_on_every_real_task():
    # the guide's four usual fixes (SMOTE, undersampling, a reweighted loss, a balanced
    # linear model) each get a pooled row, and all four, fitted on every task, join the
    # mean-rank table (tuned HGB, on some tasks only, does not)
    docs = load_script("_docs_like_for_like")
    usual_fixes = {"SMOTE", "RUS", "Weighted CE", "LogReg (balanced)"}
    assert usual_fixes <= set(docs.REAL_TASK_METHODS)
    summary = summarize_real_tasks(RESULTS, docs.REAL_TASK_METHODS)
    ranked = set(summary["ranks"]["methods"])
    assert {"CLIMD (default)", "LogReg (balanced)", "Weighted CE", "SMOTE", "RUS", "BRF",
            "Heads, no curriculum"} <= ranked
    for fix in usual_fixes:
        assert summary["pooled"][fix]["n_tasks"] == len(REAL_TASKS)
