"""
========================
Plotting the curriculum
========================

:mod:`climd_sklearn.plotting` draws CLIMD's schedule before any training, the curriculum a
fitted estimator actually followed, and its training curves. Each function returns the
matplotlib Axes it drew on, so the plots fit into any figure. The schedule itself comes from
:mod:`climd_sklearn.curriculum`, which this example also calls directly to compare the
paper's exponent rule with the default one.
"""

# %%
# The schedule before training
# ----------------------------
# :func:`~climd_sklearn.plotting.plot_schedule` needs only the class counts. Here ten
# long-tailed classes and :math:`T = 10` curriculum epochs, with :math:`\alpha(T)` fitted to
# the counts (Eq. 6) and the default variant's exponent rule. The first epoch trains on a
# tenth of the data in equal parts per class, the last on all of it in the real proportions.
import matplotlib.pyplot as plt
import numpy as np
import torch

from climd_sklearn import CLIMDClassifier
from climd_sklearn.curriculum import class_distribution, class_quotas, fit_power_law_alpha
from climd_sklearn.datasets import load_mfeat, make_long_tailed
from climd_sklearn.plotting import plot_curriculum, plot_schedule, plot_training_curves

torch.set_num_threads(1)  # the examples share a small CPU

tail_counts = [200, 143, 102, 73, 52, 37, 27, 19, 13, 10]
ax = plot_schedule(tail_counts, n_epochs=10)
ax.figure.set_size_inches(8, 4.5)

# %%
# The paper's Fig. 2 numbers
# --------------------------
# The paper's Fig. 2 illustrates :math:`\gamma = 0.3`, :math:`T = 10`, :math:`C = 10` and
# :math:`\alpha(T) = 5` with Eq. 7 as written: ``exponent_rule="eq6"`` (what
# ``variant="paper"`` uses). The functions of :mod:`climd_sklearn.curriculum` default to the
# Zipf rule of the improved variant, which turns the same :math:`\alpha(T)` into the rank
# exponent :math:`1 / (\gamma\alpha(T) - 1) = 2` and so gives other numbers:
for rule in ("eq6", "zipf"):
    print(f"exponent_rule={rule!r}")
    for t in (1, 5, 10):
        q = class_distribution(t, 10, alpha_T=5, n_classes=10, gamma=0.3, exponent_rule=rule)
        print(f"  q_{t:<2} =", np.round(q, 4))


# %%
# Near balance: why the default changed the exponent
# --------------------------------------------------
# ROSMAP's training split has 127 and 118 samples per class. Eq. 6 gives
# :math:`\hat\alpha \approx 94` for these counts (it is infinite for equal counts), and the
# paper's Eq. 7 uses :math:`\gamma\hat\alpha` as an exponent over the class *ranks*, which
# hands the larger class nearly the whole subset in the middle epochs. The Zipf rule converts
# Eq. 6's exponent over the count *values* into the rank exponent
# :math:`s_T = 1 / (\gamma\alpha(T) - 1)`, here :math:`\ln(127/118) / 2 \approx 0.037`, and
# the schedule stays close to the balanced one.
near = [127, 118]
print(f"alpha(T) = {fit_power_law_alpha(near, gamma=0.3):.1f}")
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, rule in zip(axes, ["eq6", "zipf"]):
    plot_schedule(near, n_epochs=10, ax=ax, exponent_rule=rule)
    quotas = class_quotas(near, 7, 10, exponent_rule=rule)
    print(f"{rule:>4}: epoch 7 trains on {quotas.tolist()} samples per class")
print("118 / 118:", class_quotas([118, 118], 7, 10).tolist(), "(either rule)")
fig.tight_layout()

