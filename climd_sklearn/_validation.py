"""Every input form the estimator accepts, turned into one validated modality dict.

Forms (README, "Input forms"):

1. a mapping ``{name: 2-D array or DataFrame}``, including skorch's ``SliceDict``;
2. a single 2-D array or DataFrame split by the estimator's ``modalities`` parameter;
3. a single 2-D array or DataFrame without ``modalities``: one modality named ``"X"``.

At fit, :func:`validate_fit_data` records the modality layout on the estimator (attributes
ending in ``_``); at predict, :func:`validate_predict_data` checks the new data against it.
Errors name the modality and the fault; nothing is dropped or coerced silently.
"""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype
from scipy.sparse import issparse
from sklearn.utils import check_array
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_consistent_length, column_or_1d, validate_data

from ._modality_columns import columns_of_raw, feature_names_of, resolve_modality_columns
from ._sample_weight import WEIGHT_KEY

__all__ = [
    "PRESENT_KEY",
    "SINGLE_MODALITY_NAME",
    "check_every_modality_seen",
    "split_missing",
    "validate_fit_data",
    "validate_predict_data",
]

SINGLE_MODALITY_NAME = "X"
#: Reserved key under which the (n_samples, n_modalities) presence mask travels with the data.
PRESENT_KEY = "__present__"


def _is_modality_dict(X: Any) -> bool:
    """A mapping of modalities (scipy's dok sparse format is a dict too, but not one)."""
    return isinstance(X, Mapping) and not issparse(X)


def _columns_of_text_or_dates(values: Any) -> list[int]:
    """Columns of a 2-D array (not a DataFrame) that hold strings, bytes or dates.

    ``float()`` reads ``"1.5"`` and a ``datetime64`` as numbers, so a conversion to float32
    would take them silently; a DataFrame's columns are checked by their dtypes instead.
    """
    if hasattr(values, "dtypes") or issparse(values):
        return []
    array = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    if array.ndim != 2:
        return []  # check_array reports the shape
    if array.dtype.kind in "USMm":
        return list(range(array.shape[1]))
    if array.dtype.kind != "O":
        return []
    is_text = np.vectorize(
        lambda v: isinstance(v, str | bytes | np.datetime64 | np.timedelta64 | datetime.date
                             | datetime.timedelta), otypes=[bool]
    )
    return np.flatnonzero(is_text(array).any(axis=0)).tolist() if array.size else []


def _refuse_mixed_column_names(name: str, values: Any) -> None:
    """Column names of mixed types, as scikit-learn refuses them (they would be dropped)."""
    columns = getattr(values, "columns", None)
    if columns is None:
        return
    kinds = sorted({type(c).__name__ for c in columns})
    if len(kinds) > 1 and "str" in kinds:
        raise TypeError(
            f"Modality {name!r} has column names of types {kinds}; feature names are checked "
            "only if all are strings. Convert them all to strings (or all to non-strings)."
        )


def _check_modality(name: Any, values: Any) -> np.ndarray:
    """Validate one modality into a writable C-contiguous float32 2-D array."""
    if not isinstance(name, str):
        raise TypeError(
            f"Modality names must be strings, got {name!r} of type {type(name).__name__}."
        )
    if name in (PRESENT_KEY, WEIGHT_KEY):
        raise ValueError(f"{name!r} is reserved and cannot name a modality.")
    _refuse_mixed_column_names(name, values)
    not_numbers = _columns_of_text_or_dates(values)
    if not_numbers:
        raise ValueError(
            f"Modality {name!r} holds text or dates in columns {not_numbers[:10]}; encode them "
            "as numbers before fitting (numbers written as text are not parsed)."
        )
    dtypes = getattr(values, "dtypes", None)
    if dtypes is not None and hasattr(dtypes, "items"):
        bad = [str(col) for col, dt in dtypes.items() if not is_numeric_dtype(dt)]
        if bad:
            raise ValueError(
                f"Modality {name!r} has non-numeric columns {bad}; encode them as numbers "
                "before fitting."
            )
    try:
        array = check_array(
            values,
            dtype=np.float32,
            input_name=f"X[{name!r}]",
            ensure_min_samples=1,
            ensure_min_features=1,
            ensure_all_finite=False,  # NaN rows mark absence; split_missing checks the rest
        )
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"Modality {name!r}: {exc}") from None
    return np.require(array, requirements=["C", "W"])


