"""CLIMDClassifier.difficulty (per-sample score on demand) and keep_scores (scores in history)."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import FAST, make_multimodal
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from climd_sklearn import CLIMDClassifier
from climd_sklearn._standardize import scale_modalities
from climd_sklearn.modules import EarlyFusionNet, EnsembleFusionNet, LateFusionNet

MODULES = [EarlyFusionNet, LateFusionNet, EnsembleFusionNet]
KW = dict(FAST, module=EarlyFusionNet, max_epochs=3, order="asc", random_state=0)


def _module_outputs(clf, X, present=None):
    """Per-modality log-probabilities and embeddings of the fitted module, in float64."""
    module = clf.net_.module_.eval()
    raw = {k: np.nan_to_num(np.asarray(X[k], dtype=np.float32)) for k in clf.modality_names_}
    # what the network sees: each float32 modality standardized by the fit's scalers
    seen = scale_modalities(raw, clf.modality_scalers_, present)
    tensors = {k: torch.as_tensor(v, dtype=torch.float32) for k, v in seen.items()}
    kwargs = {} if present is None else {"present": torch.as_tensor(present)}
    with torch.no_grad():
        _, logits, embeddings = module(tensors, **kwargs)
    log_p = [torch.log_softmax(lg.double(), dim=1).numpy() for lg in logits]
    return log_p, [e.double().numpy() for e in embeddings]


def _psi(log_p, y):
    """Eq. 1 by hand: sigmoid(log p_y / C)."""
    return 1.0 / (1.0 + np.exp(-log_p[np.arange(len(y)), y] / log_p.shape[1]))


def _phi(embeddings, present):
    """Eq. 2-3 by hand: 1 - mean cosine over the ordered pairs of present modalities."""
    n, n_mod = len(embeddings[0]), len(embeddings)
    phi = np.zeros(n)
    for i in range(n):
        here = [m for m in range(n_mod) if present[i, m]]
        # norms floored at 1e-8 as in torch's cosine_similarity: a zero embedding has
        # cosine 0 with everything
        cosines = [
            embeddings[a][i] @ embeddings[b][i]
            / (max(np.linalg.norm(embeddings[a][i]), 1e-8)
               * max(np.linalg.norm(embeddings[b][i]), 1e-8))
            for a in here for b in here if a != b
        ]
        phi[i] = 1.0 - np.mean(cosines) if cosines else 0.0
    return phi


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
@pytest.mark.parametrize("measurer", ["both", "intra", "inter"])
def test_difficulty_equals_the_measurer_on_the_module_outputs(module, measurer):
    X, y = make_multimodal(n_per_class=(20, 8, 6))
    clf = CLIMDClassifier(**dict(KW, module=module, measurer=measurer)).fit(X, y)
    frame = clf.difficulty(X, y)

    assert list(frame.columns) == ["psi_m0", "psi_m1", "phi", "score"]
    assert isinstance(frame.index, pd.RangeIndex) and len(frame) == len(y)
    log_p, embeddings = _module_outputs(clf, X)
    psi = np.column_stack([_psi(lp, y) for lp in log_p])
    phi = _phi(embeddings, np.ones((len(y), 2), dtype=bool))
    np.testing.assert_allclose(frame[["psi_m0", "psi_m1"]], psi, rtol=1e-6)
    np.testing.assert_allclose(frame["phi"], phi, rtol=1e-9, atol=1e-12)
    expected = {"both": phi + psi.mean(axis=1), "intra": psi.mean(axis=1), "inter": phi}
    np.testing.assert_allclose(frame["score"], expected[measurer], rtol=1e-6)
    assert np.all((psi > 0) & (psi <= 0.5))


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_an_absent_modality_has_nan_psi_and_phi_over_the_present_pairs(module):
    X, y = make_multimodal(n_per_class=(20, 8, 6), widths=(6, 4, 5))
    present = np.ones((len(y), 3), dtype=bool)
    present[::3, 2] = False  # m2 absent: phi over the pair (m0, m1)
    present[1::6, 1:] = False  # only m0 left: phi = 0
    clf = CLIMDClassifier(**dict(KW, module=module)).fit(X, y, present=present)
    frame = clf.difficulty(X, y, present=present)

    psi_cols = ["psi_m0", "psi_m1", "psi_m2"]
    np.testing.assert_array_equal(frame[psi_cols].isna().to_numpy(), ~present)
    log_p, embeddings = _module_outputs(clf, X, present)
    psi = np.column_stack([_psi(lp, y) for lp in log_p])
    psi[~present] = np.nan
    phi = _phi(embeddings, present)
    np.testing.assert_allclose(frame[psi_cols], psi, rtol=1e-6)
    np.testing.assert_allclose(frame["phi"], phi, rtol=1e-9, atol=1e-12)
    assert np.all(frame["phi"][present.sum(axis=1) == 1] == 0.0)
    np.testing.assert_allclose(frame["score"], phi + np.nanmean(psi, axis=1), rtol=1e-6)

    # the NaN-row form says the same as the mask
    X_nan = {k: v.copy() for k, v in X.items()}
    for m, name in enumerate(["m0", "m1", "m2"]):
        X_nan[name][~present[:, m]] = np.nan
    pd.testing.assert_frame_equal(clf.difficulty(X_nan, y), frame)


class _NaNWhereAbsent(EarlyFusionNet):
    """EarlyFusionNet whose per-modality logits are NaN in absent rows: the protocol lets a
    module return anything there, because the loss and the measurer ignore those rows."""

    def forward(self, X, present=None):
        fused, heads, embeddings = super().forward(X, present=present)
        if present is not None:
            heads = tuple(torch.where(present[..., m, None], h, torch.full_like(h, math.nan))
                          for m, h in enumerate(heads))
        return fused, heads, embeddings


def test_a_module_may_return_anything_in_absent_rows():
    X, y = make_multimodal(n_per_class=(20, 8, 6), widths=(6, 4, 5))
    present = np.ones((len(y), 3), dtype=bool)
    present[::3, 2] = False
    # the scoring pass (order="asc"), the heads' mixture and difficulty skip absent rows
    clf = CLIMDClassifier(**dict(KW, module=_NaNWhereAbsent, heads_in_prediction=True))
    clf.fit(X, y, present=present)
    assert np.isfinite(clf.predict_proba(X, present=present)).all()
    frame = clf.difficulty(X, y, present=present)
    np.testing.assert_array_equal(frame["psi_m2"].isna().to_numpy(), ~present[:, 2])
    assert np.isfinite(frame["score"]).all()


@pytest.mark.parametrize("curriculum, order", [(None, None), ("climd", "random")])
def test_difficulty_does_not_depend_on_the_training_schedule(curriculum, order):
    """Scores are computed on demand: also after a fit that never scored the training set."""
    X, y = make_multimodal(n_per_class=(20, 8, 6))
    clf = CLIMDClassifier(curriculum=curriculum, **dict(KW, order=order)).fit(X, y)
    assert "score_mean" not in clf.net_.history[-1]
    frame = clf.difficulty(X, y)
    log_p, embeddings = _module_outputs(clf, X)
    psi = np.column_stack([_psi(lp, y) for lp in log_p])
    expected = _phi(embeddings, np.ones((len(y), 2), dtype=bool)) + psi.mean(axis=1)
    np.testing.assert_allclose(frame["score"], expected, rtol=1e-6)


def test_difficulty_is_batched_like_the_training_pass_and_leaves_torch_rng_alone(monkeypatch):
    X, y = make_multimodal(n_per_class=(20, 8, 6))
    clf = CLIMDClassifier(**KW).fit(X, y)
    whole = clf.difficulty(X, y)
    dict(clf.net_.callbacks_)["curriculum"].scoring_batch_size = 7
    calls = []
    step = clf.net_.evaluation_step
    monkeypatch.setattr(clf.net_, "evaluation_step",
                        lambda batch, training=False: calls.append(len(batch[1])) or
                        step(batch, training))
    torch.manual_seed(123)
    state = torch.get_rng_state()
    batched = clf.difficulty(X, y)
    assert torch.equal(torch.get_rng_state(), state)
    assert calls == [7] * 4 + [6]
    pd.testing.assert_frame_equal(batched, whole, rtol=1e-6)  # float32 BLAS per batch


def test_difficulty_keeps_the_row_index_of_dataframes():
    X, y = make_multimodal(n_per_class=(20, 8, 6))
    index = pd.Index([f"patient{i}" for i in range(len(y))], name="id")
    frames = {k: pd.DataFrame(v, index=index) for k, v in X.items()}
    clf = CLIMDClassifier(**KW).fit(frames, y)
    frame = clf.difficulty(frames, y)
    pd.testing.assert_index_equal(frame.index, index)
    np.testing.assert_allclose(frame.to_numpy(), clf.difficulty(X, y).to_numpy())
    # a single DataFrame split by ``modalities``
    flat = pd.concat([frames["m0"], frames["m1"]], axis=1)
    flat.columns = [f"f{i}" for i in range(flat.shape[1])]
    single = CLIMDClassifier(modalities={"m0": list(flat.columns[:6]),
                                         "m1": list(flat.columns[6:])}, **KW).fit(flat, y)
    pd.testing.assert_index_equal(single.difficulty(flat, y).index, index)


def test_difficulty_validates_like_predict():
    X, y = make_multimodal(n_per_class=(20, 8, 6))
    labels = np.array(["a", "b", "c"])[y]
    with pytest.raises(NotFittedError):
        CLIMDClassifier(**KW).difficulty(X, labels)
    clf = CLIMDClassifier(**KW).fit(X, labels)
    bad = labels.astype(object)
    bad[:2] = ["zebra", "yak"]
    with pytest.raises(ValueError, match=r"labels not seen at fit: \['yak', 'zebra'\]"):
        clf.difficulty(X, bad)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clf.difficulty(X, labels[:-1])
    with pytest.raises(ValueError, match="missing modalities"):
        clf.difficulty({"m0": X["m0"]}, labels)
    assert clf.difficulty(X, labels).shape == (len(y), 4)


# ------------------------------------------------------------------------------ keep_scores
def test_keep_scores_records_each_scoring_pass_in_training_row_order():
    X, y = make_multimodal(n_per_class=(20, 8, 6))
    clf = CLIMDClassifier(keep_scores=True, rescore_every=2, **dict(KW, max_epochs=5))
    assert clf.get_params()["keep_scores"] is True
    clf.fit(X, y)
    history = clf.net_.history
    pairs = history[:, ("epoch", "train_scores", "score_mean")]
    assert [epoch for epoch, _, _ in pairs] == [1, 3, 5]
    for _, scores, mean in pairs:
        assert scores.dtype == np.float32 and scores.shape == (len(y),)
        assert math.isclose(float(scores.mean()), mean, rel_tol=1e-6)



def test_kept_scores_are_difficulty_of_the_model_before_the_epoch():
    """A warm start's next epoch scores the model as it is now, row for row as difficulty."""
    X, y = make_multimodal(n_per_class=(20, 8, 6))
    clf = CLIMDClassifier(keep_scores=True, warm_start=True, curriculum_epochs=3,
                          rescore_every=1, **dict(KW, max_epochs=2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # T > max_epochs with warm_start
        clf.fit(X, y)
        now = clf.difficulty(X, y)["score"].to_numpy()
        clf.set_params(max_epochs=1).fit(X, y)
    assert clf.net_.history[-1, "epoch"] == 3
    np.testing.assert_array_equal(clf.net_.history[-1, "train_scores"], now.astype(np.float32))


def test_keep_scores_covers_the_training_part_of_a_validation_split():
    X, y = make_multimodal(n_per_class=(20, 8, 6))
    clf = CLIMDClassifier(keep_scores=True, validation_fraction=0.25, rescore_every=1,
                          **KW).fit(X, y)
    n_train = len(y) - math.ceil(0.25 * len(y))
    assert [len(s) for s in clf.net_.history[:, "train_scores"]] == [n_train] * 3


def test_without_keep_scores_nothing_of_size_n_is_in_the_history():
    X, y = make_multimodal(n_per_class=(20, 8, 6))
    clf = CLIMDClassifier(**KW).fit(X, y)
    for row in clf.net_.history:
        assert "train_scores" not in row
        for key, value in row.items():
            assert not (hasattr(value, "__len__") and len(value) == len(y)), key
    with pytest.raises(InvalidParameterError, match="keep_scores"):
        CLIMDClassifier(keep_scores="yes").fit(X, y)


def test_keep_scores_are_not_printed_in_the_epoch_table(capsys):
    X, y = make_multimodal(n_per_class=(20, 8, 6))
    CLIMDClassifier(keep_scores=True, verbose=1, **KW).fit(X, y)
    out = capsys.readouterr().out
    assert "score_mean" in out and "train_scores" not in out
