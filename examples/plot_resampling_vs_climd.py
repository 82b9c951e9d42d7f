"""
==========================================
Resampling versus CLIMD in a pipeline
==========================================

The usual remedies for class imbalance resample the training set before the model sees it:
random undersampling drops samples of the large classes, SMOTE synthesises new samples of
the small ones. CLIMD leaves the data alone and changes which samples each epoch trains on.
This example puts all of them in an
:class:`imblearn.pipeline.Pipeline` with the same network and compares them by
cross-validation on a long-tailed version of the UCI Multiple Features digits.

Resamplers work on one 2-D array, so the modalities travel as one array, and the estimator's
``modalities`` parameter tells it which columns belong to which modality.
"""

# %%
# Long-tailed multimodal data
# ---------------------------
# Three of the six views of :func:`~climd_sklearn.datasets.load_mfeat` (Fourier
# coefficients, Karhunen-Loeve coefficients and Zernike moments of handwritten digits),
# subsampled by :func:`~climd_sklearn.datasets.make_long_tailed` so that the largest class
# is 20 times the smallest.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.preprocessing import StandardScaler

from climd_sklearn import CLIMDClassifier
from climd_sklearn.datasets import load_mfeat, make_long_tailed

torch.set_num_threads(1)  # the examples share a small CPU

views = ["fou", "kar", "zer"]
X_all, y_all = load_mfeat(return_X_y=True)
X_lt, y = make_long_tailed(
    {v: X_all[v] for v in views}, y_all, imbalance_ratio=20, random_state=0
)
print("samples per class:", np.bincount(y))

# %%
# One array, and the columns of each modality:
X = np.hstack([X_lt[v] for v in views])
edges = np.cumsum([0] + [X_lt[v].shape[1] for v in views])
modalities = {v: slice(int(a), int(b)) for v, a, b in zip(views, edges[:-1], edges[1:])}
print(X.shape, modalities)

# %%
# Four pipelines, one network
# ---------------------------
# Every pipeline standardises the features (fitted on the training folds only) and ends in
# the same network (the default ensemble of early-fusion members), trained for the same
# number of epochs. The resampled ones
# train it without a curriculum (``curriculum=None``), as in the paper's comparison.
net = dict(
    modalities=modalities,
    lr=1e-3,
    max_epochs=25,
    batch_size=64,
    hidden_dims=(64,),
    embedding_dim=32,
    random_state=0,
)
pipelines = {
    "no curriculum": make_pipeline(StandardScaler(), CLIMDClassifier(curriculum=None, **net)),
    "random undersampling": make_pipeline(
        StandardScaler(),
        RandomUnderSampler(random_state=0),
        CLIMDClassifier(curriculum=None, **net),
    ),
    "SMOTE": make_pipeline(
        StandardScaler(),
        SMOTE(k_neighbors=3, random_state=0),
        CLIMDClassifier(curriculum=None, **net),
    ),
    "CLIMD": make_pipeline(StandardScaler(), CLIMDClassifier(curriculum="climd", **net)),
}

# %%
# Cross-validation
# ----------------
# Three stratified folds; macro F1 weighs every class equally, so the rare digits count as
# much as the common ones.
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
rows = []
for name, pipe in pipelines.items():
    scores = cross_validate(pipe, X, y, cv=cv, scoring=["f1_macro", "balanced_accuracy"])
    rows.append(
        {
            "method": name,
            "macro F1": scores["test_f1_macro"].mean(),
            "macro F1 std": scores["test_f1_macro"].std(),
            "balanced accuracy": scores["test_balanced_accuracy"].mean(),
            "fit time (s)": scores["fit_time"].mean(),
        }
    )
results = pd.DataFrame(rows).set_index("method")
print(results.round(3))

# %%
# Undersampling throws away most of the head classes (here every class shrinks to the
# tail's size); SMOTE invents tail samples by interpolating between neighbours; CLIMD trains
# on real samples only, starting from a small class-balanced subset. Mind the budget: with
# ``curriculum_epochs = max_epochs`` the subset grows linearly, so in 25 epochs CLIMD makes
# about half as many gradient steps as the no-curriculum pipeline (see the fit times), which
# weighs on short runs like this one. The paper trains for 100 epochs; to leave epochs on
# all data after the curriculum, set ``curriculum_epochs`` below ``max_epochs``. Three folds
# of a few hundred samples give a rough picture only: the :doc:`/benchmarks` page repeats
# such comparisons over more splits, with significance tests.
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.barh(results.index, results["macro F1"], xerr=results["macro F1 std"], color="tab:blue")
ax.set_xlabel("macro F1 (mean and std over 3 folds)")
ax.set_xlim(0, 1)
ax.invert_yaxis()
fig.tight_layout()