def _check_y(y: Any, n_samples: int, estimator_name: str) -> np.ndarray:
    if y is None:
        raise ValueError(
            f"{estimator_name} requires y to be passed, but the target y is None."
        )
    y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
    y = column_or_1d(y, warn=True)
    check_consistent_length(np.empty(n_samples), y)
    return y


def _check_mapping(X: Mapping) -> dict[str, np.ndarray]:
    if len(X) == 0:
        raise ValueError("X is an empty dict; pass at least one modality.")
    arrays = {name: _check_modality(name, values) for name, values in X.items()}
    rows = {name: a.shape[0] for name, a in arrays.items()}
    if len(set(rows.values())) > 1:
        raise ValueError(f"All modalities must have the same number of rows, got {rows}.")
    _check_row_indexes_agree(X)
    return arrays


def _check_row_indexes_agree(X: Mapping) -> None:
    """Refuse DataFrames whose row indexes share labels but differ: rows pair by position.

    Indexes without a common label (patient IDs beside a frame made from an array, whose
    index counts rows) are two naming schemes, not a misalignment, and are not compared.
    """
    frames = [(name, values.index) for name, values in X.items()
              if isinstance(values, pd.DataFrame | pd.Series)]
    for i, (first_name, first) in enumerate(frames):
        for name, index in frames[i + 1:]:
            if index.equals(first) or not first.isin(index).any():
                continue
            at = int(np.flatnonzero(np.asarray(index) != np.asarray(first))[0])
            raise ValueError(
                f"The row indexes of modalities {first_name!r} and {name!r} differ (row {at}: "
                f"{first[at]!r} against {index[at]!r}); rows are paired by position, so this "
                f"would pair different samples. Align them first, e.g. "
                f"X[{name!r}] = X[{name!r}].loc[X[{first_name!r}].index]."
            )


def _raise_naming_the_modality(
    exc: Exception, X: Any, columns: dict[str, np.ndarray] | None
) -> None:
    """Re-raise a failed conversion of a single 2-D X with the modality at fault named."""
    widths_match = (columns and not issparse(X) and getattr(X, "ndim", 2) == 2
                    and np.shape(X)[1] > max(int(c.max()) for c in columns.values()))
    if widths_match:
        for name, cols in columns.items():
            block = X.iloc[:, cols] if hasattr(X, "iloc") else np.asarray(X, dtype=object)[
                :, cols
            ]
            _check_modality(name, block)  # raises, naming the modality, if this block is bad
    raise exc


def _refuse_text_in_one_array(X: Any, columns: dict[str, np.ndarray] | None) -> None:
    """Text or dates in a single 2-D array, named by the modality that holds them."""
    text = _columns_of_text_or_dates(X)
    if not text:
        return
    for name, cols in (columns or {}).items():
        held = np.flatnonzero(np.isin(cols, text)).tolist()
        if held:
            raise ValueError(
                f"Modality {name!r} holds text or dates in its columns {held[:10]} (columns "
                f"{cols[held[:10]].tolist()} of X); encode them as numbers before fitting "
                "(numbers written as text are not parsed)."
            )
    raise ValueError(
        f"X holds text or dates in columns {text[:10]}; encode them as numbers before fitting "
        "(numbers written as text are not parsed)."
    )


