"""Multimodal curriculum measurer of CLIMD (Han et al. 2025, Eq. 1-4).

This module is floor 1 of the package: it imports neither torch nor scikit-learn. It is written
against the array API through ``array_api_compat``, so numpy arrays in give numpy arrays out and
torch tensors in give torch tensors out (on the same device); other array-likes (nested lists)
are read with ``numpy.asarray``.

- :func:`intra_modal_confidence`, Eq. 1: ``psi = sigmoid(log(p_true) / C)``, in [0, 0.5].

The measurer takes each head's log-probabilities (a ``log_softmax``), not probabilities:
``log p_true`` is gathered directly, so a confidently wrong sample (a logit gap of hundreds)
keeps a distinct score instead of tying with others at a clipped probability floor.
- :func:`inter_modal_complementarity`, Eq. 2-3: ``phi = 1 - mean_{m != m'} cos(F_m, F_m')``.
- :func:`difficulty_score`, Eq. 4: ``r = phi + mean_m psi_m``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from array_api_compat import array_namespace, is_array_api_obj
from array_api_compat import device as _device

__all__ = [
    "PARTS",
    "difficulty_score",
    "inter_modal_complementarity",
    "intra_modal_confidence",
]

#: Valid values of the ``parts`` argument of :func:`difficulty_score`.
PARTS: tuple[str, ...] = ("both", "intra", "inter")

#: Lower bound of a vector norm in the cosine similarity, as in
#: ``torch.nn.functional.cosine_similarity``.
_COSINE_EPS = 1e-8

#: Largest log-probability accepted: rounding in a ``log_softmax`` stays far below it, while a
#: probability (a value in (0, 1]) passed in place of its log is far above it.
_LOG_PROBA_TOL = 1e-6


def _as_array(x: Any, name: str) -> Any:
    """``x`` itself if it is an array-API array (numpy, torch, ...), else ``numpy.asarray(x)``."""
    if is_array_api_obj(x):
        return x
    try:
        return np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be an array (numpy array, torch tensor or other array-API array) or "
            f"an array-like of numbers, got {type(x).__name__} that numpy cannot read: {exc}"
        ) from exc


def _check_rows(xp: Any, checks: list[tuple[Any, int | None, Any]], mask: Any | None) -> None:
    """Raise the first failed row check; one host-device synchronisation when all pass.

    ``checks`` holds ``(bad_rows, m, message)``: a boolean ``(n_samples,)`` array that is True
    where a row fails, the modality index whose ``mask`` column restricts the check to the
    present rows (None: every row), and ``message(count, first)`` giving the error text.
    """
    if not checks:
        return
    if mask is not None:
        checks = [(bad if m is None else bad & mask[:, m], m, message)
                  for bad, m, message in checks]
    if not bool(xp.any(xp.stack([xp.any(bad) for bad, _, _ in checks]))):
        return
    for bad, _, message in checks:
        if bool(xp.any(bad)):
            count = int(xp.sum(xp.astype(bad, xp.int64)))
            raise ValueError(message(count, int(xp.nonzero(bad)[0][0])))


def _log_proba_checks(xp: Any, log_proba: Any, name: str, m: int | None) -> list[Any]:
    """The row checks of a validated log-probability array: no NaN, no value above 0."""
    def nan_message(count: int, first: int) -> str:
        return (f"{name} holds NaN in {count} row(s) (the first: row {first}); the measurer "
                f"needs the log-probabilities of every row it scores")

    def positive_message(count: int, first: int) -> str:
        value = float(xp.max(log_proba[first, :]))
        return (f"{name} must hold log-probabilities (<= 0, such as a log_softmax; -inf for a "
                f"probability of 0), got {value!r} in row {first} ({count} row(s) hold values "
                f"> 0); pass the log of probabilities, not the probabilities")

    return [(xp.any(xp.isnan(log_proba), axis=1), m, nan_message),
            (xp.any(log_proba > _LOG_PROBA_TOL, axis=1), m, positive_message)]


def _embedding_checks(xp: Any, embeddings: list[Any]) -> list[Any]:
    """The row checks of validated embeddings: finite values only."""
    checks = []
    for m, emb in enumerate(embeddings):
        def message(count: int, first: int, m: int = m) -> str:
            return (f"embeddings[{m}] holds NaN or infinite values in {count} row(s) (the "
                    f"first: row {first}); the cosine similarities of those rows would be NaN")

        finite = xp.all(xp.isfinite(emb), axis=1)
        checks.append((~finite, m, message))
    return checks


def _as_float(xp: Any, x: Any) -> Any:
    """Cast a non-floating array to float64 (the default real floating dtype of numpy)."""
    if xp.isdtype(x.dtype, "real floating"):
        return x
    return xp.astype(x, xp.float64)


def _check_labels(xp: Any, y: Any, n_samples: int, n_classes: int, ref: Any, name: str) -> Any:
    """Return ``y`` as a 1-D integer array of ``xp`` on the device of ``ref``."""
    y = xp.asarray(y, device=_device(ref))
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D of shape (n_samples,), got shape {tuple(y.shape)}")
    if not xp.isdtype(y.dtype, "integral"):
        raise ValueError(f"y must hold integer-encoded labels 0..C-1, got dtype {y.dtype}")
    if y.shape[0] != n_samples:
        raise ValueError(f"y has {y.shape[0]} entries but {name} has {n_samples} rows")
    if n_samples > 0:
        low, high = int(xp.min(y)), int(xp.max(y))
        if low < 0 or high >= n_classes:
            raise ValueError(
                f"y must hold labels in 0..{n_classes - 1} ({name} has {n_classes} columns), "
                f"got labels from {low} to {high}"
            )
    return y


def _check_log_proba(xp: Any, log_proba: Any, name: str) -> Any:
    if not xp.isdtype(log_proba.dtype, ("real floating", "integral")):
        raise TypeError(f"{name} must hold real log-probabilities, got dtype {log_proba.dtype}")
    if log_proba.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D of shape (n_samples, n_classes), got shape "
            f"{tuple(log_proba.shape)}"
        )
    if log_proba.shape[1] < 1:
        raise ValueError(f"{name} must have at least 1 column, got shape {tuple(log_proba.shape)}")
    return _as_float(xp, log_proba)


def _confidence(xp: Any, log_proba: Any, y: Any) -> Any:
    """Eq. 1 on validated inputs, from log-probabilities (no clipping, no underflow to a floor)."""
    n_classes = log_proba.shape[1]
    classes = xp.arange(n_classes, device=_device(log_proba))
    one_hot = y[:, None] == classes[None, :]
    zero = xp.zeros_like(log_proba)
    log_p_true = xp.sum(xp.where(one_hot, log_proba, zero), axis=1)
    x = xp.clip(log_p_true, max=0.0) / n_classes  # <= 0: exp(x) <= 1, the sigmoid is stable
    e = xp.exp(x)
    return e / (1.0 + e)


def intra_modal_confidence(log_proba: Any, y: Any) -> Any:
    """Intra-modal confidence of one modality, the paper's Eq. 1.

    ``psi_i = sigmoid((1 / C) * sum_c y_ic * log p_ic) = sigmoid(log(p_true_i) / C)``.

    Parameters
    ----------
    log_proba : array of shape (n_samples, n_classes)
        The modality's log class probabilities, e.g. ``log_softmax`` of its logits (numpy
        array, torch tensor or any array-API array; another array-like is read with
        ``numpy.asarray``). Values ``<= 0`` (up to a rounding of 1e-6); ``-inf`` (a
        probability of 0) is allowed, NaN is not.
    y : array-like of shape (n_samples,)
        Integer-encoded labels ``0..C-1``; converted to the namespace and device of
        ``log_proba``.

    Returns
    -------
    psi : array of shape (n_samples,)
        Confidence in [0, 0.5], same namespace and floating dtype as ``log_proba`` (float64
        if ``log_proba`` is not floating). ``log p_true = -inf`` gives 0; ``log p_true`` is
        used as given otherwise, so scores keep their order as long as
        ``exp(log p_true / C)`` is representable (about -745 * C in float64).

    Raises
    ------
    TypeError
        If ``log_proba`` is not an array of real numbers.
    ValueError
        If ``log_proba`` is not 2-D, holds NaN or a value above 0 (probabilities rather than
        their log), ``y`` is not 1-D integer with one entry per row of ``log_proba``, or a
        label is outside ``0..C-1``.
    """
    log_proba = _as_array(log_proba, "log_proba")
    xp = array_namespace(log_proba)
    log_proba = _check_log_proba(xp, log_proba, "log_proba")
    y = _check_labels(xp, y, log_proba.shape[0], log_proba.shape[1], log_proba, "log_proba")
    _check_rows(xp, _log_proba_checks(xp, log_proba, "log_proba", None), None)
    return _confidence(xp, log_proba, y)


def _check_embeddings(xp: Any, embeddings: Sequence[Any]) -> list[Any]:
    if len(embeddings) < 1:
        raise ValueError("embeddings must hold at least 1 modality, got 0")
    out = []
    first_shape = None
    for m, emb in enumerate(embeddings):
        if not xp.isdtype(emb.dtype, ("bool", "real floating", "integral")):
            raise TypeError(f"embeddings[{m}] must hold real numbers, got dtype {emb.dtype}")
        if emb.ndim != 2:
            raise ValueError(
                f"embeddings[{m}] must be 2-D of shape (n_samples, n_features), "
                f"got shape {tuple(emb.shape)}"
            )
        if first_shape is None:
            first_shape = tuple(emb.shape)
        elif tuple(emb.shape) != first_shape:
            raise ValueError(
                f"embeddings[{m}] has shape {tuple(emb.shape)} but embeddings[0] has shape "
                f"{first_shape}; all modalities must share (n_samples, n_features)"
            )
        out.append(_as_float(xp, emb))
    return out


def _check_mask(xp: Any, mask: Any, n_samples: int, n_modalities: int, ref: Any) -> Any:
    """Return ``mask`` as a boolean (n_samples, n_modalities) array of ``xp``."""
    mask = xp.asarray(mask, device=_device(ref))
    if tuple(mask.shape) != (n_samples, n_modalities):
        raise ValueError(
            f"mask must have shape (n_samples, n_modalities) = ({n_samples}, {n_modalities}), "
            f"got shape {tuple(mask.shape)}"
        )
    if xp.isdtype(mask.dtype, "bool"):
        return mask
    if xp.isdtype(mask.dtype, "integral"):
        return mask != 0
    if xp.isdtype(mask.dtype, "real floating") and bool(xp.all((mask == 0) | (mask == 1))):
        return mask != 0
    raise ValueError(
        "mask must be boolean (True = modality present), or hold only 0 and 1, "
        f"got dtype {mask.dtype}"
    )


def _complementarity(xp: Any, embeddings: list[Any], mask: Any | None) -> Any:
    """Eq. 2-3 on validated inputs, in O(M) through unit vectors."""
    n_modalities = len(embeddings)
    dtype = xp.result_type(*embeddings)
    n_samples = embeddings[0].shape[0]
    dev = _device(embeddings[0])
    if n_modalities == 1:
        return xp.zeros(n_samples, dtype=dtype, device=dev)
    total = None
    self_sim = None
    for m, emb in enumerate(embeddings):
        emb = xp.astype(emb, dtype)
        if mask is not None:  # before the norm: an absent row's values are never computed on
            emb = xp.where(mask[:, m : m + 1], emb, xp.zeros_like(emb))
        norm = xp.sqrt(xp.sum(emb * emb, axis=1))
        norm = xp.clip(norm, min=_COSINE_EPS)
        unit = emb / norm[:, None]
        total = unit if total is None else total + unit
        sq = xp.sum(unit * unit, axis=1)
        self_sim = sq if self_sim is None else self_sim + sq
    # sum over ordered pairs m != m' of cos(u_m, u_m') = ||sum_m u_m||^2 - sum_m ||u_m||^2
    pair_sum = xp.sum(total * total, axis=1) - self_sim
    if mask is None:
        return 1.0 - pair_sum / (n_modalities * (n_modalities - 1))
    k = xp.astype(xp.sum(xp.astype(mask, xp.int64), axis=1), dtype)
    n_pairs = k * (k - 1.0)
    enough = k >= 2.0
    safe_pairs = xp.where(enough, n_pairs, xp.ones_like(n_pairs))
    return xp.where(enough, 1.0 - pair_sum / safe_pairs, xp.zeros_like(pair_sum))


def inter_modal_complementarity(embeddings: Sequence[Any], mask: Any | None = None) -> Any:
    """Inter-modal complementarity of each sample, the paper's Eq. 2-3.

    ``phi_i = 1 - (1 / (M (M - 1))) * sum_{m != m'} cos(F_i^(m), F_i^(m'))``, computed in
    O(M) as ``||sum_m u_m||^2 - sum_m ||u_m||^2`` with ``u_m = F^(m) / max(||F^(m)||, 1e-8)``
    (the convention of ``torch.nn.functional.cosine_similarity``; a zero row has cosine 0 with
    everything).

    Parameters
    ----------
    embeddings : sequence of M arrays of shape (n_samples, n_features)
        One embedding per modality, all of the same shape and namespace (an array-like that
        is not an array is read with ``numpy.asarray``); finite.
    mask : array-like of shape (n_samples, M) or None, default=None
        True where a modality is present (integer or floating 0/1 masks are accepted too).
        The mean is then over the ``k (k - 1)`` ordered pairs
        of the ``k`` present modalities, and ``phi = 0`` for a sample with ``k < 2``. The
        rows of an absent modality are ignored, NaN included.

    Returns
    -------
    phi : array of shape (n_samples,)
        Complementarity in ``[0, 2]``; zeros when ``M == 1`` (there is no pair). Same namespace
        as ``embeddings``.

    Raises
    ------
    TypeError
        If an embedding is not an array of real numbers.
    ValueError
        If ``embeddings`` is empty, an embedding is not 2-D, differs in shape from the first
        or holds NaN or infinity in a (present) row, or ``mask`` has the wrong shape or dtype.
        The message names the modality index.
    """
    embeddings = [_as_array(emb, f"embeddings[{m}]") for m, emb in enumerate(embeddings)]
    xp = array_namespace(*embeddings) if embeddings else None
    embeddings = _check_embeddings(xp, embeddings)
    if mask is not None:
        mask = _check_mask(xp, mask, embeddings[0].shape[0], len(embeddings), embeddings[0])
    _check_rows(xp, _embedding_checks(xp, embeddings), mask)
    return _complementarity(xp, embeddings, mask)


def difficulty_score(
    log_probas: Sequence[Any] | None,
    embeddings: Sequence[Any] | None,
    y: Any,
    parts: str = "both",
    mask: Any | None = None,
) -> Any:
    """Curriculum score of each sample, the paper's Eq. 4.

    ``r_i = phi_i + (1 / M) * sum_m psi_i^(m)``, with ``psi`` from
    :func:`intra_modal_confidence` and ``phi`` from :func:`inter_modal_complementarity`.

    Parameters
    ----------
    log_probas : sequence of M arrays of shape (n_samples, n_classes), or None
        Each modality's log class probabilities, as in :func:`intra_modal_confidence` (values
        ``<= 0``, ``-inf`` allowed, no NaN in a present row). May be None when
        ``parts == "inter"``.
    embeddings : sequence of M arrays of shape (n_samples, n_features), or None
        Each modality's embedding, finite in every present row. May be None when
        ``parts == "intra"``.
    y : array-like of shape (n_samples,)
        Integer-encoded labels ``0..C-1``; not used when ``parts == "inter"``.
    parts : {"both", "intra", "inter"}, default="both"
        ``"intra"``: mean psi only; ``"inter"``: phi only; ``"both"``: their sum.
    mask : array-like of shape (n_samples, M) or None, default=None
        True where a modality is present. psi is then averaged over the present modalities
        only (0 for a sample with none), and phi as in :func:`inter_modal_complementarity`;
        the rows of an absent modality are ignored, NaN included.

    Returns
    -------
    r : array of shape (n_samples,)
        The score, same namespace as the inputs. Higher means confident and complementary.

    Raises
    ------
    TypeError
        If an input is not an array of real numbers.
    ValueError
        If ``parts`` is unknown, a needed input is missing or empty, the shapes are
        inconsistent, a used log-probability is NaN or above 0, a used embedding is not
        finite (these messages name the offending modality index), ``log_probas`` and
        ``embeddings`` hold different numbers of modalities, or ``y`` / ``mask`` is invalid.
    """
    if parts not in PARTS:
        valid = ", ".join(repr(p) for p in PARTS)
        raise ValueError(f"parts must be one of {valid}, got {parts!r}")
    use_intra = parts in ("both", "intra")
    use_inter = parts in ("both", "inter")
    if use_intra and log_probas is None:
        raise ValueError(f"log_probas is required when parts={parts!r}")
    if use_inter and embeddings is None:
        raise ValueError(f"embeddings is required when parts={parts!r}")

    if log_probas is not None:
        log_probas = [_as_array(lp, f"log_probas[{m}]") for m, lp in enumerate(log_probas)]
    if embeddings is not None:
        embeddings = [_as_array(emb, f"embeddings[{m}]") for m, emb in enumerate(embeddings)]
    if log_probas is not None and embeddings is not None and len(log_probas) != len(embeddings):
        raise ValueError(
            f"log_probas holds {len(log_probas)} modalities but embeddings holds {len(embeddings)}"
        )
    arrays = (log_probas or []) + (embeddings or [])
    if not arrays:
        raise ValueError("log_probas and embeddings must hold at least 1 modality, got 0")
    xp = array_namespace(*arrays)

    if log_probas is not None:
        if len(log_probas) < 1:
            raise ValueError("log_probas must hold at least 1 modality, got 0")
        checked = []
        for m, log_proba in enumerate(log_probas):
            log_proba = _check_log_proba(xp, log_proba, f"log_probas[{m}]")
            if m > 0 and tuple(log_proba.shape) != tuple(checked[0].shape):
                raise ValueError(
                    f"log_probas[{m}] has shape {tuple(log_proba.shape)} but log_probas[0] has "
                    f"shape {tuple(checked[0].shape)}"
                )
            checked.append(log_proba)
        log_probas = checked
    if embeddings is not None:
        embeddings = _check_embeddings(xp, embeddings)
    if log_probas is not None and embeddings is not None:
        if log_probas[0].shape[0] != embeddings[0].shape[0]:
            raise ValueError(
                f"log_probas[0] has {log_probas[0].shape[0]} rows but embeddings[0] has "
                f"{embeddings[0].shape[0]}"
            )
    ref = log_probas[0] if log_probas is not None else embeddings[0]
    n_samples = ref.shape[0]
    n_modalities = len(log_probas) if log_probas is not None else len(embeddings)
    if mask is not None:
        mask = _check_mask(xp, mask, n_samples, n_modalities, ref)
    checks = []
    if use_intra:
        y = _check_labels(xp, y, n_samples, log_probas[0].shape[1], log_probas[0], "log_probas[0]")
        for m, log_proba in enumerate(log_probas):
            checks += _log_proba_checks(xp, log_proba, f"log_probas[{m}]", m)
    if use_inter:
        checks += _embedding_checks(xp, embeddings)
    _check_rows(xp, checks, mask)

    score = None
    if use_intra:
        psi_sum = None
        for m, log_proba in enumerate(log_probas):
            psi = _confidence(xp, log_proba, y)
            if mask is not None:
                psi = xp.where(mask[:, m], psi, xp.zeros_like(psi))
            psi_sum = psi if psi_sum is None else psi_sum + psi
        if mask is None:
            score = psi_sum / n_modalities
        else:
            k = xp.astype(xp.sum(xp.astype(mask, xp.int64), axis=1), psi_sum.dtype)
            safe_k = xp.where(k > 0, k, xp.ones_like(k))
            score = xp.where(k > 0, psi_sum / safe_k, xp.zeros_like(psi_sum))
    if use_inter:
        phi = _complementarity(xp, embeddings, mask)
        if score is None:
            score = phi
        else:
            dtype = xp.result_type(score, phi)
            score = xp.astype(score, dtype) + xp.astype(phi, dtype)
    return score
