"""
=================================================
Per-sample difficulty: finding mislabelled cases
=================================================

:meth:`~climd_sklearn.CLIMDClassifier.difficulty` scores every labelled sample with CLIMD's
measurer (Eq. 1-4) under a fitted model: each modality's confidence in the label
(``psi_<modality>``), the complementarity of the modalities' embeddings (``phi``) and the
score ``r = phi + mean psi`` (``score``); a low score marks a hard sample. Here five percent of
the training labels are flipped on purpose, and we ask how well the score finds them,
against the simplest alternative under the same model: the cross-entropy loss of its fused
prediction.
"""

# %%
# Data with flipped labels
# ------------------------
# The six views of the UCI Multiple Features digits (2000 samples, 10 balanced classes),
# standardised per view. Half is the training set, in which 5 % of the labels (50 samples,
# seeded) are replaced by another digit drawn at random.
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from climd_sklearn import CLIMDClassifier
from climd_sklearn.datasets import load_mfeat
from climd_sklearn.modules import EarlyFusionNet
from climd_sklearn.plotting import plot_difficulty

torch.set_num_threads(1)  # the examples share a small CPU

X_all, y_all = load_mfeat(return_X_y=True)
X_all = {view: StandardScaler().fit_transform(values) for view, values in X_all.items()}
train, test = train_test_split(np.arange(len(y_all)), train_size=1000, stratify=y_all,
                               random_state=0)
X_train = {view: values[train] for view, values in X_all.items()}
X_test = {view: values[test] for view, values in X_all.items()}
y_train, y_test = y_all[train], y_all[test]

rng = np.random.default_rng(0)
flipped = rng.choice(len(y_train), size=len(y_train) // 20, replace=False)
y_noisy = y_train.copy()
y_noisy[flipped] = (y_train[flipped] + rng.integers(1, 10, size=len(flipped))) % 10
is_flipped = np.zeros(len(y_train), dtype=bool)
is_flipped[flipped] = True
print(f"{is_flipped.sum()} of {len(y_train)} training labels flipped")

# %%
# Fit on the noisy labels
# -----------------------
# The default configuration, with the paper's early-fusion network and small encoders so that
# the example runs in seconds.
clf = CLIMDClassifier(module=EarlyFusionNet, hidden_dims=(64,), embedding_dim=32,
                      batch_size=64, random_state=0)
clf.fit(X_train, y_noisy)
print(f"test accuracy (clean test labels): {clf.score(X_test, y_test):.3f}")

# %%
# Score the training set
# ----------------------
# ``difficulty`` takes the data and the labels to score against, here the noisy ones. It
# runs on demand, whatever curriculum the model was trained with.
frame = clf.difficulty(X_train, y_noisy)
print(frame.head().round(3))

# %%
# How well does each number find the flipped labels?
# --------------------------------------------------
# The ROC AUC of each per-sample number for telling flipped from clean labels (1 is perfect,
# 0.5 is chance). Low score = hard, so the score enters negated. The baseline is the plain
# cross-entropy of the same model's fused prediction, ``-log p(y_noisy)``, computed from
# ``predict_proba``: same network, same fit, so the comparison is fair. The two parts of the
# score are shown too.
proba = clf.predict_proba(X_train)
loss = -np.log(proba[np.arange(len(y_noisy)), y_noisy])
mean_psi = frame.filter(like="psi_").mean(axis=1)
auc = {
    "score r (low = hard)": roc_auc_score(is_flipped, -frame["score"]),
    "cross-entropy of the fused prediction": roc_auc_score(is_flipped, loss),
    "mean psi alone (Eq. 1)": roc_auc_score(is_flipped, -mean_psi),
    "phi alone (Eq. 3)": roc_auc_score(is_flipped, -frame["phi"]),
}
for name, value in auc.items():
    print(f"ROC AUC, {name:<40} {value:.3f}")
hardest = frame["score"].nsmallest(50).index
print(f"flipped among the 50 lowest scores: {is_flipped[hardest].sum()} of 50; among the 50 "
      f"highest losses: {is_flipped[np.argsort(-loss)[:50]].sum()} of 50")

# %%
# What the numbers show: the intra-modal confidence ``psi`` finds the flipped labels about as
# well as the cross-entropy loss (both look at the probability of the given label), but the
# score ``r`` adds the complementarity ``phi``, which knows nothing about the label (its AUC
# is near chance), and whose spread across samples is larger than that of ``psi`` (``psi =
# sigmoid(log p / C)`` moves little, the log-probability being divided by the number of
# classes). So on this data the score ranks mislabelled samples clearly worse than the plain
# loss; as a tool to audit labels, sort by a ``psi`` column or their mean, or by the loss.
# The score ``r`` is what the curriculum orders by, not a label-noise detector.
#
# The plot: the score of every training sample, per (noisy) class, with the ten lowest named
# by their row in the training set. Flipped samples are circled.
ax = plot_difficulty(frame, y_noisy, n_hardest=10)
codes = np.searchsorted(np.unique(y_noisy), y_noisy)
ax.scatter(frame["score"][is_flipped], codes[is_flipped], s=60, facecolors="none",
           edgecolors="tab:blue", label="flipped label")
ax.legend(loc="lower right", fontsize="small")
ax.figure.set_size_inches(8, 6)

# %%
# And the same view of the mean ``psi``, the part of the score that tracks the labels:
psi_frame = frame.assign(score=mean_psi)
ax = plot_difficulty(psi_frame, y_noisy, n_hardest=10)
ax.set_xlabel("mean psi (Eq. 1; low = the modalities doubt the label)")
ax.scatter(mean_psi[is_flipped], codes[is_flipped], s=60, facecolors="none",
           edgecolors="tab:blue", label="flipped label")
ax.legend(loc="lower right", fontsize="small")
ax.figure.set_size_inches(8, 6)
plt.show()
