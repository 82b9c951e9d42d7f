"""benchmarks/lever_tradeoff.py: the points it takes from records files, and its summary."""

import json

import pytest
from conftest import load_script

tradeoff = load_script("lever_tradeoff")


def _record(method, setting, split, **f1_by_eval):
    return {"method": method, "setting": setting, "split": split,
            "scores": {name: {"f1_macro": f1} for name, f1 in f1_by_eval.items()}}


def _file_records(candidate_shift=0.01, n_splits=5):
    """Records of a default and one candidate on the three settings, the candidate shifted."""
    records = []
    for split in range(n_splits):
        base = 0.5 + 0.01 * split
        for method, shift in (("CLIMD (default)", 0.0), ("CLIMD, lever", candidate_shift)):
            records.append(_record(method, "mfeat LT rho 100", split,
                                   **{"long-tailed": base + shift,
                                      "long-tailed, expected": base + 2 * shift}))
            records.append(_record(method, "ROSMAP IR 5", split, untouched=base - shift,
                                   matched=base + shift))
            records.append(_record(method, "ROSMAP IR 10", split, untouched=base - 3 * shift,
                                   matched=base + shift,
                                   **{"matched, expected": base + 5 * shift}))
    return records


def test_a_point_is_the_paired_mean_difference_in_points_with_the_expected_scores_first():
    (point,) = tradeoff.points_of(_file_records(0.01), "f")
    assert point["method"] == "CLIMD, lever"
    assert point["long tail"] == pytest.approx(2.0)  # the expected draw, not the one draw
    assert point["untouched"] == pytest.approx((-1.0 - 3.0) / 2)
    # IR 5 has no expected matched score, so its one draw; IR 10 its expected one
    assert point["matched"] == pytest.approx((1.0 + 5.0) / 2)
    assert point["n_pairs"] == 5


def test_copied_records_count_once_and_a_point_needs_enough_pairs_in_every_column():
    records = _file_records(0.01)
    assert tradeoff.points_of(records[:-6], "f") == []  # four splits: too few
    copied = [dict(r, copied_from="an earlier run") if r["method"] == "CLIMD, lever"
              and r["setting"] == "ROSMAP IR 10" else r for r in records]
    assert tradeoff.points_of(copied, "f") == []
    # a method that does not start with CLIMD is not a lever of the network
    renamed = [dict(r, method="LogReg (balanced)") if r["method"] == "CLIMD, lever" else r
               for r in records]
    assert tradeoff.points_of(renamed, "f") == []


def test_the_expected_scores_are_used_only_where_both_records_have_them():
    records = _file_records(0.01)
    for r in records:
        if r["method"] == "CLIMD (default)" and r["setting"] == "mfeat LT rho 100":
            del r["scores"]["long-tailed, expected"]
    (point,) = tradeoff.points_of(records, "f")
    assert point["long tail"] == pytest.approx(1.0)


def test_the_summary_correlates_the_long_tail_with_each_rosmap_column(tmp_path):
    for i, shift in enumerate((0.005, 0.01, 0.02)):
        folder = tmp_path / f"run{i}"
        folder.mkdir()
        with open(folder / "like_for_like.records.jsonl", "w") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in _file_records(shift))
    points = tradeoff.collect_points(str(tmp_path))
    assert [p["source"] for p in points] == [f"run{i}/like_for_like.records.jsonl"
                                             for i in range(3)]
    summary = tradeoff.summarize(points)
    assert summary["untouched"]["spearman"] == pytest.approx(-1.0)
    assert summary["matched"]["spearman"] == pytest.approx(1.0)
    # the long tail gains 1.0, 2.0 and 4.0 points, ROSMAP's untouched folds lose: none closes
    assert summary["close the gap without ROSMAP's untouched cost"] == []
    tradeoff.main(["--results", str(tmp_path), "--out", str(tmp_path / "out"), "--no-figure"])
    report = (tmp_path / "out" / "lever_tradeoff.md").read_text()
    assert "untouched folds: -1.00" in report and "3 points" in report


def test_a_point_that_gains_the_long_tail_without_rosmaps_cost_is_listed():
    point = {"source": "f", "method": "CLIMD, x", "long tail": 1.2, "untouched": 0.0,
             "matched": 0.0, "n_pairs": 5}
    other = dict(point, method="CLIMD, y", matched=0.1, **{"long tail": 1.19})
    assert tradeoff.summarize([point, other, dict(point, untouched=-0.01, matched=0.2)])[
        "close the gap without ROSMAP's untouched cost"] == [point]
