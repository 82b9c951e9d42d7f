"""Scale: the scoring pass's memory is O(N) whatever C, and the batching path's contract."""

import os
import re

import numpy as np
import pytest
import torch
from conftest import FAST, load_script
from skorch.callbacks import Callback
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.data import DataLoader, Subset

from climd_sklearn import CLIMDClassifier
from climd_sklearn.modules import EarlyFusionNet
from climd_sklearn.training import (
    CurriculumSampler,
    DeviceBatches,
    MultimodalDataset,
    collate_batch,
)
from climd_sklearn.training._callbacks import score_dataset
from climd_sklearn.training._dataset import dataset_tensors

N_ROWS, N_CLASSES = 20_000, 1_000
#: what the pass would hold if it kept one modality's N x C float32 softmax
SOFTMAX_BYTES = N_ROWS * N_CLASSES * 4


def _proc_kib(field):
    with open("/proc/self/status") as fh:
        return int(re.search(rf"{field}:\s+(\d+)", fh.read()).group(1))


def _can_reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # resets VmHWM, the peak resident set size, to the current one
        return True
    except OSError:
        return False


class LargestTensor(TorchDispatchMode):
    """Record the largest number of elements of any tensor an aten op creates."""

    def __init__(self):
        super().__init__()
        self.largest = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in out if isinstance(out, (tuple, list)) else [out]:
            if isinstance(t, torch.Tensor):
                self.largest = max(self.largest, t.numel())
        return out


@pytest.fixture(scope="module")
def wide_net():
    """A net with 1,000 classes (one epoch on three rows per class) and 20,000 rows to score."""
    rng = np.random.RandomState(0)
    widths = {"a": 4, "b": 3, "c": 2}
    y_fit = np.repeat(np.arange(N_CLASSES), 3)
    X_fit = {k: rng.randn(len(y_fit), w).astype(np.float32) for k, w in widths.items()}
    clf = CLIMDClassifier(EarlyFusionNet, curriculum=None, max_epochs=1, hidden_dims=(16,),
                          embedding_dim=8, batch_size=256, random_state=0).fit(X_fit, y_fit)
    X = {k: rng.randn(N_ROWS, w).astype(np.float32) for k, w in widths.items()}
    y = rng.randint(0, N_CLASSES, N_ROWS)
    return clf.net_, MultimodalDataset(X, y), y


def test_scoring_pass_never_builds_an_n_by_c_tensor(wide_net):
    net, dataset, y = wide_net
    with LargestTensor() as mode:
        scores = score_dataset(net, dataset, y, batch_size=50)
    assert scores.shape == (N_ROWS,) and np.isfinite(scores).all()
    assert mode.largest >= 50 * N_CLASSES  # it did see the batches' logits
    assert mode.largest < N_ROWS * N_CLASSES / 10


@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs") or not _can_reset_peak_rss(),
                    reason="needs Linux's /proc/self/clear_refs to reset the peak RSS")
def test_scoring_pass_peak_memory_is_far_below_one_n_by_c_softmax(wide_net):
    net, dataset, y = wide_net
    score_dataset(net, dataset, y, batch_size=50)  # warm up the allocator and the caches
    _can_reset_peak_rss()
    before = _proc_kib("VmRSS")
    scores = score_dataset(net, dataset, y, batch_size=50)
    growth = (_proc_kib("VmHWM") - before) * 1024
    assert scores.shape == (N_ROWS,)
    # 3 modalities x N x C float32 would be 240 MB; the streamed pass holds one batch
    assert growth < SOFTMAX_BYTES / 10, f"peak RSS grew by {growth / 2**20:.1f} MiB"


# ---------------------------------------------------------------- the batching path
def _small(n=23):
    rng = np.random.RandomState(1)
    X = {"a": rng.randn(n, 3).astype(np.float32), "b": rng.randn(n, 2).astype(np.float32)}
    return X, np.arange(n) % 3


