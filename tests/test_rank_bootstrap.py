"""The split bootstrap of the first place on mean rank."""

import numpy as np
import pytest

from climd_sklearn.benchmark._rank_bootstrap import first_place_shares
from climd_sklearn.benchmark._stats import paired_markdown, summarize_paired


def test_a_method_first_in_every_block_takes_every_resample():
    ranks = np.array([[1.0, 2.0, 3.0], [1.0, 3.0, 2.0], [1.0, 2.5, 2.5]])
    shares = first_place_shares(ranks, [0, 1, 2], ["s"] * 3, n_resamples=50)
    np.testing.assert_array_equal(shares, [1.0, 0.0, 0.0])


def test_a_units_blocks_are_drawn_together_within_its_stratum():
    # stratum "big": one unit of ten blocks that method 0 wins; stratum "small": five
    # one-block units that method 1 wins. Each resample keeps the big unit and five small
    # blocks, so method 0's mean rank is (10 + 10) / 15 against method 1's 25 / 15 every
    # time; drawn as six loose units, the big one would be missing from a third of them
    ranks = np.array([[1.0, 2.0]] * 10 + [[2.0, 1.0]] * 5)
    units = ["u"] * 10 + [f"v{i}" for i in range(5)]
    strata = ["big"] * 10 + ["small"] * 5
    np.testing.assert_array_equal(first_place_shares(ranks, units, strata), [1.0, 0.0])


def test_a_unit_of_many_blocks_counts_as_one_draw():
    # one stratum: unit "u" of 19 blocks that method 0 wins, and nine one-block units that
    # method 1 wins. Ten units are drawn; method 0 is first whenever "u" is drawn at least
    # once (19 k blocks against 10 - k), with probability 1 - 0.9 ** 10 = 0.651; the 28
    # blocks drawn one by one would give method 0 about 0.97
    ranks = np.array([[1.0, 2.0]] * 19 + [[2.0, 1.0]] * 9)
    units = ["u"] * 19 + [f"v{i}" for i in range(9)]
    shares = first_place_shares(ranks, units, ["s"] * 28, n_resamples=4000)
    assert shares[0] == pytest.approx(1 - 0.9**10, abs=0.03)


def test_a_tie_for_first_is_split_evenly_and_the_shares_sum_to_one():
    # two units that the methods trade: a resample drawing each once is an exact tie
    ranks = np.array([[1.0, 2.0], [2.0, 1.0]])
    shares = first_place_shares(ranks, ["a", "b"], ["s", "s"], n_resamples=4000)
    assert shares.sum() == pytest.approx(1.0)
    # P(a twice) + P(once each) / 2 = 1/4 + 1/4
    assert shares[0] == pytest.approx(0.5, abs=0.03)
    # fixed seed, fixed answer
    np.testing.assert_array_equal(
        shares, first_place_shares(ranks, ["a", "b"], ["s", "s"], n_resamples=4000))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"block_ranks": np.ones(3)}, "2-D array"),
    ({"block_ranks": [[1.0, np.nan]]}, "finite"),
    ({"units": [0]}, "one entry per block"),
    ({"strata": ["s", "t"], "units": [0, 0]}, "unit 0 spans strata 's' and 't'"),
    ({"n_resamples": 0}, "n_resamples must be >= 1"),
])
def test_bad_input_is_an_error(kwargs, message):
    args = {"block_ranks": [[1.0, 2.0], [2.0, 1.0]], "units": [0, 1], "strata": ["s", "s"],
            **kwargs}
    with pytest.raises(ValueError, match=message):
        first_place_shares(**args)


def test_the_summary_and_its_table_report_the_shares():
    # "A" wins every split of S by a hair and loses every split of T: first in a resample
    # exactly when it wins the count, which the per-setting draws settle the same way each
    # time (S and T keep their block counts), so A takes them all
    records = [{"setting": st, "eval": "e", "split": sp, "method": m,
                "f1_macro": 0.5 + (0.01 if (m == "A") == (st == "S") else 0.0)}
               for st, n in (("S", 3), ("T", 2)) for sp in range(n) for m in ("A", "ref")]
    summary = summarize_paired(records, "ref")
    assert summary["overall"]["first_shares"] == {"A": 1.0, "ref": 0.0}
    text = paired_markdown(summary)
    assert "| Rank | Method | mean rank | Δ to best rank | first in resamples |" in text
    assert "| 1 | A | 1.40 | +0.00 | 100.0 % |" in text
    # a summary written before the column renders without it
    del summary["overall"]["first_shares"]
    assert "| Rank | Method | mean rank | Δ to best rank |\n" in paired_markdown(summary)
