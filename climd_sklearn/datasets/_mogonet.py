"""Reader of data folders in the MOGONET layout (BRCA, ROSMAP, KIPAN, LGG, ...)."""

from __future__ import annotations

import itertools
import os
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ._base import EXACT_FLOATS, _modality_name_list

__all__ = ["load_mogonet"]

_NUMBERED_FILE = re.compile(r"^(\d+)_(tr|te|featname)\.csv$")


def _describe_cell(path: Path, row: int, column: int) -> str:
    """Say why cell (``row``, ``column``) of ``path`` (0-based; blank lines skipped) is bad."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        line = next(itertools.islice((text for text in fh if text.strip()), row, None), "")
    fields = line.rstrip("\r\n").split(",")
    if column >= len(fields):
        return f"row {row + 1} has {len(fields)} fields where other rows have more"
    if not fields[column].strip():
        return f"row {row + 1}, column {column + 1} is empty"
    return f"row {row + 1}, column {column + 1} holds {fields[column].strip()!r}"


def _read_matrix(path: Path) -> np.ndarray:
    """Read a header-less, comma-separated numeric CSV file into a 2-D float64 array.

    Blank lines are skipped (they hold no row). Every row must hold the same number of
    fields, each a finite number: MOGONET's files have no missing values, so an empty field,
    a short row or a ``nan`` / ``inf`` entry is an error naming the file, the row (counting
    non-blank lines) and the column.
    """
    try:
        table = pd.read_csv(path, header=None, dtype=np.float64, **EXACT_FLOATS)
    except pd.errors.EmptyDataError as exc:
        raise ValueError(f"{path} is empty.") from exc
    except ValueError as exc:
        raise ValueError(f"{path} could not be read as a numeric matrix: {exc}") from exc
    values = table.to_numpy()
    bad = ~np.isfinite(values)
    if bad.any():
        row, column = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{path}: {_describe_cell(path, row, column)}; a MOGONET file holds a finite "
            "number in every field (no missing values)."
        )
    return values


def _check_labels(labels: np.ndarray, where: Any, n_classes: int | None = None) -> None:
    """Check that ``labels`` are ``0, 1, ...`` (below ``n_classes`` when it is given)."""
    high = np.inf if n_classes is None else n_classes
    bad = labels[(labels < 0) | (labels >= high)]
    if bad.size:
        allowed = "0, 1, ..." if n_classes is None else f"0..{n_classes - 1}"
        raise ValueError(
            f"{where} holds labels outside {allowed} (for example {float(bad[0])!r}); MOGONET's "
            "class labels are the integers 0, 1, ... written as floats."
        )


def _read_labels(path: Path) -> np.ndarray:
    """Read a one-value-per-line label file and return integer labels."""
    values = _read_matrix(path)
    if values.shape[1] != 1:
        raise ValueError(f"{path} must hold one label per line; found {values.shape[1]} columns.")
    labels = values[:, 0]
    if not np.array_equal(labels, np.round(labels)):
        bad = labels[labels != np.round(labels)]
        raise ValueError(
            f"{path} holds non-integral labels (for example {bad[0]!r}); class labels must be "
            "integers written as floats such as 0.0, 1.0."
        )
    _check_labels(labels, path)
    return labels.astype(np.int64)


def _read_featnames(path: Path) -> list[str]:
    """Read one feature name per line, ignoring empty lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def load_mogonet(
    path: str | os.PathLike[str],
    *,
    modality_names: Sequence[str] | None = None,
    as_frame: bool = False,
) -> Bunch:
    """Load a multimodal data set stored in the MOGONET folder layout.

    MOGONET (Wang et al., Nature Communications 2021) shares its preprocessed BRCA, ROSMAP,
    KIPAN and LGG sets as folders holding, for modalities ``K = 1, 2, ...``:

    - ``K_tr.csv`` and ``K_te.csv``: the training and test matrices of modality ``K``, no
      header, one sample per row, comma separated;
    - ``K_featname.csv`` (optional): the feature names of modality ``K``, one per line, in
      column order;
    - ``labels_tr.csv`` and ``labels_te.csv``: one label per line, written as floats
      (``0.0, 1.0, ...``).

    Modalities are numbered from 1 and read until the first missing number. These data sets
    carry their own terms of use and are not shipped with this package: pass the folder you
    downloaded.

    Parameters
    ----------
    path : str or path-like
        The folder.
    modality_names : sequence of str or None, default=None
        Names of the modalities ``1, 2, ...`` in the returned dicts. ``None`` uses ``"1"``,
        ``"2"``, ... . Must hold as many unique names as there are modalities.
    as_frame : bool, default=False
        If True, each modality is a pandas DataFrame whose columns are the feature names
        (``"<modality>_<j>"`` when there is no featname file) and the labels are pandas Series
        named ``"target"``.

    Returns
    -------
    :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        X_train : dict of str to ndarray of shape (n_train, n_features_k) or DataFrame
            Training matrices (float64), keyed by modality name, in modality order.
        y_train : ndarray of shape (n_train,) or Series
            Training labels (int64).
        X_test : dict of str to ndarray of shape (n_test, n_features_k) or DataFrame
            Test matrices, same keys and widths as ``X_train``.
        y_test : ndarray of shape (n_test,) or Series
            Test labels (int64).
        feature_names : dict of str to list of str or None
            Feature names of each modality, ``None`` where there is no featname file.
        modality_names : list of str
            The modality names, in order.
        DESCR : str
            A short description: folder, modalities, widths and class counts.

    Raises
    ------
    FileNotFoundError
        If the folder, ``1_tr.csv``, the ``K_te.csv`` of an existing ``K_tr.csv`` (or the
        reverse), or a label file is missing.
    ValueError
        If a file holds an empty field, a short row or a value that is not a finite number
        (the message names the file, row and column), a label file holds non-integral or
        negative values or more than one column, the row count of a matrix
        differs from that of its label file, a featname file does not list one name per
        column, the training and test widths of a modality differ, or ``modality_names`` is
        one string or does not hold one unique name per modality.
    TypeError
        If ``modality_names`` holds a name that is not a string, or ``as_frame`` is not a
        bool.

    Examples
    --------
    >>> from climd_sklearn.datasets import load_mogonet
    >>> data = load_mogonet("path/to/ROSMAP")  # doctest: +SKIP
    >>> {k: v.shape for k, v in data.X_train.items()}  # doctest: +SKIP
    {'1': (245, 200), '2': (245, 200), '3': (245, 200)}
    """
    if not isinstance(as_frame, bool | np.bool_):
        raise TypeError(f"as_frame must be True or False; got {as_frame!r}.")
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"MOGONET data folder not found: {folder}")
    if not (folder / "1_tr.csv").is_file():
        raise FileNotFoundError(
            f"{folder / '1_tr.csv'} not found: a MOGONET folder holds 1_tr.csv, 1_te.csv, "
            "2_tr.csv, ..., labels_tr.csv and labels_te.csv."
        )

    n_modalities = 0
    while True:
        k = n_modalities + 1
        has_tr = (folder / f"{k}_tr.csv").is_file()
        has_te = (folder / f"{k}_te.csv").is_file()
        if has_tr and not has_te:
            raise FileNotFoundError(
                f"{folder / f'{k}_tr.csv'} exists but {folder / f'{k}_te.csv'} is missing."
            )
        if has_te and not has_tr:
            raise FileNotFoundError(
                f"{folder / f'{k}_te.csv'} exists but {folder / f'{k}_tr.csv'} is missing."
            )
        if not has_tr:
            break
        n_modalities = k
    stray = sorted(
        name
        for name in os.listdir(folder)
        if (match := _NUMBERED_FILE.match(name)) and int(match.group(1)) > n_modalities
    )
    if stray:
        warnings.warn(
            f"Read modalities 1-{n_modalities} of {folder}; ignoring {', '.join(stray)} after "
            f"the missing modality {n_modalities + 1}.",
            UserWarning,
            stacklevel=2,
        )

    if modality_names is None:
        names = [str(k) for k in range(1, n_modalities + 1)]
    else:
        names = _modality_name_list(modality_names)
        if len(names) != n_modalities:
            raise ValueError(
                f"modality_names has {len(names)} names but {folder} holds {n_modalities} "
                "modalities."
            )
        if len(set(names)) != len(names):
            raise ValueError(f"modality_names must be unique; got {names}.")

    labels = {}
    for split in ("tr", "te"):
        label_path = folder / f"labels_{split}.csv"
        if not label_path.is_file():
            raise FileNotFoundError(f"Label file not found: {label_path}")
        labels[split] = _read_labels(label_path)

    X: dict[str, dict[str, Any]] = {"tr": {}, "te": {}}
    feature_names: dict[str, list[str] | None] = {}
    for k, name in enumerate(names, start=1):
        widths = {}
        for split in ("tr", "te"):
            matrix_path = folder / f"{k}_{split}.csv"
            matrix = _read_matrix(matrix_path)
            n_labels = labels[split].shape[0]
            if matrix.shape[0] != n_labels:
                raise ValueError(
                    f"{matrix_path} has {matrix.shape[0]} rows but labels_{split}.csv has "
                    f"{n_labels} labels."
                )
            widths[split] = matrix.shape[1]
            X[split][name] = matrix
        if widths["tr"] != widths["te"]:
            raise ValueError(
                f"{folder / f'{k}_tr.csv'} has {widths['tr']} columns but "
                f"{folder / f'{k}_te.csv'} has {widths['te']}."
            )
        featname_path = folder / f"{k}_featname.csv"
        if featname_path.is_file():
            featnames = _read_featnames(featname_path)
            if len(featnames) != widths["tr"]:
                raise ValueError(
                    f"{featname_path} lists {len(featnames)} feature names but {k}_tr.csv has "
                    f"{widths['tr']} columns."
                )
            feature_names[name] = featnames
        else:
            feature_names[name] = None

    y: dict[str, Any] = dict(labels)
    if as_frame:
        for split in ("tr", "te"):
            for name in names:
                columns = feature_names[name] or [
                    f"{name}_{j}" for j in range(X[split][name].shape[1])
                ]
                X[split][name] = pd.DataFrame(X[split][name], columns=columns)
            y[split] = pd.Series(labels[split], name="target")

    descr_lines = [f"MOGONET-layout data set read from {folder}", ""]
    descr_lines += [
        f"- modality {name!r} ({k}_*.csv): {X['tr'][name].shape[1]} features"
        for k, name in enumerate(names, start=1)
    ]
    for split, title in (("tr", "training"), ("te", "test")):
        classes, counts = np.unique(labels[split], return_counts=True)
        per_class = ", ".join(f"{c}: {n}" for c, n in zip(classes.tolist(), counts.tolist()))
        descr_lines.append(f"- {title} rows: {labels[split].shape[0]} (per class {per_class})")

    return Bunch(
        X_train=X["tr"],
        y_train=y["tr"],
        X_test=X["te"],
        y_test=y["te"],
        feature_names=feature_names,
        modality_names=names,
        DESCR="\n".join(descr_lines) + "\n",
    )