def test_fit_and_predict_use_device_batches_not_a_dataloader(data, monkeypatch):
    built = []
    original = DataLoader.__init__

    def spy(self, *args, **kwargs):
        built.append(type(args[0]).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(DataLoader, "__init__", spy)
    X, y = data
    clf = CLIMDClassifier(EarlyFusionNet, order="asc", validation_fraction=0.2,
                          random_state=0, **FAST).fit(X, y)
    clf.predict_proba(X)
    assert "score_mean" in clf.net_.history[-1]  # the scoring pass ran
    assert built == []


def test_device_batches_follow_the_sampler_order_pass_after_pass():
    X, y = _small()
    dataset = MultimodalDataset(X, y)
    sampler, twin = CurriculumSampler(range(20), seed=4), CurriculumSampler(range(20), seed=4)
    batches = DeviceBatches(dataset, 6, "cpu", sampler=sampler)
    assert len(batches) == 4
    for _ in range(2):  # each pass reshuffles, as the sampler's own iteration does
        order = list(twin)
        got = list(batches)
        assert [len(b[1]) for b in got] == [6, 6, 6, 2]
        np.testing.assert_array_equal(torch.cat([b[1] for b in got]).numpy(), y[order])
        np.testing.assert_array_equal(torch.cat([b[0]["a"] for b in got]).numpy(), X["a"][order])
    assert sampler.n_passes == twin.n_passes == 2


def test_device_batches_match_the_dataloader_batches_of_a_subset():
    X, y = _small()
    subset = Subset(MultimodalDataset(X, y), [5, 0, 17, 3, 9, 11, 2])
    ours = list(DeviceBatches(subset, 3, "cpu"))
    theirs = list(DataLoader(subset, batch_size=3, collate_fn=collate_batch))
    assert len(ours) == len(theirs) == 3
    for (xa, ya), (xb, yb) in zip(ours, theirs):
        assert torch.equal(ya, yb) and all(torch.equal(xa[k], xb[k]) for k in X)


def test_rows_go_to_the_device_once_per_dataset():
    X, y = _small()
    dataset = MultimodalDataset(X, y)
    first, again = dataset_tensors(dataset, "cpu"), dataset_tensors(dataset, "cpu")
    assert first[0]["a"] is again[0]["a"] and first[1] is again[1]
    subset = Subset(dataset, [4, 1])
    assert dataset_tensors(subset, "cpu")[1] is dataset_tensors(subset, "cpu")[1]
    assert dataset_tensors(range(3), "cpu") is None


def test_a_pass_advances_torchs_generator_as_a_dataloader_pass_does():
    # dropout draws from the global generator: the same draws keep seeded fits as before
    X, y = _small()
    dataset = MultimodalDataset(X, y)
    torch.manual_seed(0)
    list(DataLoader(dataset, batch_size=5, collate_fn=collate_batch))
    after_loader = torch.get_rng_state()
    torch.manual_seed(0)
    list(DeviceBatches(dataset, 5, "cpu"))
    assert torch.equal(torch.get_rng_state(), after_loader)


# ---------------------------------------------------------------- mixed precision
class RecordingNet(EarlyFusionNet):
    """EarlyFusionNet that records the dtype of its fused logits, in training and in eval."""

    seen: list = []

    def forward(self, X, present=None):
        out = super().forward(X, present=present)
        RecordingNet.seen.append((self.training, out[0].dtype))
        return out


def test_bfloat16_runs_the_forward_in_bfloat16_and_predicts_close_to_float32(data):
    X, y = data
    kw = dict(order="asc", random_state=0, **FAST)
    reference = CLIMDClassifier(EarlyFusionNet, **kw).fit(X, y)
    RecordingNet.seen = []
    clf = CLIMDClassifier(RecordingNet, precision="bfloat16", **kw).fit(X, y)
    proba = clf.predict_proba(X)
    assert {training for training, _ in RecordingNet.seen} == {True, False}  # fit, score, predict
    assert {dtype for _, dtype in RecordingNet.seen} == {torch.bfloat16}
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(proba, reference.predict_proba(X), atol=0.02)
    assert np.mean(clf.predict(X) == reference.predict(X)) > 0.95
    assert np.isfinite(clf.net_.history[:, "score_mean"]).all()
    batch = {k: torch.as_tensor(v, dtype=torch.float32) for k, v in X.items()}
    logits, heads, embeddings = clf.net_.infer(batch)  # the outputs come back in float32
    assert {t.dtype for t in [logits, *heads, *embeddings]} == {torch.float32}


def test_an_unknown_precision_is_rejected(data):
    X, y = data
    with pytest.raises(ValueError, match="The 'precision' parameter of CLIMDClassifier"):
        CLIMDClassifier(precision="float16", **FAST).fit(X, y)
    clf = CLIMDClassifier(EarlyFusionNet, random_state=0, **FAST).fit(X, y)
    clf.net_.precision = "int8"  # past the estimator's check: the net refuses it too
    with pytest.raises(ValueError, match="precision must be one of"):
        clf.predict_proba(X)


# ---------------------------------------------------------------- the scale sweep script
def test_scale_script_quick_writes_tables_and_plot(tmp_path):
    pytest.importorskip("matplotlib")
    result = load_script("scale").main(["--quick", "--in-process", "--out", str(tmp_path),
                                        "--figure", str(tmp_path / "scale.png")])
    rows = result["rows"]
    assert {(r["sweep"], r["method"]) for r in rows} == {
        (s, m) for s in ("N", "C", "M") for m in ("plain", "climd")}
    for r in rows:
        assert "error" not in r and r["epoch_s"] > 0 and r["max_rss_mib"] > 0
        assert 0 <= r["curriculum_s"] < r["last_epoch_s"]
    assert all(r["curriculum_s"] > 0 for r in rows if r["method"] == "climd")
    sections = (tmp_path / "scale.md").read_text().split("### ")
    c_sweep = next(s for s in sections if s.startswith("C grows (N = 200, M = 3)"))
    assert "| 200 | 2 | 3 |" in c_sweep and "| 200 | 5 | 3 |" in c_sweep  # with the base point
    assert os.path.getsize(tmp_path / "scale.png") > 0


# ---------------------------------------------------------------- data larger than memory
def test_a_float32_memmap_trains_in_place_with_the_same_results(tmp_path):
    X, y = _small(120)
    mapped = {}
    for name, values in X.items():
        path = tmp_path / f"{name}.f32"
        values.tofile(path)
        # copy-on-write: read through the page cache, never written back
        mapped[name] = np.memmap(path, dtype=np.float32, mode="c", shape=values.shape)
    shared = {}

    class Spy(Callback):
        def on_epoch_begin(self, net, dataset_train=None, **kwargs):
            for name, rows in dataset_train.X.items():
                shared[name] = np.shares_memory(rows.numpy(), mapped[name])

    # standardize=True would copy the rows into memory (scaled); data this size is
    # standardized on disk and trained with standardize=False (docs/scale_out.rst)
    kw = dict(module=EarlyFusionNet, order="asc", random_state=0, standardize=False, **FAST)
    from_disk = CLIMDClassifier(callbacks=[Spy()], **kw).fit(mapped, y)
    assert shared == {name: True for name in X}  # the training rows are the file's pages
    in_memory = CLIMDClassifier(**kw).fit(X, y)
    np.testing.assert_array_equal(from_disk.predict_proba(mapped), in_memory.predict_proba(X))
