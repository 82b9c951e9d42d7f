"""What skorch sees: the net, the curriculum callback, the sampler, the dataset, the progress bar.

- :class:`CLIMDNet` (``_net``): the skorch classifier with the auxiliary-head loss.
- :class:`CurriculumScheduling` (``_callbacks``): rescores the training set and sets each
  epoch's subset on the sampler.
- :class:`CurriculumSampler` (``_sampler``): a seeded, picklable sampler over a replaceable
  index set.
- :class:`MultimodalDataset` and :func:`collate_batch` (``_dataset``): batched fetching of a
  modality dict.
- :class:`CurriculumProgressBar` (``_progress``): skorch's bar sized to the epoch's subset.

Nothing here knows about scikit-learn's estimator API; :class:`~climd_sklearn.CLIMDClassifier`
puts these pieces together.
"""

from ._callbacks import CurriculumScheduling
from ._dataset import MultimodalDataset, collate_batch
from ._net import CLIMDNet
from ._progress import CurriculumProgressBar
from ._sampler import CurriculumSampler

__all__ = [
    "CLIMDNet",
    "CurriculumProgressBar",
    "CurriculumSampler",
    "CurriculumScheduling",
    "MultimodalDataset",
    "collate_batch",
]
