"""What the fitted network receives and what the prediction methods read from it.

:class:`NetworkIOMixin` gives :class:`~climd_sklearn.CLIMDClassifier` the two ends of its
network: validated modalities made into the network's input (absent modalities zero-filled,
each modality standardized, the presence mask attached where a modality is missing), and the
float64 logits that ``predict_proba`` and ``predict_log_proba`` normalize (the fused head's,
or its mixture with the per-modality heads, shifted by the post-hoc logit adjustment).
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from ._standardize import fit_modality_scalers, scale_modalities
from ._validation import (
    PRESENT_KEY,
    check_every_modality_seen,
    split_missing,
    validate_predict_data,
)
from ._variants import VARIANT_PARAMS

__all__ = ["NetworkIOMixin"]


class NetworkIOMixin:
    """The network's input and output sides (needs the fitted ``net_`` and its scalers)."""

    def _decision_logits(self, X_dict: dict) -> torch.Tensor:
        """What ``predict_proba`` applies the softmax to: fused logits, or the heads' mixture."""
        if not self.variant_params_.get("heads_in_prediction", False):
            return self.net_.fused_logits(X_dict)
        weight = float(self.aux_weight) / (1 + float(self.aux_weight))
        return self.net_.heads_mixture_log_proba(X_dict, weight)

    def _with_presence(self, X_dict: dict, present: Any, fit_scalers: bool = False) -> dict:
        """Zero-fill absent modalities, standardize, and attach the presence mask if needed."""
        X_dict, mask = split_missing(X_dict, present)
        if fit_scalers:
            check_every_modality_seen(X_dict, mask)
            self.modality_scalers_ = (fit_modality_scalers(X_dict, mask)
                                      if self.variant_params_["standardize"] else {})
        X_dict = scale_modalities(X_dict, self.modality_scalers_, mask)
        if mask is None:
            return X_dict
        module = self.module or VARIANT_PARAMS[self.variant]["module"]
        if "present" not in inspect.signature(module.forward).parameters:
            raise TypeError(
                f"Some samples miss a modality, but {getattr(module, '__name__', 'module')}"
                ".forward takes no `present` mask; see the module protocol in "
                "climd_sklearn.modules."
            )
        return {**X_dict, PRESENT_KEY: mask}

    def _adjusted_logits(self, X: Any, present: Any) -> torch.Tensor:
        """The float64 logits both probability methods normalize, after ``logit_adjustment``."""
        check_is_fitted(self, "net_")
        X_dict = self._with_presence(validate_predict_data(self, X), present)
        # in float64 and log space: the post-hoc adjustment
        shift = -float(self.logit_adjustment) * np.log(self.class_prior_)
        return self._decision_logits(X_dict) + torch.as_tensor(shift, dtype=torch.float64)
