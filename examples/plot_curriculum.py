"""
========================
Plotting the curriculum
========================

:mod:`climd_sklearn.plotting` draws CLIMD's schedule before any training, the curriculum a
fitted estimator actually followed, and its training curves. Each function returns the
matplotlib Axes it drew on, so the plots fit into any figure.
"""

# %%
# The schedule of the paper's Fig. 2
# -----------------------------------
# :func:`~climd_sklearn.plotting.plot_schedule` needs only the class counts. The paper's
# Fig. 2 illustrates :math:`\gamma = 0.3`, :math:`T = 10` curriculum epochs, :math:`C = 10`
# classes and :math:`\alpha(T) = 5`; here on ten long-tailed classes. The first epoch trains
# on a tenth of the data in equal parts per class, the last on all of it in the real
# proportions.
import matplotlib.pyplot as plt
import numpy as np
import torch

from climd_sklearn import CLIMDClassifier
from climd_sklearn.datasets import load_mfeat, make_long_tailed
from climd_sklearn.plotting import plot_curriculum, plot_schedule, plot_training_curves
from climd_sklearn.schedulers import class_distribution, class_quotas, fit_power_law_alpha

torch.set_num_threads(1)  # the examples share a small CPU

tail_counts = [200, 143, 102, 73, 52, 37, 27, 19, 13, 10]
ax = plot_schedule(tail_counts, n_epochs=10, gamma=0.3, alpha=5)
ax.figure.set_size_inches(8, 4.5)

# %%
# The class distribution of Eq. 7 in this setting, at the first, middle and last epoch (the
# worked example of the method):
for t in (1, 5, 10):
    q = class_distribution(t, 10, alpha_T=5, n_classes=10, gamma=0.3)
    print(f"q_{t:<2} =", np.round(q, 4))

# %%
# The schedule of BRCA
# --------------------
# The training counts of the paper's BRCA data (PAM50 subtypes), with :math:`\alpha(T)`
# fitted to them (Eq. 5-6). The bars are :func:`~climd_sklearn.schedulers.class_quotas`.
brca_counts = [305, 103, 92, 80, 32]
subtypes = ["LumA", "LumB", "Basal", "Her2", "Normal-like"]
ax = plot_schedule(brca_counts, n_epochs=10, gamma=0.3, class_names=subtypes)
ax.figure.set_size_inches(8, 4.5)
print(f"alpha(T) = {fit_power_law_alpha(brca_counts, gamma=0.3):.3f}")
for t in (1, 5, 10):
    print(f"epoch {t:>2}:", class_quotas(brca_counts, t, 10, gamma=0.3))

# %%
# What gamma does
# ---------------
# At the last epoch the exponent of the power law, :math:`\gamma\alpha(T)`, does not depend
# on :math:`\gamma`; in between, a smaller :math:`\gamma` keeps the class distribution closer
# to uniform for longer. On the ten long-tailed classes, with alpha(T) fitted:
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, gamma in zip(axes, [0.1, 1.0]):
    plot_schedule(tail_counts, n_epochs=8, gamma=gamma, ax=ax)
    ax.get_legend().remove()
axes[0].legend(fontsize="x-small", ncol=2, loc="upper left")
fig.tight_layout()

# %%
# A fitted curriculum
# -------------------
# Train on a long-tailed subset of three views of the shipped UCI Multiple Features digits,
# with a curriculum of 15 epochs followed by 5 epochs on all data, rescoring every other
# epoch, and a stratified validation split that records the validation loss and macro F1.
views = ["fou", "kar", "zer"]
X_all, y_all = load_mfeat(return_X_y=True)
X, y = make_long_tailed({v: X_all[v] for v in views}, y_all, imbalance_ratio=20, random_state=0)
clf = CLIMDClassifier(
    lr=1e-3,
    max_epochs=20,
    curriculum_epochs=15,
    rescore_every=2,
    validation_fraction=0.2,
    batch_size=64,
    hidden_dims=(64,),
    embedding_dim=32,
    random_state=0,
)
clf.fit(X, y)

# %%
# :func:`~climd_sklearn.plotting.plot_curriculum` shows the samples of each class per epoch
# (bars, from ``class_counts`` in the history), the subset size (black line, every epoch)
# and the mean curriculum score :math:`r` of Eq. 4 at each rescoring (red, right axis).
# After epoch 15 the whole training split is used.
ax = plot_curriculum(clf)
ax.figure.set_size_inches(9, 4.5)

# %%
# :func:`~climd_sklearn.plotting.plot_training_curves` shows the losses, and the validation
# macro F1 on the right axis.
ax = plot_training_curves(clf)
ax.figure.set_size_inches(8, 4)

# %%
# Both also accept the history itself (``clf.net_.history``, or any list of per-epoch
# dicts), for example one loaded from a saved run, and draw into a given Axes:
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
plot_curriculum(clf.net_.history, ax=left)
plot_training_curves(clf.net_.history, ax=right)
fig.tight_layout()