def _split_by_modalities(estimator: Any, X: np.ndarray) -> dict[str, np.ndarray]:
    """Split a validated 2-D array by the columns recorded at fit."""
    return {
        name: np.ascontiguousarray(X[:, cols]) for name, cols in estimator.modality_columns_.items()
    }


def validate_fit_data(estimator: Any, X: Any, y: Any) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Validate training data and record the modality layout on ``estimator``.

    Parameters
    ----------
    estimator : CLIMDClassifier
        The estimator being fitted; its ``modalities`` parameter is read and the attributes
        ``input_form_``, ``modality_names_``, ``modality_widths_``,
        ``modality_feature_names_``, ``n_features_in_`` (and ``feature_names_in_``,
        ``modality_columns_`` for array input) are set.
    X : mapping, array-like or DataFrame
        Training data in any supported form.
    y : array-like of shape (n_samples,)
        Targets.

    Returns
    -------
    X_dict : dict of str to numpy.ndarray
        float32 arrays, one per modality, in a fixed order.
    y : numpy.ndarray
        The targets, 1-D and checked to be a classification target.

    Raises
    ------
    ValueError
        For any malformed input; the message names the modality and the fault.
    TypeError
        For non-string modality names or ill-typed ``modalities`` entries.
    """
    name = type(estimator).__name__
    modalities = estimator.modalities
    if _is_modality_dict(X):
        if modalities is not None:
            raise ValueError(
                "The modalities parameter splits a single 2-D array, but X is already a dict "
                "of modalities; set modalities=None."
            )
        arrays = _check_mapping(X)
        y = _check_y(y, next(iter(arrays.values())).shape[0], name)
        estimator.input_form_ = "dict"
        estimator.modality_feature_names_ = {k: feature_names_of(v) for k, v in X.items()}
        estimator.n_features_in_ = int(sum(a.shape[1] for a in arrays.values()))
    else:
        _refuse_text_in_one_array(X, columns_of_raw(X, modalities))
        try:
            X_arr, y = validate_data(
                estimator, X, y, dtype=np.float32, reset=True, ensure_all_finite=False
            )
        except (TypeError, ValueError) as exc:
            _raise_naming_the_modality(exc, X, columns_of_raw(X, modalities))
        X_arr = np.require(X_arr, requirements=["C", "W"])
        estimator.input_form_ = "array"
        feature_names = getattr(estimator, "feature_names_in_", None)
        if modalities is None:
            columns = {SINGLE_MODALITY_NAME: np.arange(X_arr.shape[1])}
        else:
            columns = resolve_modality_columns(modalities, X_arr.shape[1], feature_names)
        estimator.modality_columns_ = columns
        arrays = _split_by_modalities(estimator, X_arr)
        estimator.modality_feature_names_ = {
            k: (feature_names[c] if feature_names is not None else None)
            for k, c in columns.items()
        }
    check_classification_targets(y)
    estimator.modality_names_ = tuple(arrays)
    estimator.modality_widths_ = {k: int(a.shape[1]) for k, a in arrays.items()}
    return arrays, y


def _check_feature_names(name: str, fitted: np.ndarray | None, values: Any, est: str) -> None:
    """Compare a modality's DataFrame columns with those seen at fit, like scikit-learn."""
    current = feature_names_of(values)
    if fitted is None and current is None:
        return
    if fitted is not None and current is None:
        warnings.warn(
            f"Modality {name!r} does not have valid feature names, but {est} was fitted "
            "with feature names",
            UserWarning,
            stacklevel=4,
        )
        return
    if fitted is None:
        warnings.warn(
            f"Modality {name!r} has feature names, but {est} was fitted without feature names",
            UserWarning,
            stacklevel=4,
        )
        return
    if len(fitted) != len(current) or np.any(fitted != current):
        unseen = [c for c in current if c not in set(fitted)]
        missing = [c for c in fitted if c not in set(current)]
        msg = f"Modality {name!r}: the feature names should match those passed during fit."
        if unseen:
            msg += f" Feature names unseen at fit time: {unseen}."
        if missing:
            msg += f" Feature names seen at fit time, yet now missing: {missing}."
        if not unseen and not missing:
            msg += " Feature names must be in the same order as they were in fit."
        raise ValueError(msg)