# %%
# The schedule of BRCA
# --------------------
# The training counts of the paper's BRCA data (PAM50 subtypes), with :math:`\alpha(T)`
# fitted to them (Eq. 5-6). The bars are :func:`~climd_sklearn.curriculum.class_quotas` with
# the default rule.
brca_counts = [305, 103, 92, 80, 32]
subtypes = ["LumA", "LumB", "Basal", "Her2", "Normal-like"]
ax = plot_schedule(brca_counts, n_epochs=10, gamma=0.3, class_names=subtypes)
ax.figure.set_size_inches(8, 4.5)
alpha_T = fit_power_law_alpha(brca_counts, gamma=0.3)
print(
    f"alpha(T) = {alpha_T:.3f}; rank exponent at T: eq6 {0.3 * alpha_T:.3f}, "
    f"zipf {1 / (0.3 * alpha_T - 1):.3f}"
)
for t in (1, 5, 10):
    print(f"epoch {t:>2}:", class_quotas(brca_counts, t, 10, gamma=0.3))

# %%
# What gamma does
# ---------------
# Under the paper's rule the exponent at the last epoch, :math:`\gamma\alpha(T)`, does not
# depend on :math:`\gamma` when :math:`\alpha(T)` is fitted; in between, a smaller
# :math:`\gamma` keeps the class distribution closer to uniform for longer. Under the Zipf
# rule :math:`\gamma` cancels altogether when :math:`\alpha(T)` is fitted: it matters only
# with an explicit ``alpha``. On the ten long-tailed classes, with the paper's rule:
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, gamma in zip(axes, [0.1, 1.0]):
    plot_schedule(tail_counts, n_epochs=8, gamma=gamma, ax=ax, exponent_rule="eq6")
for ax in axes:
    ax.legend(fontsize="x-small", ncol=2, loc="upper left")
fig.tight_layout()
same = all(
    np.array_equal(class_quotas(tail_counts, t, 8, gamma=0.1), class_quotas(tail_counts, t, 8))
    for t in range(1, 9)
)
print("Zipf rule, gamma 0.1 and 0.3 give the same quotas:", same)

# %%
# A fitted curriculum
# -------------------
# Train on a long-tailed subset of three views of the shipped UCI Multiple Features digits,
# with a curriculum of 15 epochs followed by 5 epochs on all data, rescoring every other
# epoch, and a stratified validation split that records the validation loss and macro F1.
# ``order="asc"`` (the default's order until round 39) fills each class's quota with the
# lowest-scoring samples by Eq. 1-4, each member of the default's ensemble by its own scores;
# ``order="weighted"`` (the default of rounds 39-42) draws each quota at random, weighted
# towards those samples; the default now fills it in random order and skips the scoring pass
# (``order="random"``), within a few tenths of a point of both on most of the like-for-like
# benchmark and never significantly behind on splits nobody had fitted (docs/research.md,
# rounds 31, 39, 40 and 43).
views = ["fou", "kar", "zer"]
X_all, y_all = load_mfeat(return_X_y=True)
X, y = make_long_tailed({v: X_all[v] for v in views}, y_all, imbalance_ratio=20, random_state=0)
clf = CLIMDClassifier(
    lr=1e-3,
    max_epochs=20,
    curriculum_epochs=15,
    order="asc",
    rescore_every=2,
    validation_fraction=0.2,
    batch_size=64,
    hidden_dims=(64,),
    embedding_dim=32,
    random_state=0,
)
clf.fit(X, y)

# %%
# The history records ``subset_size`` and ``class_counts`` every epoch, ``alpha`` and
# ``exponent`` (the rank exponent Eq. 7 used) in every curriculum epoch, and ``score_mean``
# in the epochs that rescored the training set (here the odd ones up to 15). A column read
# skips the epochs without the key, so pair the values with their epochs:
history = clf.net_.history
print("score_mean:", [(e, round(s, 3)) for e, s in history[:, ("epoch", "score_mean")]][:4], "...")
print("exponent:", [(e, round(s, 3)) for e, s in history[:, ("epoch", "exponent")]][-3:])
print("subset_size:", history[:, "subset_size"])

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
