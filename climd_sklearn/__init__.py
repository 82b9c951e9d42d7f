"""climd-sklearn: CLIMD curriculum learning for class-imbalanced multimodal classification.

The public names are :class:`CLIMDClassifier` and :class:`SliceDict` (skorch's SliceDict,
extended to pandas values: a dict of modalities that can be indexed by rows, so dict input
works inside ``cross_val_score`` and ``GridSearchCV``). The method lives in
:mod:`climd_sklearn.curriculum` (Eq. 5-7 and the ablation schedulers) and
:mod:`climd_sklearn.measurer` (Eq. 1-4), the networks in :mod:`climd_sklearn.modules`, what
skorch sees in :mod:`climd_sklearn.training`, data in :mod:`climd_sklearn.datasets`.
"""

from ._prior_shift import TunedPriorShiftClassifierCV
from ._slice_dict import SliceDict
from ._version import __version__
from .estimator import CLIMDClassifier
from .modules import EarlyFusionNet, EnsembleFusionNet, LateFusionNet

__all__ = ["CLIMDClassifier", "EarlyFusionNet", "EnsembleFusionNet", "LateFusionNet",
           "SliceDict", "TunedPriorShiftClassifierCV", "__version__"]