def validate_predict_data(estimator: Any, X: Any) -> dict[str, np.ndarray]:
    """Validate data for prediction against the layout recorded at fit.

    Parameters
    ----------
    estimator : CLIMDClassifier
        A fitted estimator.
    X : mapping, array-like or DataFrame
        Data in the same form as at fit.

    Returns
    -------
    X_dict : dict of str to numpy.ndarray
        float32 arrays in the order of ``estimator.modality_names_``.

    Raises
    ------
    ValueError
        If the form, the modality names or any modality's width differ from fit.
    """
    est = type(estimator).__name__
    if _is_modality_dict(X):
        if estimator.input_form_ != "dict":
            raise ValueError(
                f"{est} was fitted on a single 2-D array, but X is a dict of modalities; pass "
                "data in the form used at fit."
            )
        expected = list(estimator.modality_names_)
        missing = [m for m in expected if m not in X]
        extra = [m for m in X if m not in estimator.modality_widths_]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing modalities {missing}")
            if extra:
                parts.append(f"modalities not seen at fit {extra}")
            raise ValueError(f"X has {' and '.join(parts)}; {est} was fitted on {expected}.")
        arrays = _check_mapping({m: X[m] for m in expected})
        for m in expected:
            width = arrays[m].shape[1]
            if width != estimator.modality_widths_[m]:
                raise ValueError(
                    f"Modality {m!r} has {width} features, but {est} is expecting "
                    f"{estimator.modality_widths_[m]} features as input for it."
                )
            _check_feature_names(m, estimator.modality_feature_names_[m], X[m], est)
        return arrays
    if estimator.input_form_ != "array":
        raise ValueError(
            f"{est} was fitted on a dict of modalities {list(estimator.modality_names_)}, but "
            f"X is of type {type(X).__name__}; pass a dict with the same modalities."
        )
    _refuse_text_in_one_array(X, estimator.modality_columns_)
    try:
        X_arr = validate_data(
            estimator, X, dtype=np.float32, reset=False, ensure_all_finite=False
        )
    except (TypeError, ValueError) as exc:
        _raise_naming_the_modality(exc, X, estimator.modality_columns_)
    return _split_by_modalities(estimator, np.require(X_arr, requirements=["C", "W"]))


def _as_presence(present: Any, names: tuple[str, ...], n_samples: int) -> np.ndarray:
    """The user's ``present`` argument as a boolean (n_samples, n_modalities) array."""
    if isinstance(present, Mapping):
        unknown = [k for k in present if k not in names]
        if unknown:
            raise ValueError(
                f"present names unknown modalities {unknown}; modalities: {list(names)}."
            )
        ones = np.ones(n_samples, dtype=bool)
        for name, entry in present.items():
            if np.shape(entry) not in ((n_samples,), (n_samples, 1)):
                raise ValueError(
                    f"present[{name!r}] has shape {np.shape(entry)}; expected ({n_samples},), "
                    "one flag per sample."
                )
        present = np.column_stack([np.asarray(present.get(k, ones)) for k in names])
    present = np.asarray(present)
    if present.shape != (n_samples, len(names)):
        raise ValueError(
            f"present must have shape (n_samples, n_modalities) = ({n_samples}, {len(names)}), "
            f"got {present.shape}."
        )
    if present.dtype != bool:
        raise TypeError(f"present must be boolean (True = modality present), got {present.dtype}.")
    return present


