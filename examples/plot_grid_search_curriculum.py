"""
===================================
Grid search over the curriculum
===================================

Every choice of the curriculum is an estimator parameter: the scheduler (``curriculum``),
the order of the samples (``order``), the parts of the score (``measurer``), the number of
curriculum epochs (``curriculum_epochs``). A scheduler's own parameters, such as the starting
fraction of linear pacing, are nested parameters of a scheduler instance
(``curriculum__initial_fraction``). :class:`~sklearn.model_selection.GridSearchCV` therefore
compares them like any other hyperparameter. A list of grids keeps out combinations that mean
nothing (``initial_fraction`` only matters to the pacing schedulers, ``order`` to every
scheduler but none).
"""

# %%
# Data
# ----
# A dict of modalities must be wrapped in a :class:`~climd_sklearn.SliceDict` so that the
# cross-validation can index it by rows.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from climd_sklearn import CLIMDClassifier, SliceDict
from climd_sklearn.curriculum import LinearScheduler
from climd_sklearn.datasets import make_multimodal_classification

torch.set_num_threads(1)  # the examples share a small CPU

X, y = make_multimodal_classification(
    450,
    n_modalities=2,
    n_features=[15, 25],
    n_classes=3,
    weights=[0.7, 0.2],
    informativeness=[1.5, 1.0],
    complementarity=0.7,
    random_state=1,
)
X = SliceDict(**X)
print("samples per class:", np.bincount(y))

# %%
# The grid
# --------
# CLIMD's class quotas filled in the measurer's score order, either end first, or in random
# order (the measurer's control); linear pacing from two starting fractions (a scheduler instance
# and its nested parameter; the search trains a copy of the instance for each candidate);
# Baby Step, another of the paper's class-blind schedulers, by name; and no curriculum.
param_grid = [
    {"curriculum": ["climd"], "order": ["random", "desc", "asc"]},
    {"curriculum": [LinearScheduler()], "curriculum__initial_fraction": [0.2, 0.5]},
    {"curriculum": ["baby_step"]},
    {"curriculum": [None]},
]
estimator = CLIMDClassifier(
    lr=3e-3, max_epochs=20, batch_size=64, hidden_dims=(32,), embedding_dim=16, random_state=0
)
search = GridSearchCV(
    estimator,
    param_grid,
    scoring="f1_macro",
    cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
    n_jobs=1,  # see the "Scaling out with Dask" page to run the fits on a cluster
)
search.fit(X, y)
print("best:", search.best_params_, f"macro F1 {search.best_score_:.3f}")

# %%
# The results
# -----------
# ``cv_results_`` holds one row per candidate; ``refit=True`` (the default) has refitted
# the best one on all the data as ``search.best_estimator_``.
results = pd.DataFrame(search.cv_results_)
results["candidate"] = [
    ", ".join(f"{k}={v!r}" for k, v in params.items()) for params in results["params"]
]
table = results.set_index("candidate")[["mean_test_score", "std_test_score", "rank_test_score"]]
table.sort_values("rank_test_score").round(3)

# %%
# With three folds the standard deviations are as large as the differences between the
# best candidates: on data this small a grid search picks among near-ties, and its winner
# says little about the method. The :doc:`/benchmarks` page compares the schedulers over
# repeated splits.
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.barh(table.index, table["mean_test_score"], xerr=table["std_test_score"], color="tab:blue")
ax.set_xlabel("macro F1 (mean and std over 3 folds)")
ax.set_xlim(0, 1)
ax.invert_yaxis()
fig.tight_layout()
