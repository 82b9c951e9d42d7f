"""
===============================================
The decision threshold, and the test population
===============================================

Macro F1 depends on two things: how well the predicted probabilities rank the patients, and
where the decision falls. :class:`~climd_sklearn.CLIMDClassifier` trains with a balanced-softmax
loss, whose decision rule aims at a test population in which every class is equally common.
On wide data (far more features than training patients) the network fits its training set
exactly, and on new patients its decision leans toward the common class: it finds fewer of
the rare class than the rule aims at (``docs/research.md``, the pilot after round 43).

When the population the model will meet is known to be more balanced than the training set,
scikit-learn's :class:`~sklearn.model_selection.TunedThresholdClassifierCV` moves the
threshold (binary targets only): an inner cross-validation on the training data picks the
threshold that maximizes balanced accuracy on held-out folds. The ranking stays the same; only
the decision moves. This example shows what that buys on a balanced test set and what it costs
on a test set that keeps the training set's imbalance.
"""

# %%
# Wide, imbalanced training data
# ------------------------------
# Two modalities of 800 features each from
# :func:`~climd_sklearn.datasets.make_multimodal_classification`. Half of the samples are held
# out. The training half is made imbalanced (8 to 1) by
# :func:`~climd_sklearn.datasets.make_long_tailed`; the held-out half is used twice: as it is
# (balanced), and with its rare class subsampled to the training ratio ("matched").
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.metrics import f1_score, roc_auc_score, roc_curve
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV, train_test_split
from skorch.helper import SliceDict

from climd_sklearn import CLIMDClassifier
from climd_sklearn.datasets import make_long_tailed, make_multimodal_classification

torch.set_num_threads(1)  # the examples share a small CPU

X, y = make_multimodal_classification(
    n_samples=600, n_modalities=2, n_features=800, informativeness=0.5, random_state=0
)
rows = np.arange(len(y))
train_rows, test_rows = train_test_split(rows, test_size=0.5, stratify=y, random_state=0)
X_pool = SliceDict(**{m: X[m][train_rows] for m in X})
X_train, y_train = make_long_tailed(
    X_pool, y[train_rows], imbalance_ratio=8, class_order=[0, 1], random_state=0
)
X_test, y_test = SliceDict(**{m: X[m][test_rows] for m in X}), y[test_rows]
rare = 1  # the tail class of class_order, and the positive label of TunedThresholdClassifierCV
rng = np.random.default_rng(0)
keep_rare = rng.choice(np.flatnonzero(y_test == rare), size=int((y_test != rare).sum() // 8),
                       replace=False)
matched = np.sort(np.concatenate([np.flatnonzero(y_test != rare), keep_rare]))
print("training samples per class:", np.bincount(y_train))
print("balanced test:", np.bincount(y_test), " matched test:", np.bincount(y_test[matched]))

# %%
# The default, and the default with a tuned threshold
# ---------------------------------------------------
# The tuned model refits the same estimator on the whole training set, with the same seed, so
# both models output the same probabilities; they differ only in the threshold.
default = CLIMDClassifier(random_state=0).fit(X_train, y_train)
tuned = TunedThresholdClassifierCV(
    CLIMDClassifier(random_state=0),
    scoring="balanced_accuracy",
    cv=StratifiedKFold(5, shuffle=True, random_state=0),
).fit(X_train, y_train)

proba = default.predict_proba(X_test)[:, rare]
print(f"ROC AUC on the balanced test set: {roc_auc_score(y_test == rare, proba):.3f}")
print(f"threshold on P(rare class): default 0.5, tuned {tuned.best_threshold_:.2f}")
for name, model in [("default", default), ("tuned threshold", tuned)]:
    pred = model.predict(X_test)
    print(
        f"{name:>16}: predicts the rare class for {np.mean(pred == rare):.0%} of the balanced "
        f"test set (truth {np.mean(y_test == rare):.0%}); macro F1 balanced "
        f"{f1_score(y_test, pred, average='macro'):.3f}, matched "
        f"{f1_score(y_test[matched], pred[matched], average='macro'):.3f}"
    )

# %%
# One ranking, two decisions
# --------------------------
# The ROC curve is the ranking; each model's decision is one point on it. Moving the
# threshold trades the common class's recall for the rare class's. Which point is better
# depends on the population the model will meet: on the balanced test set the tuned point
# wins, on the matched one the default's usually does (``docs/research.md``, round 10: the two
# test populations want thresholds more than a nat apart). Training data alone cannot tell
# which population you will meet; you can.
fpr, tpr, _ = roc_curve(y_test == rare, proba)
fig, ax = plt.subplots(figsize=(4.5, 4.5))
ax.plot(fpr, tpr, color="0.3", label="ROC curve (both models)")
for name, model, marker in [("default", default, "o"), ("tuned threshold", tuned, "s")]:
    pred = model.predict(X_test) == rare
    ax.plot(np.mean(pred[y_test != rare]), np.mean(pred[y_test == rare]), marker,
            markersize=9, label=name)
ax.plot([0, 1], [0, 1], ":", color="0.6")
ax.set_xlabel("common class predicted rare (false-positive rate)")
ax.set_ylabel("rare class found (true-positive rate)")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
