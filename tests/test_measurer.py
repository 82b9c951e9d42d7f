"""Tests of climd_sklearn.measurer (method.md, section 2, Eq. 1-4)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from climd_sklearn.measurer import (
    PARTS,
    difficulty_score,
    inter_modal_complementarity,
    intra_modal_confidence,
)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def explicit_phi(embeddings: list[np.ndarray], eps: float = 1e-8) -> np.ndarray:
    """Eq. 2-3 written out: mean cosine over ordered pairs by a double loop."""
    n_modalities = len(embeddings)
    n_samples = embeddings[0].shape[0]
    out = np.empty(n_samples)
    for i in range(n_samples):
        total = 0.0
        for m in range(n_modalities):
            for k in range(n_modalities):
                if m == k:
                    continue
                a, b = embeddings[m][i], embeddings[k][i]
                norm_a = max(math.sqrt(float(a @ a)), eps)
                norm_b = max(math.sqrt(float(b @ b)), eps)
                total += float(a @ b) / (norm_a * norm_b)
        out[i] = 1.0 - total / (n_modalities * (n_modalities - 1))
    return out


# ------------------------------------------------------------------------------------------
# Eq. 1
# ------------------------------------------------------------------------------------------


def _log(proba):
    """Log-probabilities, with log 0 = -inf (the measurer takes log_softmax outputs)."""
    with np.errstate(divide="ignore"):
        return np.log(np.asarray(proba, dtype=np.float64))


def test_intra_modal_confidence_by_hand():
    proba = _log([[0.5, 0.5], [0.9, 0.1], [0.3, 0.7], [1.0, 0.0]])
    y = np.array([0, 1, 1, 0])
    expected = [
        sigmoid(math.log(0.5) / 2),
        sigmoid(math.log(0.1) / 2),
        sigmoid(math.log(0.7) / 2),
        0.5,
    ]
    psi = intra_modal_confidence(proba, y)
    assert isinstance(psi, np.ndarray)
    assert psi.shape == (4,)
    np.testing.assert_allclose(psi, expected, rtol=1e-12)


def test_intra_modal_confidence_three_classes():
    proba = _log([[0.2, 0.5, 0.3]])
    np.testing.assert_allclose(
        intra_modal_confidence(proba, np.array([2])), [sigmoid(math.log(0.3) / 3)]
    )
    np.testing.assert_allclose(intra_modal_confidence(proba, [0]), [sigmoid(math.log(0.2) / 3)])


def test_intra_modal_confidence_zero_probability_is_zero_without_warning():
    log_proba = _log([[0.0, 1.0], [1.0, 0.0]])
    with np.errstate(all="raise"):
        psi = intra_modal_confidence(log_proba, np.array([0, 0]))
    assert psi[0] == 0.0
    assert psi[1] == 0.5


def test_confidently_wrong_samples_keep_their_order():
    # Logit gaps of 100, 200 and 300 against the true class: in float32 probabilities all
    # three underflow to 0 and tie; gathered from the log-softmax they stay ordered.
    logits = torch.tensor([[0.0, 100.0], [0.0, 200.0], [0.0, 300.0]])
    log_proba = torch.log_softmax(logits, dim=1).double()
    psi = intra_modal_confidence(log_proba, torch.tensor([0, 0, 0])).numpy()
    expected = [sigmoid(-100.0 / 2), sigmoid(-200.0 / 2), sigmoid(-300.0 / 2)]
    np.testing.assert_allclose(psi, expected, rtol=1e-6)
    assert psi[0] > psi[1] > psi[2] > 0


def test_intra_modal_confidence_range_and_dtype():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(50, 4)) * 5
    log_proba = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    psi = intra_modal_confidence(log_proba.astype(np.float32), rng.integers(0, 4, size=50))
    assert psi.dtype == np.float32
    assert np.all(psi > 0)
    assert np.all(psi <= 0.5)


def test_intra_modal_confidence_torch_in_torch_out():
    proba = _log([[0.2, 0.8], [0.6, 0.4], [0.0, 1.0]])
    y = np.array([1, 1, 0])
    expected = intra_modal_confidence(proba, y)
    psi = intra_modal_confidence(torch.tensor(proba), torch.tensor(y))
    assert isinstance(psi, torch.Tensor)
    assert psi.dtype == torch.float64
    np.testing.assert_allclose(psi.numpy(), expected, rtol=1e-12)
    # numpy labels are accepted with a tensor of probabilities
    psi32 = intra_modal_confidence(torch.tensor(proba, dtype=torch.float32), y)
    assert isinstance(psi32, torch.Tensor) and psi32.dtype == torch.float32
    assert torch.all(torch.isfinite(psi32))
    np.testing.assert_allclose(psi32[:2].numpy(), expected[:2], rtol=1e-6)


def test_intra_modal_confidence_errors():
    with pytest.raises(
        ValueError,
        match=r"log_proba must be 2-D of shape \(n_samples, n_classes\), got shape \(3,\)",
    ):
        intra_modal_confidence(np.array([0.1, 0.2, 0.7]), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="y has 4 entries but log_proba has 3 rows"):
        intra_modal_confidence(np.full((3, 2), 0.5), np.array([0, 1, 0, 1]))
    with pytest.raises(ValueError, match=r"y must hold labels in 0..1 .*got labels from 0 to 2"):
        intra_modal_confidence(np.full((3, 2), 0.5), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="y must hold integer-encoded labels"):
        intra_modal_confidence(np.full((2, 2), 0.5), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"y must be 1-D of shape \(n_samples,\)"):
        intra_modal_confidence(np.full((2, 2), 0.5), np.array([[0], [1]]))


# ------------------------------------------------------------------------------------------
# Eq. 2-3
# ------------------------------------------------------------------------------------------


def test_complementarity_two_modalities_by_hand():
    a = np.array([[1.0, 0.0], [1.0, 2.0], [3.0, 0.0], [1.0, 1.0]])
    b = np.array([[0.0, 5.0], [2.0, 4.0], [-1.0, 0.0], [1.0, 0.0]])
    # orthogonal -> 1, parallel -> 0, opposite -> 2, 45 degrees -> 1 - cos(pi / 4)
    expected = [1.0, 0.0, 2.0, 1.0 - math.sqrt(0.5)]
    phi = inter_modal_complementarity([a, b])
    assert isinstance(phi, np.ndarray)
    np.testing.assert_allclose(phi, expected, atol=1e-12)


def test_complementarity_three_modalities_by_hand():
    e1, e2 = [1.0, 0.0], [0.0, 1.0]
    # cos(1, 2) = 1, cos(1, 3) = cos(2, 3) = 0 -> ordered sum 2 over 6 pairs -> phi = 2/3
    phi = inter_modal_complementarity([np.array([e1]), np.array([e1]), np.array([e2])])
    np.testing.assert_allclose(phi, [2 / 3], atol=1e-12)


def test_complementarity_single_modality_is_zero():
    phi = inter_modal_complementarity([np.ones((4, 3))])
    np.testing.assert_array_equal(phi, np.zeros(4))
    phi_t = inter_modal_complementarity([torch.ones(4, 3)])
    assert isinstance(phi_t, torch.Tensor)
    assert torch.equal(phi_t, torch.zeros(4))


def test_complementarity_zero_rows_have_cosine_zero():
    a = np.array([[0.0, 0.0]])
    b = np.array([[1.0, 1.0]])
    np.testing.assert_allclose(inter_modal_complementarity([a, b]), [1.0])


def test_complementarity_o_m_formula_equals_double_loop():
    rng = np.random.default_rng(1)
    embeddings = [rng.normal(size=(30, 8)) for _ in range(4)]
    embeddings[2][3] = 0.0  # a zero row
    embeddings[1][5] = embeddings[0][5]  # a parallel pair
    np.testing.assert_allclose(
        inter_modal_complementarity(embeddings), explicit_phi(embeddings), atol=1e-12
    )


def test_complementarity_matches_torch_cosine_similarity():
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(20, 6, generator=gen, dtype=torch.float64)
    b = torch.randn(20, 6, generator=gen, dtype=torch.float64)
    a[0] = 0.0
    expected = 1.0 - torch.nn.functional.cosine_similarity(a, b, dim=1)
    phi = inter_modal_complementarity([a, b])
    assert isinstance(phi, torch.Tensor)
    torch.testing.assert_close(phi, expected)


def test_complementarity_numpy_and_torch_agree():
    rng = np.random.default_rng(2)
    embeddings = [rng.normal(size=(10, 5)).astype(np.float32) for _ in range(3)]
    phi_np = inter_modal_complementarity(embeddings)
    phi_t = inter_modal_complementarity([torch.from_numpy(e) for e in embeddings])
    assert isinstance(phi_np, np.ndarray) and phi_np.dtype == np.float32
    assert isinstance(phi_t, torch.Tensor) and phi_t.dtype == torch.float32
    np.testing.assert_allclose(phi_t.numpy(), phi_np, rtol=1e-5, atol=1e-6)


def test_complementarity_mask():
    rng = np.random.default_rng(3)
    embeddings = [rng.normal(size=(4, 5)) for _ in range(3)]
    mask = np.array(
        [[True, True, True], [True, False, True], [False, True, False], [False, False, False]]
    )
    phi = inter_modal_complementarity(embeddings, mask=mask)
    full = explicit_phi(embeddings)
    pair = explicit_phi([embeddings[0], embeddings[2]])
    np.testing.assert_allclose(phi, [full[0], pair[1], 0.0, 0.0], atol=1e-12)
    # an all-True mask changes nothing; integer masks are accepted
    np.testing.assert_allclose(
        inter_modal_complementarity(embeddings, mask=np.ones((4, 3), dtype=int)), full, atol=1e-12
    )
    np.testing.assert_allclose(
        inter_modal_complementarity(embeddings, mask=mask.astype(np.float32)), phi, atol=1e-12
    )
    # a numpy mask with torch embeddings
    phi_t = inter_modal_complementarity([torch.from_numpy(e) for e in embeddings], mask=mask)
    assert isinstance(phi_t, torch.Tensor)
    np.testing.assert_allclose(phi_t.numpy(), phi, atol=1e-12)


def test_complementarity_errors():
    with pytest.raises(ValueError, match="embeddings must hold at least 1 modality, got 0"):
        inter_modal_complementarity([])
    with pytest.raises(ValueError, match=r"embeddings\[1\] must be 2-D .*got shape \(3,\)"):
        inter_modal_complementarity([np.ones((3, 2)), np.ones(3)])
    with pytest.raises(
        ValueError, match=r"embeddings\[2\] has shape \(4, 2\) but embeddings\[0\] has shape"
    ):
        inter_modal_complementarity([np.ones((3, 2)), np.ones((3, 2)), np.ones((4, 2))])
    with pytest.raises(ValueError, match=r"mask must have shape .* = \(3, 2\), got shape \(3,\)"):
        inter_modal_complementarity([np.ones((3, 2)), np.ones((3, 2))], mask=np.ones(3, bool))
    with pytest.raises(ValueError, match="mask must be boolean"):
        inter_modal_complementarity([np.ones((3, 2)), np.ones((3, 2))], mask=np.full((3, 2), 0.5))


# ------------------------------------------------------------------------------------------
# Eq. 4
# ------------------------------------------------------------------------------------------


def _two_modality_example():
    probas = [_log([[0.5, 0.5], [0.2, 0.8]]), _log([[0.9, 0.1], [0.4, 0.6]])]
    embeddings = [np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([[0.0, 1.0], [-1.0, 0.0]])]
    y = np.array([0, 1])
    psi_mean = [
        (sigmoid(math.log(0.5) / 2) + sigmoid(math.log(0.9) / 2)) / 2,
        (sigmoid(math.log(0.8) / 2) + sigmoid(math.log(0.6) / 2)) / 2,
    ]
    phi = [1.0, 2.0]  # orthogonal, opposite
    return probas, embeddings, y, np.array(psi_mean), np.array(phi)


def test_difficulty_score_by_hand():
    probas, embeddings, y, psi_mean, phi = _two_modality_example()
    np.testing.assert_allclose(difficulty_score(probas, embeddings, y), phi + psi_mean)
    np.testing.assert_allclose(
        difficulty_score(probas, embeddings, y, parts="both"), phi + psi_mean
    )
    np.testing.assert_allclose(difficulty_score(probas, embeddings, y, parts="intra"), psi_mean)
    np.testing.assert_allclose(difficulty_score(probas, embeddings, y, parts="inter"), phi)
    np.testing.assert_allclose(difficulty_score(probas, None, y, parts="intra"), psi_mean)
    np.testing.assert_allclose(difficulty_score(None, embeddings, y, parts="inter"), phi)
    assert PARTS == ("both", "intra", "inter")


def test_difficulty_score_torch_in_torch_out():
    probas, embeddings, y, psi_mean, phi = _two_modality_example()
    score = difficulty_score(
        [torch.tensor(p) for p in probas], [torch.tensor(e) for e in embeddings], torch.tensor(y)
    )
    assert isinstance(score, torch.Tensor)
    np.testing.assert_allclose(score.numpy(), phi + psi_mean)


def test_difficulty_score_single_modality():
    proba = _log([[0.5, 0.5], [0.25, 0.75]])
    y = np.array([0, 1])
    score = difficulty_score([proba], [np.ones((2, 3))], y)
    np.testing.assert_allclose(score, intra_modal_confidence(proba, y))


def test_difficulty_score_mask():
    probas, embeddings, y, _, _ = _two_modality_example()
    mask = np.array([[True, False], [True, True]])
    score = difficulty_score(probas, embeddings, y, mask=mask)
    psi0 = intra_modal_confidence(probas[0], y)
    full = difficulty_score(probas, embeddings, y)
    # sample 0: one modality present -> phi = 0 and psi of modality 0 alone
    np.testing.assert_allclose(score, [psi0[0], full[1]])
    none_present = np.zeros((2, 2), dtype=bool)
    np.testing.assert_array_equal(difficulty_score(probas, embeddings, y, mask=none_present), 0.0)


def test_difficulty_score_errors():
    probas, embeddings, y, _, _ = _two_modality_example()
    with pytest.raises(ValueError, match="parts must be one of 'both', 'intra', 'inter', got 'x'"):
        difficulty_score(probas, embeddings, y, parts="x")
    with pytest.raises(ValueError, match="log_probas holds 1 modalities but embeddings holds 2"):
        difficulty_score(probas[:1], embeddings, y)
    with pytest.raises(
        ValueError, match=r"log_probas\[1\] has shape \(2, 3\) but log_probas\[0\] has"
    ):
        difficulty_score([probas[0], np.full((2, 3), 1 / 3)], embeddings, y)
    with pytest.raises(ValueError, match=r"log_probas\[1\] must be 2-D .*got shape \(2,\)"):
        difficulty_score([probas[0], np.full(2, 0.5)], embeddings, y)
    with pytest.raises(ValueError, match=r"embeddings\[1\] has shape \(3, 2\)"):
        difficulty_score(probas, [embeddings[0], np.ones((3, 2))], y)
    with pytest.raises(
        ValueError, match="log_probas\\[0\\] has 2 rows but embeddings\\[0\\] has 3"
    ):
        difficulty_score(probas, [np.ones((3, 2)), np.ones((3, 2))], y)
    with pytest.raises(ValueError, match="y has 3 entries but log_probas\\[0\\] has 2 rows"):
        difficulty_score(probas, embeddings, np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="log_probas is required when parts='both'"):
        difficulty_score(None, embeddings, y)
    with pytest.raises(ValueError, match="embeddings is required when parts='inter'"):
        difficulty_score(probas, None, y, parts="inter")
    with pytest.raises(ValueError, match="mask must have shape"):
        difficulty_score(probas, embeddings, y, mask=np.ones((2, 3), dtype=bool))


# ------------------------------------------------------------------------------------------
# Input values: probabilities for log-probabilities, NaN, array-likes
# ------------------------------------------------------------------------------------------


def test_intra_modal_confidence_rejects_probabilities():
    # probabilities were clipped to log p = 0: a right and a wrong sample scored the same
    with pytest.raises(
        ValueError,
        match=r"log_proba must hold log-probabilities \(<= 0, .*got 0\.9 in row 0 \(2 row\(s\) "
              r"hold values > 0\); pass the log of probabilities",
    ):
        intra_modal_confidence(np.array([[0.9, 0.1], [0.2, 0.8]]), [0, 0])
    with pytest.raises(ValueError, match=r"log_probas\[1\] must hold log-probabilities"):
        difficulty_score([_log([[0.9, 0.1]]), np.array([[0.9, 0.1]])], None, [0], parts="intra")
    # their logs are fine, and so are log_softmax rounding above 0 and log 0 = -inf
    psi = intra_modal_confidence(_log([[0.9, 0.1], [0.2, 0.8]]), [0, 0])
    assert psi[0] > psi[1]
    np.testing.assert_array_equal(
        intra_modal_confidence(np.array([[1e-7, -np.inf], [-np.inf, 0.0]]), [0, 0]), [0.5, 0.0])


def test_nan_log_probabilities_are_errors_naming_the_modality():
    log_proba = np.array([[-0.1, -2.4], [np.nan, -0.1], [np.nan, np.nan]])
    with pytest.raises(ValueError, match=r"log_proba holds NaN in 2 row\(s\) \(the first: row 1\)"):
        intra_modal_confidence(log_proba, [0, 0, 1])
    with pytest.raises(ValueError, match=r"log_proba holds NaN in 2 row\(s\)"):
        intra_modal_confidence(torch.tensor(log_proba, dtype=torch.float32), [0, 0, 1])
    good = _log(np.full((3, 2), 0.5))
    with pytest.raises(ValueError, match=r"log_probas\[1\] holds NaN in 2 row\(s\)"):
        difficulty_score([good, log_proba], [np.ones((3, 2))] * 2, [0, 0, 1])
    # the rows of an absent modality are ignored; so are log_probas with parts="inter"
    mask = np.array([[True, True], [True, False], [True, False]])
    score = difficulty_score([good, log_proba], [np.ones((3, 2))] * 2, [0, 0, 1], mask=mask)
    assert np.all(np.isfinite(score))
    difficulty_score([good, log_proba], [np.ones((3, 2))] * 2, [0, 0, 1], parts="inter")


def test_non_finite_embeddings_are_errors_naming_the_modality():
    bad = np.array([[1.0, 0.0], [np.nan, 1.0], [np.inf, 0.0]])
    embeddings = [np.ones((3, 2)), bad]
    with pytest.raises(ValueError, match=r"embeddings\[1\] holds NaN or infinite values in 2 "
                                         r"row\(s\) \(the first: row 1\)"):
        inter_modal_complementarity(embeddings)
    with pytest.raises(ValueError, match=r"embeddings\[1\] holds NaN or infinite values"):
        inter_modal_complementarity([torch.tensor(e) for e in embeddings])
    with pytest.raises(ValueError, match=r"embeddings\[1\] holds NaN or infinite values"):
        difficulty_score([_log(np.full((3, 2), 0.5))] * 2, embeddings, [0, 1, 0])
    # absent rows are ignored, and parts="intra" does not use the embeddings
    mask = np.array([[True, True], [True, False], [True, False]])
    with np.errstate(all="raise"):
        phi = inter_modal_complementarity(embeddings, mask)
    np.testing.assert_allclose(phi, [1.0 - math.sqrt(0.5), 0.0, 0.0], atol=1e-12)
    difficulty_score([_log(np.full((3, 2), 0.5))] * 2, embeddings, [0, 1, 0], parts="intra")


def test_array_likes_are_read_with_numpy():
    nested = [[math.log(0.9), math.log(0.1)], [math.log(0.2), math.log(0.8)]]
    expected = intra_modal_confidence(np.array(nested), [0, 0])
    np.testing.assert_allclose(intra_modal_confidence(nested, [0, 0]), expected)
    phi = inter_modal_complementarity([[[1.0, 0.0]], [[0.0, 1.0]]])
    np.testing.assert_allclose(phi, [1.0])
    np.testing.assert_allclose(difficulty_score([nested], [[[1.0], [1.0]]], [0, 0]), expected)


@pytest.mark.parametrize("call, message", [
    (lambda: intra_modal_confidence([[-0.1, -2.3], [-1.6]], [0, 0]),
     r"log_proba must be an array \(numpy array, torch tensor or other array-API array\) or "
     r"an array-like of numbers, got list"),
    (lambda: intra_modal_confidence([["a", "b"]], [0]),
     r"log_proba must hold real log-probabilities, got dtype <U1"),
    (lambda: intra_modal_confidence(np.array([[-1j, -2j]]), [0]),
     r"log_proba must hold real log-probabilities, got dtype complex128"),
    (lambda: inter_modal_complementarity([np.ones((1, 2)), [["a", "b"]]]),
     r"embeddings\[1\] must hold real numbers, got dtype <U1"),
    (lambda: difficulty_score([[[0.0]], [[0.0], [-1.0, 0.0]]], None, [0], parts="intra"),
     r"log_probas\[1\] must be an array"),
])
def test_unreadable_inputs_are_type_errors_naming_the_argument(call, message):
    with pytest.raises(TypeError, match=message):
        call()
