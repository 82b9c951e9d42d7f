"""Per-sample difficulty of a fitted CLIMDClassifier: the measurer's score on labelled data.

:class:`DifficultyMixin` gives :class:`~climd_sklearn.CLIMDClassifier` its ``difficulty``
method. The scores come from the same pass that rescores the training set during the
curriculum (:func:`climd_sklearn.training._callbacks.score_dataset`), run on demand on any
labelled data, so they do not depend on how the model was trained (``curriculum=None`` and
``order="random"`` included).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.utils.validation import check_is_fitted

from ._validation import PRESENT_KEY, _check_y, validate_predict_data
from .training import MultimodalDataset
from .training._callbacks import score_dataset

__all__ = ["DifficultyMixin"]


def _row_index(X: Any, n_samples: int) -> pd.Index:
    """The row index of X's DataFrame(s), else ``RangeIndex(n_samples)``."""
    candidates = X.values() if isinstance(X, Mapping) else [X]
    for values in candidates:
        if isinstance(values, pd.DataFrame | pd.Series):
            return values.index.copy()
    return pd.RangeIndex(n_samples)


class DifficultyMixin:
    """Adds :meth:`difficulty` to the estimator (needs ``net_``, ``classes_`` and friends)."""

    def difficulty(self, X: Any, y: Any, present: Any = None) -> pd.DataFrame:
        """Per-sample curriculum score (Eq. 1-4) of labelled data under the fitted model.

        The measurer of the curriculum, applied on demand: every row of ``X`` is scored with
        its label ``y`` by the fitted network in eval mode, without gradients, in batches of
        the training scoring pass (the same code), whatever the curriculum, the order or the
        variant the model was trained with. Torch's global random state is left untouched.

        **Direction: a low score marks a hard sample.** ``psi`` is high when a modality gives
        the label a high probability; a sample whose label the model doubts (a rare pattern,
        an ambiguous case, or a wrong label) gets a low ``psi`` in every modality, and so a
        low score. The paper calls ``r`` a "difficulty" but ranks its "key samples" by the
        highest ``r``; here ``score`` is ``r`` itself, so sort it ascending to list the
        hardest samples first.

        Parameters
        ----------
        X : dict of array-like, SliceDict, array-like or DataFrame
            Data in the form used at fit; rows of NaN mark missing modalities.
        y : array-like of shape (n_samples,)
            The labels to score against (labels of ``classes_``; e.g. the training labels,
            to find suspicious ones).
        present : dict, array-like of shape (n_samples, n_modalities) or None, default=None
            Optional explicit missing-modality mask, as in :meth:`fit`.

        Returns
        -------
        frame : pandas.DataFrame of shape (n_samples, n_modalities + 2)
            One row per sample, indexed like ``X`` (the row index of its DataFrame(s), else
            ``0..n_samples-1``), with float64 columns:

            - ``psi_<modality>`` for each modality of ``modality_names_``: the intra-modal
              confidence of Eq. 1, ``sigmoid(log p_y / C)`` with ``p_y`` the probability
              that modality's head gives the label; in (0, 0.5], higher = that modality is
              confident and right. NaN where the modality is absent for the sample.
            - ``phi``: the inter-modal complementarity of Eq. 3, ``1 - mean cos`` over the
              ordered pairs of present modalities' embeddings; in [0, 2], higher = the
              modalities' embeddings point in more different directions. 0 for a sample
              with fewer than two modalities present.
            - ``score``: Eq. 4 with the estimator's ``measurer``: ``phi + mean psi``
              (``"both"``, the mean over the present modalities), ``mean psi``
              (``"intra"``) or ``phi`` (``"inter"``). Low = hard. The ``psi`` and ``phi``
              columns are reported whatever the measurer.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.
        ValueError
            If ``X`` does not match the data seen at fit, ``y`` has another length than
            ``X`` or holds labels not seen at fit (named in the message), or ``present`` is
            invalid.

        Examples
        --------
        >>> import numpy as np
        >>> from climd_sklearn import CLIMDClassifier
        >>> rng = np.random.RandomState(0)
        >>> X = {"a": rng.randn(60, 5), "b": rng.randn(60, 3)}
        >>> y = np.r_[np.zeros(45), np.ones(15)]
        >>> clf = CLIMDClassifier(max_epochs=3, random_state=0).fit(X, y)
        >>> frame = clf.difficulty(X, y)
        >>> list(frame.columns)
        ['psi_a', 'psi_b', 'phi', 'score']
        >>> hardest = frame["score"].nsmallest(5).index  # the five hardest samples
        """
        check_is_fitted(self, "net_")
        X_dict = self._with_presence(validate_predict_data(self, X), present)
        n_samples = len(next(iter(X_dict.values())))
        y = _check_y(y, n_samples, type(self).__name__)
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise ValueError(
                f"y contains labels not seen at fit: {unseen.tolist()}; "
                f"{type(self).__name__} knows {self.classes_.tolist()}."
            )
        y_enc = self.label_encoder_.transform(y)
        callback = dict(self.net_.callbacks_)["curriculum"]
        device = str(self.net_.device)
        devices = [torch.device(device)] if device.startswith("cuda") else []
        with torch.random.fork_rng(devices=devices):  # the loader draws a seed
            score, psi, phi = score_dataset(
                self.net_, MultimodalDataset(X_dict, y_enc), y_enc, X_dict.get(PRESENT_KEY),
                parts=callback.measurer, batch_size=callback.scoring_batch_size, components=True,
            )
        columns = {f"psi_{name}": psi[:, m] for m, name in enumerate(self.modality_names_)}
        columns.update(phi=phi, score=score)
        return pd.DataFrame(columns, index=_row_index(X, n_samples))
