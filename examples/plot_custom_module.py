"""
==============================
A custom fusion module
==============================

CLIMD is a training schedule around a network, so any torch module that follows the small
module protocol (:ref:`custom_module`) can be trained with it. This example writes a *gated*
fusion network, in which a learned, per-sample gate decides how much each modality counts,
checks that it follows the protocol, trains it with the curriculum and compares it with the
two shipped networks.
"""

# %%
# The module
# ----------
# ``__init__`` takes ``modality_dims`` (an ordered ``{name: n_features}`` dict) and
# ``n_classes``; it may take ``embedding_dim``, ``hidden_dims`` and ``dropout``, which the
# estimator then passes. ``forward`` takes the dict of modality tensors and returns the plain
# tuple ``(logits, modality_logits, embeddings)``: the per-modality logits feed the
# intra-modal confidence (Eq. 1), the embeddings, all of the same width, the inter-modal
# complementarity (Eq. 2-3).
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from torch import nn

from climd_sklearn import CLIMDClassifier, SliceDict
from climd_sklearn.datasets import make_multimodal_classification
from climd_sklearn.modules import EarlyFusionNet, LateFusionNet

torch.set_num_threads(1)  # the examples share a small CPU


class GatedFusionNet(nn.Module):
    """Per-modality encoders and heads; the fused embedding is a gated sum."""

    def __init__(self, modality_dims, n_classes, embedding_dim=32, dropout=0.1):
        super().__init__()
        self.names = list(modality_dims)
        self.encoders = nn.ModuleList(
            nn.Sequential(nn.Linear(width, embedding_dim), nn.ReLU(), nn.Dropout(dropout))
            for width in modality_dims.values()
        )
        self.heads = nn.ModuleList(nn.Linear(embedding_dim, n_classes) for _ in self.names)
        self.gate = nn.Linear(embedding_dim * len(self.names), len(self.names))
        self.classifier = nn.Linear(embedding_dim, n_classes)

    def gates(self, embeddings):
        """Softmax weights of the modalities, shape (batch, n_modalities)."""
        return torch.softmax(self.gate(torch.cat(embeddings, dim=1)), dim=1)

    def forward(self, X):
        embeddings = tuple(enc(X[name]) for name, enc in zip(self.names, self.encoders))
        modality_logits = tuple(head(e) for head, e in zip(self.heads, embeddings))
        weights = self.gates(embeddings)
        fused = (weights[:, :, None] * torch.stack(embeddings, dim=1)).sum(dim=1)
        return self.classifier(fused), modality_logits, embeddings


# %%
# Data
# ----
# Three modalities, of which the third is pure noise (``informativeness=0``): a good gate
# should learn to turn it down.
X, y = make_multimodal_classification(
    600,
    n_modalities=3,
    n_features=[20, 20, 20],
    n_classes=3,
    weights=[0.6, 0.3],
    informativeness=[1.5, 1.0, 0.0],
    modality_names=["clear", "blurry", "noise"],
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(
    SliceDict(**X), y, test_size=0.3, stratify=y, random_state=0
)

# %%
# Check the protocol on a batch before training:
module = GatedFusionNet({name: 20 for name in X}, n_classes=3)
batch = {name: torch.as_tensor(values[:4], dtype=torch.float32) for name, values in X.items()}
output = module(batch)
logits, modality_logits, embeddings = output
print(type(output).__name__, tuple(logits.shape))
print([tuple(t.shape) for t in modality_logits], [tuple(t.shape) for t in embeddings])

# %%
# Train it with the curriculum
# ----------------------------
# Pass the class as ``module``; ``embedding_dim`` and ``dropout`` go to it because its
# ``__init__`` accepts them, ``hidden_dims`` does not. The estimator's values replace the
# module's own defaults: without ``dropout=0.1`` here, the variant's dropout (0.5 in the
# default variant, 0.25 with ``variant="paper"``) would be passed instead of the module's
# 0.1. Extra arguments would go in ``module_kwargs``.
# order="asc" (lowest scores first): the curriculum scores the samples with each module's heads
# and embeddings (these single networks share one order; only ensembles get one per
# member), here every epoch (as the improved variant does for any score order)
common = dict(lr=3e-3, max_epochs=25, batch_size=64, embedding_dim=32, order="asc",
              rescore_every=1, random_state=0)
models = {
    "GatedFusionNet": CLIMDClassifier(module=GatedFusionNet, dropout=0.1, **common),
    "EarlyFusionNet": CLIMDClassifier(module=EarlyFusionNet, hidden_dims=(32,), **common),
    "LateFusionNet": CLIMDClassifier(module=LateFusionNet, hidden_dims=(32,), **common),
}
for name, clf in models.items():
    clf.fit(X_train, y_train)
    score = f1_score(y_test, clf.predict(X_test), average="macro")
    print(f"{name:>15}: macro F1 {score:.3f}")

# %%
# What the gate learned
# ---------------------
# The trained torch module is ``clf.net_.module_``. Its mean gate per modality, over the
# test samples:
gated = models["GatedFusionNet"].net_.module_.eval()
with torch.no_grad():
    batch = {name: torch.as_tensor(X_test[name], dtype=torch.float32) for name in X}
    _, _, embeddings = gated(batch)
    mean_gate = gated.gates(embeddings).mean(dim=0).numpy()
print({name: round(float(g), 3) for name, g in zip(X, mean_gate)})

fig, ax = plt.subplots(figsize=(5, 3))
ax.bar(list(X), mean_gate, color=["tab:green", "tab:olive", "tab:gray"])
ax.axhline(1 / 3, color="black", linestyle=":", label="equal weights")
ax.set_ylabel("mean gate weight (test set)")
ax.legend()
fig.tight_layout()

# %%
# The curriculum scored the samples with this module's own heads and embeddings: the history
# records the mean score of every epoch.
history = models["GatedFusionNet"].net_.history
print(np.round(history[:, "score_mean"][:5], 3), "...", np.round(history[-1, "score_mean"], 3))
