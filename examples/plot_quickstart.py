"""
==========
Quickstart
==========

Fit a :class:`~climd_sklearn.CLIMDClassifier` on a small, imbalanced multimodal problem,
score it on held-out data, compare it with the same network trained without the curriculum,
and look at what the curriculum did.
"""

# %%
# Data
# ----
# Three modalities of 20, 30 and 10 features and four classes in proportions
# 60/25/10/5 %. The modalities differ in how much they tell about the class
# (``informativeness``) and carry partly different information (``complementarity``).
import numpy as np
import torch
from sklearn.base import clone
from sklearn.metrics import balanced_accuracy_score, classification_report, f1_score
from sklearn.model_selection import train_test_split

from climd_sklearn import CLIMDClassifier, SliceDict
from climd_sklearn.datasets import make_multimodal_classification

torch.set_num_threads(1)  # the examples share a small CPU

X, y = make_multimodal_classification(
    600,
    n_modalities=3,
    n_features=[20, 30, 10],
    n_classes=4,
    weights=[0.6, 0.25, 0.1],
    informativeness=[1.0, 0.7, 0.4],
    complementarity=0.8,
    modality_names=["mrna", "meth", "mirna"],
    random_state=0,
)
print({name: values.shape for name, values in X.items()})
print("samples per class:", np.bincount(y))

# %%
# ``X`` is a dict of modalities. scikit-learn's splitters index ``X`` by rows, so wrap it in
# a :class:`~climd_sklearn.SliceDict` first.
X_train, X_test, y_train, y_test = train_test_split(
    SliceDict(**X), y, test_size=0.3, stratify=y, random_state=0
)

# %%
# Fit
# ---
# The default is the improved variant (a 10-member ensemble network, lr 1e-3, 30 epochs,
# dropout 0.5, weight decay 5 / n, class quotas filled by each member
# with its own random draw, balanced-softmax loss, the Zipf exponent rule near balance);
# ``variant="paper"`` would give the paper's settings. The curriculum lasts
# ``curriculum_epochs`` epochs; the default ``None`` means all ``max_epochs``. A smaller
# network suits this small problem. ``random_state`` makes the fit reproducible.
clf = CLIMDClassifier(
    batch_size=64,
    hidden_dims=(64,),
    embedding_dim=32,
    random_state=0,
)
clf.fit(X_train, y_train)
y_pred = clf.predict(X_test)
print(classification_report(y_test, y_pred, digits=3))

# %%
# The same network without the curriculum
# ----------------------------------------
# ``curriculum=None`` trains on every sample in every epoch; everything else is equal.
baseline = clone(clf).set_params(curriculum=None).fit(X_train, y_train)
for name, model in [("CLIMD", clf), ("no curriculum", baseline)]:
    pred = model.predict(X_test)
    print(
        f"{name:>14}: macro F1 {f1_score(y_test, pred, average='macro'):.3f}, "
        f"balanced accuracy {balanced_accuracy_score(y_test, pred):.3f}"
    )

# %%
# One split of a small data set says little about which is better; the
# :doc:`/benchmarks` page compares them over repeated splits.
#
# What the curriculum did
# -----------------------
# ``clf.net_.history`` holds one dict per epoch. Every epoch records the subset size and the
# number of samples of each class; the curriculum epochs (here all 30) also record
# ``alpha`` (:math:`\alpha(t)` of Eq. 6-7) and ``exponent`` (the rank exponent Eq. 7 used,
# here by the default Zipf rule). With a score order (``order="weighted"``, ``"asc"`` or
# ``"desc"``) they would also record ``score_mean``, the mean curriculum score of Eq. 1-4 over
# the members' rescorings of the set; the default's ``order="random"`` scores nothing.
history = clf.net_.history
for epoch in (1, 2, 10, 20, 30):
    row = history[epoch - 1]
    print(
        f"epoch {epoch:>2}: {row['subset_size']:>3} samples, per class {row['class_counts']}, "
        f"alpha {row['alpha']:.2f}, exponent {row['exponent']:.3f}"
    )

# %%
# The first epoch trains on a small, class-balanced subset; the last one on every training
# sample, in the real class proportions. :func:`~climd_sklearn.plotting.plot_curriculum`
# draws it.
from climd_sklearn.plotting import plot_curriculum  # noqa: E402

ax = plot_curriculum(clf)
ax.figure.set_size_inches(8, 4.5)

# %%
# Predictions take the same form as ``fit``: a dict (or SliceDict) with the same modality
# names. ``predict_proba`` gives one column per class of ``clf.classes_``.
proba = clf.predict_proba(X_test[:3])
print(clf.classes_, proba.round(3), sep="\n")
