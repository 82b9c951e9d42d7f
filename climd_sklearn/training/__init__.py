"""What skorch sees: the net, the curriculum callback, the sampler, the dataset, the progress bar.

- :class:`CLIMDNet` (``_net``): the skorch classifier with the auxiliary-head loss.
- :class:`CurriculumScheduling` (``_callbacks``): rescores the training set and sets each
  epoch's subset on the sampler.
- :class:`CurriculumSampler` (``_sampler``): a seeded, picklable sampler over a replaceable
  index set.
- :class:`MultimodalDataset` and :func:`collate_batch` (``_dataset``): batched fetching of a
  modality dict.
- :class:`DeviceBatches` (``_batches``): the one batching path; the rows go to the fit's
  device once and every minibatch is indexed there.
- :class:`CurriculumProgressBar` (``_progress``): skorch's bar sized to the epoch's subset.
- :class:`EpochClassPrior` (``_prior``): keeps the balanced softmax's prior on the classes
  each epoch trains on.
- :class:`WeightAveraging` (``_averaging``): ends a fit on the mean of its last epochs'
  weights.

Nothing here knows about scikit-learn's estimator API; :class:`~climd_sklearn.CLIMDClassifier`
puts these pieces together.
"""

from ._averaging import WeightAveraging
from ._batches import DeviceBatches
from ._callbacks import CurriculumScheduling
from ._dataset import MultimodalDataset, collate_batch
from ._net import CLIMDNet
from ._prior import EpochClassPrior
from ._progress import CurriculumProgressBar
from ._sampler import CurriculumSampler

__all__ = [
    "CLIMDNet",
    "CurriculumProgressBar",
    "CurriculumSampler",
    "CurriculumScheduling",
    "DeviceBatches",
    "EpochClassPrior",
    "MultimodalDataset",
    "WeightAveraging",
    "collate_batch",
]
