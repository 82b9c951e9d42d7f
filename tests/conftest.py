import importlib.util
import os

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from climd_sklearn import CLIMDClassifier
from climd_sklearn.benchmark import DEFAULT_ROSMAP

torch.set_num_threads(1)


def make_multimodal(n_per_class=(40, 15, 8), widths=(6, 4), seed=0):
    """Small separable multimodal data: class c shifts every modality's mean by c."""
    rng = np.random.RandomState(seed)
    y = np.repeat(np.arange(len(n_per_class)), n_per_class)
    X = {}
    for m, width in enumerate(widths):
        centers = rng.randn(len(n_per_class), width) * 2.0
        X[f"m{m}"] = (centers[y] + rng.randn(len(y), width)).astype(np.float64)
    return X, y


@pytest.fixture
def data():
    return make_multimodal()


FAST = dict(lr=1e-2, max_epochs=6, batch_size=16, hidden_dims=(16,), embedding_dim=8)


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: Skip a test that needs ROSMAP in ``../shared/data`` when it is not there.
needs_rosmap = pytest.mark.skipif(not os.path.isdir(DEFAULT_ROSMAP),
                                  reason="ROSMAP (../shared/data/ROSMAP) is not available")


def load_script(name):
    """Import ``benchmarks/<name>.py`` as a module (the scripts are not a package)."""
    path = os.path.join(ROOT, "benchmarks", f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class RecordSubsets(Callback):
    """Keep the sampler's index set of every epoch (it runs after the curriculum callback)."""

    def initialize(self):
        self.subsets_ = []
        return self

    def on_epoch_begin(self, net, **kwargs):
        self.subsets_.append(net.get_params_for("iterator_train")["sampler"].indices.copy())


def fit_recording_subsets(**params):
    """Fit ``CLIMDClassifier(random_state=0, **FAST, **params)`` on :func:`make_multimodal`
    data; return the model, each epoch's index set and the labels."""
    X, y = make_multimodal()
    clf = CLIMDClassifier(random_state=0, callbacks=[("record", RecordSubsets())],
                          **{**FAST, **params})
    clf.fit(X, y)
    return clf, dict(clf.net_.callbacks_)["record"].subsets_, y
