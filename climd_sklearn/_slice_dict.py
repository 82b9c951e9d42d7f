"""skorch's SliceDict, extended to index pandas values by position."""

from __future__ import annotations

from typing import Any

import numpy as np
from skorch.helper import SliceDict as _SkorchSliceDict

__all__ = ["SliceDict"]


class SliceDict(_SkorchSliceDict):
    """A dict of modalities that can be indexed by rows, for cross-validation and searches.

    skorch's :class:`skorch.helper.SliceDict` indexes each value with ``value[rows]``,
    which on a pandas DataFrame selects columns and fails inside ``cross_val_score``.
    This subclass indexes pandas DataFrames and Series by position (``.iloc``), so a
    SliceDict of DataFrames splits by rows and keeps its column names; numpy arrays and
    torch tensors are indexed as in skorch.

    Parameters
    ----------
    **kwargs : dict
        The modalities: ``name=array-like`` with the same number of rows.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from climd_sklearn import SliceDict
    >>> X = SliceDict(a=pd.DataFrame({"g1": [1.0, 2.0, 3.0]}), b=np.zeros((3, 2)))
    >>> X[np.array([0, 2])]["a"]
        g1
    0  1.0
    2  3.0
    """

    def __init__(self, **kwargs: Any) -> None:
        for key, value in kwargs.items():
            _check_value(key, value)
        lengths = {key: value.shape[0] for key, value in kwargs.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(
                f"The modalities of a SliceDict need as many rows each, got {lengths}."
            )
        super().__init__(**kwargs)

    def __setitem__(self, key: str, value: Any) -> None:
        """Set modality ``key``; it needs the rows of the modalities already there.

        Parameters
        ----------
        key : str
            The modality's name.
        value : array-like
            Its values, with one row per sample.
        """
        _check_value(key, value)
        if set(self) - {key} and value.shape[0] != len(self):
            raise ValueError(
                f"Modality {key!r} has {value.shape[0]} rows, but this SliceDict's "
                f"modalities have {len(self)}."
            )
        super().__setitem__(key, value)

    def __getitem__(self, sl: Any) -> Any:
        """A modality by name, or every modality's rows ``sl``.

        Parameters
        ----------
        sl : str, slice or array-like
            A modality name, or the rows to take (integer indices, a slice or a mask).

        Returns
        -------
        value : array-like or SliceDict
            The modality, or a new SliceDict holding the selected rows.
        """
        if isinstance(sl, (str, int)):
            return super().__getitem__(sl)
        # scikit-learn indexes arrays as ``X[rows, ...]``; pandas takes the rows alone
        rows = sl[0] if isinstance(sl, tuple) and sl[1:] == (Ellipsis,) else sl
        mask = np.asarray(rows) if isinstance(rows, list | np.ndarray) else None
        if mask is not None and mask.dtype == bool and mask.shape != (len(self),):
            raise IndexError(
                f"A boolean mask of shape {mask.shape} selects rows of a SliceDict of "
                f"{len(self)} rows; it needs one flag per row."
            )
        return type(self)(
            **{k: (v.iloc[rows] if hasattr(v, "iloc") else v[sl]) for k, v in self.items()}
        )


def _check_value(key: Any, value: Any) -> None:
    """A modality needs rows: an array, DataFrame or tensor, not a scalar or a list."""
    if not hasattr(value, "shape") or len(value.shape) == 0:
        raise TypeError(
            f"Modality {key!r} of a SliceDict is {type(value).__name__}; give an array, a "
            "DataFrame or a tensor with one row per sample."
        )
