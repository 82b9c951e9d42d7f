"""
===================================================
Per-modality preprocessing with a ColumnTransformer
===================================================

A :class:`~sklearn.compose.ColumnTransformer` preprocesses each modality on its own (here: a
:class:`~sklearn.preprocessing.StandardScaler` per modality) and hands one array to the next
step of a :class:`~sklearn.pipeline.Pipeline`. :class:`~climd_sklearn.CLIMDClassifier` then
needs ``modalities=`` to split that array again.

The trap: ``modalities`` refers to the columns *as they reach the classifier*. A
ColumnTransformer outputs its blocks in the order of its transformers, not in the order of
the input columns, so column indices written for the raw data can silently point at the
wrong columns. Column **names** follow the columns: with ``set_output(transform="pandas")``
the classifier receives a DataFrame, and ``modalities`` can name its columns.
"""

# %%
# Data: three views of the digits in one DataFrame
# -------------------------------------------------
# Three of the six views of :func:`~climd_sklearn.datasets.load_mfeat` (Fourier
# coefficients, Karhunen-Loeve coefficients, Zernike moments), side by side in one DataFrame
# with the column names ``"<view>_<j>"``. The training part is made long-tailed (the largest
# class 10 times the smallest); the test part stays balanced.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from sklearn.compose import ColumnTransformer
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from climd_sklearn import CLIMDClassifier
from climd_sklearn.datasets import load_mfeat, make_long_tailed
from climd_sklearn.plotting import plot_curriculum

torch.set_num_threads(1)  # the examples share a small CPU

views = ["fou", "kar", "zer"]
X_views, y = load_mfeat(return_X_y=True, as_frame=True)
frame = pd.concat([X_views[v] for v in views], axis=1)
X_train, X_test, y_train, y_test = train_test_split(
    frame, y, test_size=0.25, stratify=y, random_state=0
)
X_train, y_train = make_long_tailed(X_train, y_train, imbalance_ratio=10, random_state=0)
print(frame.shape, "training samples per class:", np.bincount(y_train))

# %%
# One scaler per modality
# -----------------------
# The transformers are listed in a different order from the input's blocks (``zer`` first).
# That is legitimate, and it is exactly what moves the columns.
input_columns = {v: list(X_views[v].columns) for v in views}
scale = ColumnTransformer([(v, StandardScaler(), input_columns[v]) for v in ["zer", "fou", "kar"]])
scale.set_output(transform="pandas")
output_names = scale.fit(X_train).get_feature_names_out()
print("first output columns:", list(output_names[:3]), "...")

# %%
# What index lists would have done
# --------------------------------
# Slices computed on the raw frame (``fou`` is columns 0-75 there) select other columns from
# the transformer's output. No error is raised when the widths allow it: the classifier
# would simply train on modalities that mix views.
edges = np.cumsum([0] + [len(input_columns[v]) for v in views])
raw_slices = {v: slice(int(a), int(b)) for v, a, b in zip(views, edges[:-1], edges[1:])}
for v, cols in raw_slices.items():
    picked = sorted({name.split("__")[0] for name in output_names[cols]})
    print(f"{v}: raw columns {cols.start}-{cols.stop - 1} -> output columns of {picked}")

# %%
# Name the columns instead
# ------------------------
# With ``verbose_feature_names_out=True`` (the default) column ``fou_0`` of the transformer
# named ``"fou"`` comes out as ``"fou__fou_0"``. ``set_output(transform="pandas")`` on the
# pipeline makes the ColumnTransformer hand a DataFrame with these names to the classifier,
# which then finds every modality by name, wherever its block landed. Five epochs keep the
# example fast; the numbers illustrate the API, not the method's accuracy.
modalities = {v: [f"{v}__{c}" for c in input_columns[v]] for v in views}
pipe = Pipeline(
    [
        ("scale", scale),
        (
            "clf",
            CLIMDClassifier(
                modalities=modalities,
                max_epochs=5,
                batch_size=64,
                hidden_dims=(64,),
                embedding_dim=32,
                random_state=0,
            ),
        ),
    ]
).set_output(transform="pandas")
pipe.fit(X_train, y_train)
clf = pipe.named_steps["clf"]
print("modalities:", clf.modality_names_, {v: len(c) for v, c in clf.modality_columns_.items()})
print(
    f"macro F1 on the balanced test set: "
    f"{f1_score(y_test, pipe.predict(X_test), average='macro'):.3f}"
)

# %%
# The classifier inside the pipeline followed its curriculum as usual: five curriculum
# epochs (``curriculum_epochs=None`` means T = ``max_epochs``), from a small class-balanced
# subset to every training sample.
ax = plot_curriculum(clf)
ax.figure.set_size_inches(8, 4)
plt.tight_layout()
