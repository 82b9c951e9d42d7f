"""Per-modality standardization of the inputs, fitted on the present rows of the training data.

A network trained with one learning rate and one L2 weight decay (``5 / n_samples`` in the
improved variant) treats every input feature alike, which only makes sense when the features
are on a common scale: features with a spread of 0.01 need large weights that the decay then
removes, and features with a spread of 1,000 dominate the first layer (LeCun et al. 1998,
*Efficient BackProp*). Scaling each modality separately is what a dict of modalities cannot
get from a scikit-learn ``Pipeline``, so the estimator does it (``standardize``).
"""

from __future__ import annotations

import numpy as np
from sklearn.preprocessing import StandardScaler

__all__ = ["fit_modality_scalers", "scale_modalities"]


def fit_modality_scalers(
    arrays: dict[str, np.ndarray], mask: np.ndarray | None
) -> dict[str, StandardScaler]:
    """Fit one ``StandardScaler`` per modality on the rows where that modality is present.

    Parameters
    ----------
    arrays : dict of str to numpy.ndarray
        The modalities, absent rows already zero-filled.
    mask : numpy.ndarray of shape (n_samples, n_modalities) or None
        True where a modality is present, columns in the order of ``arrays``; None when
        every modality of every sample is present.

    Returns
    -------
    scalers : dict of str to StandardScaler
        One fitted scaler per modality. A constant feature gets scale 1 (scikit-learn's rule),
        so it becomes 0 instead of NaN; a modality absent from every row gets the identity.
    """
    scalers = {}
    for m, (name, values) in enumerate(arrays.items()):
        rows = values if mask is None else values[mask[:, m]]
        if rows.shape[0] == 0:
            # absent from every training sample: nothing to estimate, leave it as it is
            scalers[name] = StandardScaler(with_mean=False, with_std=False).fit(values)
        else:
            scalers[name] = StandardScaler().fit(rows)
    return scalers


def scale_modalities(
    arrays: dict[str, np.ndarray], scalers: dict[str, StandardScaler], mask: np.ndarray | None
) -> dict[str, np.ndarray]:
    """Apply the fitted scalers; absent rows stay 0, the training mean after scaling.

    Parameters
    ----------
    arrays : dict of str to numpy.ndarray
        The modalities, absent rows zero-filled; they are not modified.
    scalers : dict of str to StandardScaler
        From :func:`fit_modality_scalers`; an empty dict leaves the data as it is.
    mask : numpy.ndarray of shape (n_samples, n_modalities) or None
        True where a modality is present, as in :func:`fit_modality_scalers`.

    Returns
    -------
    arrays : dict of str to numpy.ndarray
        New arrays of the input dtype (float32 stays float32).
    """
    if not scalers:
        return arrays
    out = {}
    for m, (name, values) in enumerate(arrays.items()):
        scaled = scalers[name].transform(values)
        if mask is not None:
            scaled[~mask[:, m]] = 0
        out[name] = scaled
    return out
