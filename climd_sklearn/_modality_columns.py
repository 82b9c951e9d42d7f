"""The columns of a single 2-D X that each modality of ``modalities`` takes.

``modalities`` maps each modality's name to a list of column indices, a slice, a boolean mask
or a list of DataFrame column names. Every column of X belongs to exactly one modality: a
column left out, a column selected twice (in one modality or in two), a slice past either end
of X and an index out of range are each a ``ValueError`` that names the modality and the
columns, because each is a mistake that would otherwise feed the encoders the wrong columns
without a word.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["columns_of_raw", "feature_names_of", "resolve_modality_columns"]


def feature_names_of(values: Any) -> np.ndarray | None:
    """Column names of a DataFrame when they are all strings, else None."""
    columns = getattr(values, "columns", None)
    if columns is None:
        return None
    names = np.asarray(columns, dtype=object)
    if len(names) and all(isinstance(c, str) for c in names):
        return names
    return None


def _resolve_columns(name: str, spec: Any, n_features: int, feature_names: Any) -> np.ndarray:
    """Column indices of one modality from an index list, a slice, a mask or column names."""
    positions = np.arange(n_features)
    if isinstance(spec, set | frozenset):
        raise TypeError(
            f"modalities[{name!r}] is a set, which has no order; give a list (or a slice)."
        )
    if isinstance(spec, slice):
        if spec.step == 0:
            raise ValueError(f"modalities[{name!r}] = {spec!r} has a step of 0.")
        if any(not -n_features <= bound <= n_features
               for bound in (spec.start, spec.stop) if bound is not None):
            # a slice past the last column would quietly select fewer columns than it names
            raise ValueError(
                f"modalities[{name!r}] = {spec!r} reaches beyond X, which has {n_features} "
                "columns (a step in front of the estimator that drops columns, such as a "
                "feature selector or BaggingClassifier(max_features < 1.0), leaves the "
                "modalities' columns behind)."
            )
        columns = positions[spec]
    else:
        spec = np.asarray(spec) if not isinstance(spec, str) else np.asarray([spec])
        if spec.size == 0:
            raise ValueError(f"modalities[{name!r}] selects no column.")
        if spec.dtype.kind in "OUS":
            if feature_names is None:
                raise ValueError(
                    f"modalities[{name!r}] names columns, but X has no string column names; "
                    "pass a DataFrame or give column indices."
                )
            lookup = {col: i for i, col in enumerate(feature_names)}
            unknown = [str(c) for c in spec if c not in lookup]
            if unknown:
                raise ValueError(f"modalities[{name!r}] names unknown columns {unknown}.")
            columns = np.asarray([lookup[c] for c in spec], dtype=np.int64)
        elif spec.dtype.kind == "b":
            if spec.shape != (n_features,):
                raise ValueError(
                    f"modalities[{name!r}] is a boolean mask of shape {spec.shape}; "
                    f"expected ({n_features},)."
                )
            columns = positions[spec]
        elif spec.dtype.kind in "iu" and spec.ndim == 1:
            if spec.size and (spec.min() < -n_features or spec.max() >= n_features):
                raise ValueError(
                    f"modalities[{name!r}] has column indices out of range for X with "
                    f"{n_features} features."
                )
            columns = positions[spec]
        else:
            raise TypeError(
                f"modalities[{name!r}] must be a slice, a list of column indices, a boolean "
                f"mask or a list of column names, got {spec!r}."
            )
    if columns.size == 0:
        raise ValueError(f"modalities[{name!r}] selects no column.")
    return columns.astype(np.int64)


def _check_columns_used_once(columns: dict[str, np.ndarray], feature_names: Any) -> None:
    """Refuse a column selected twice, in one modality or in two (an off-by-one bound)."""
    def shown(cols: np.ndarray) -> list:
        return (feature_names[cols] if feature_names is not None else cols).tolist()

    for name, cols in columns.items():
        values, counts = np.unique(cols, return_counts=True)
        if (counts > 1).any():
            raise ValueError(
                f"modalities[{name!r}] selects columns {shown(values[counts > 1])} more than "
                "once."
            )
    names = list(columns)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            shared = np.intersect1d(columns[first], columns[second])
            if shared.size:
                raise ValueError(
                    f"Columns {shown(shared)} of X belong to both modalities[{first!r}] and "
                    f"modalities[{second!r}]; each column belongs to one modality. To give a "
                    "column to several encoders, repeat it in X under another name."
                )


def columns_of_raw(X: Any, modalities: Any) -> dict[str, np.ndarray] | None:
    """Each modality's columns in a not yet validated 2-D X, or None if they can't be told."""
    if not isinstance(modalities, Mapping) or getattr(X, "ndim", 2) != 2:
        return None
    try:
        n_features = np.shape(X)[1]
        names = feature_names_of(X)
        return {k: _resolve_columns(k, v, n_features, names) for k, v in modalities.items()}
    except (TypeError, ValueError, IndexError):
        return None


def resolve_modality_columns(modalities: Any, n_features: int,
                             feature_names: np.ndarray | None) -> dict[str, np.ndarray]:
    """Each modality's column indices in X, every column in exactly one modality.

    Parameters
    ----------
    modalities : dict
        The estimator's ``modalities`` parameter, ``{name: columns}``.
    n_features : int
        The number of columns of X.
    feature_names : numpy.ndarray of str or None
        X's column names, if it is a DataFrame with string column names.

    Returns
    -------
    columns : dict of str to numpy.ndarray of int64
        The column indices of each modality, in the order of ``modalities``.

    Raises
    ------
    TypeError
        If ``modalities`` is not a non-empty dict with string keys, or an entry has an
        unsupported type.
    ValueError
        If an entry selects no column or columns outside X, or a column of X is selected
        twice or by no modality.
    """
    if not isinstance(modalities, Mapping) or not modalities:
        raise TypeError(
            f"modalities must be a non-empty dict {{name: columns}}, got {modalities!r}."
        )
    for key in modalities:
        if not isinstance(key, str):
            raise TypeError(
                f"Modality names must be strings, got {key!r} of type {type(key).__name__}."
            )
    columns = {key: _resolve_columns(key, spec, n_features, feature_names)
               for key, spec in modalities.items()}
    _check_columns_used_once(columns, feature_names)
    unused = np.setdiff1d(np.arange(n_features), np.concatenate(list(columns.values())))
    if unused.size:
        shown = (feature_names[unused] if feature_names is not None else unused).tolist()
        raise ValueError(
            f"Columns {shown} of X belong to no modality; add them to a modality or drop them "
            "before fitting."
        )
    return columns
