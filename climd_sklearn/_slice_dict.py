"""skorch's SliceDict, extended to index pandas values by position."""

from __future__ import annotations

from typing import Any

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
        return type(self)(
            **{k: (v.iloc[rows] if hasattr(v, "iloc") else v[sl]) for k, v in self.items()}
        )
