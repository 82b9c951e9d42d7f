"""Data sets for class-imbalanced multimodal classification.

A multimodal ``X`` is a dict ``{modality_name: 2-D array or DataFrame}`` whose values have the
same number of rows (a :class:`skorch.helper.SliceDict` is accepted too), or a single 2-D array
or DataFrame.

- :func:`load_mfeat`: the UCI Multiple Features set (six views of 2000 handwritten digits),
  shipped with the package (CC BY 4.0).
- :func:`load_mogonet`: read a folder in the MOGONET layout (BRCA, ROSMAP, KIPAN, LGG, ...).
- :func:`fetch_mogonet`: download MOGONET's BRCA or ROSMAP folder once into a local cache,
  checksum-verified, and load it with its fixed train/test split.
- :func:`make_long_tailed`: subsample a data set into a long-tailed one (CIFAR-LT style).
- :func:`make_multimodal_classification`: seeded synthetic multimodal data with controllable
  class weights, per-modality informativeness and complementarity between modalities.
"""

from ._fetch import fetch_mogonet
from ._long_tail import make_long_tailed
from ._mfeat import load_mfeat
from ._mogonet import load_mogonet
from ._synthetic import make_multimodal_classification

__all__ = [
    "fetch_mogonet",
    "load_mfeat",
    "load_mogonet",
    "make_long_tailed",
    "make_multimodal_classification",
]
