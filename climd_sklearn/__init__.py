"""climd-sklearn: CLIMD curriculum learning for class-imbalanced multimodal classification.

The public names are :class:`CLIMDClassifier` and skorch's :class:`SliceDict` (re-exported:
a dict of arrays that can be indexed by rows, so dict input works inside
``cross_val_score`` and ``GridSearchCV``). The method lives in :mod:`climd_sklearn.schedulers`
and :mod:`climd_sklearn.measurer`, the networks in :mod:`climd_sklearn.modules`, data in
:mod:`climd_sklearn.datasets`.
"""

from skorch.helper import SliceDict

from ._version import __version__
from .estimator import CLIMDClassifier
from .modules import EarlyFusionNet, LateFusionNet

__all__ = ["CLIMDClassifier", "EarlyFusionNet", "LateFusionNet", "SliceDict", "__version__"]