def split_missing(
    arrays: dict[str, np.ndarray], present: Any = None
) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """Find absent modalities (rows of NaN, or ``present`` False) and zero-fill them.

    Parameters
    ----------
    arrays : dict of str to numpy.ndarray
        Validated modalities; NaN is allowed only as a whole row (the modality is absent).
    present : dict, array-like of shape (n_samples, n_modalities) or None, default=None
        An explicit boolean mask, True where a modality is present; rows marked absent are
        ignored whatever they hold. A dict ``{name: (n_samples,) bool}`` may list only some
        modalities (the others are present).

    Returns
    -------
    arrays : dict of str to numpy.ndarray
        The data with absent rows set to 0 (the same arrays when nothing is missing).
    mask : numpy.ndarray of shape (n_samples, n_modalities) or None
        True where present; None when every modality of every sample is present.

    Raises
    ------
    ValueError
        If a row of a present modality holds infinity or is only partly NaN, or a sample
        has no modality present.
    """
    names = tuple(arrays)
    n_samples = next(iter(arrays.values())).shape[0]
    given = None if present is None else _as_presence(present, names, n_samples)
    mask = np.ones((n_samples, len(names)), dtype=bool)
    for m, (name, values) in enumerate(arrays.items()):
        nan = np.isnan(values)
        if given is not None:
            # a dict may leave modalities out; their NaN rows still mark absence
            listed = not isinstance(present, Mapping) or name in present
            marked = np.flatnonzero(nan.all(axis=1) & given[:, m] & listed)
            if marked.size:
                raise ValueError(
                    f"Input X[{name!r}] has rows {marked[:10].tolist()} of NaN that `present` "
                    "marks present; mark them absent in `present`, or give their values."
                )
            nan[~given[:, m]] = True
        infinite = np.flatnonzero(np.isinf(values).any(axis=1) & ~nan.all(axis=1))
        if infinite.size:
            raise ValueError(
                f"Input X[{name!r}] contains infinity or a value too large for float32 in "
                f"rows {infinite[:10].tolist()}; only rows marked absent may hold any value."
            )
        whole = nan.all(axis=1)
        partial = np.flatnonzero(nan.any(axis=1) & ~whole)
        if partial.size:
            raise ValueError(
                f"Input X[{name!r}] contains NaN in only part of rows {partial[:10].tolist()}; "
                "a missing modality must be a whole row of NaN (or marked in `present`), "
                "other missing values are not supported: impute them first."
            )
        mask[:, m] = ~whole
    if mask.all():
        return arrays, None
    empty = np.flatnonzero(~mask.any(axis=1))
    if empty.size:
        raise ValueError(
            f"Samples {empty[:10].tolist()} have no modality present (every modality is NaN); "
            "each sample needs at least one."
        )
    filled = {}
    for m, (name, values) in enumerate(arrays.items()):
        values = values.copy() if not mask[:, m].all() else values
        values[~mask[:, m]] = 0.0
        filled[name] = values
    return filled, mask


def check_every_modality_seen(arrays: dict[str, np.ndarray], mask: np.ndarray | None) -> None:
    """Refuse training data in which a modality is absent from every sample.

    Such a modality's encoder, and the fused classifier's weights for its embedding, would
    never receive a gradient; wherever the modality is present at prediction their
    untrained output would still enter the decision.

    Parameters
    ----------
    arrays : dict of str to numpy.ndarray
        The training modalities, in the order of ``mask``'s columns.
    mask : numpy.ndarray of shape (n_samples, n_modalities) or None
        True where a modality is present (:func:`split_missing`); None when all are.

    Raises
    ------
    ValueError
        Naming each modality that no training sample has.
    """
    if mask is None:
        return
    never = [name for name, seen in zip(arrays, mask.any(axis=0)) if not seen]
    if never:
        raise ValueError(
            f"Modalities {never} are absent (a row of NaN, or marked absent in `present`) "
            f"in every one of the {mask.shape[0]} training samples, so the network cannot "
            "learn them, and their untrained encoders would still enter every prediction "
            "where they are present. Drop them from X, or train on samples that have them."
        )
