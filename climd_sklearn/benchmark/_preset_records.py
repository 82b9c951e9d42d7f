"""Which preset a like-for-like record ran: stored with each neural fit, checked on reuse.

A method's spec holds its overrides of the default ``CLIMDClassifier()``; what they mean
depends on the improved variant's preset, which a research round may change. Each record
therefore stores the preset its fit resolved (:func:`variant_params`), and a resumed run, a
carry-over or a test refuses records whose preset their spec no longer resolves to
(:func:`_check_variant_params`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TunedThresholdClassifierCV

from .._prior_shift import TunedPriorShiftClassifierCV
from ..estimator import CLIMDClassifier
from ._absence_evidence import AbsenceEvidence
from ._gradient_blend import GradientBlendedHeads
from ._like_for_like_methods import build_method
from ._records import _jsonable
from ._self_taught import SelfTaughtOrder

__all__ = ["variant_params"]


def _predicting_classifier(
    pipeline: Pipeline | TunedThresholdClassifierCV | GridSearchCV | TunedPriorShiftClassifierCV,
) -> CLIMDClassifier:
    """The unfitted CLIMDClassifier whose fit makes a neural method's predictions.

    The pipeline's last step (:func:`build_method`; inside a ``TunedThresholdClassifierCV``,
    a :class:`~climd_sklearn.TunedPriorShiftClassifierCV` or a ``GridSearchCV``, its
    estimator's, before the search sets the parameters it chooses), for a
    :class:`GradientBlendedHeads` or an :class:`AbsenceEvidence` the estimator it wraps, or
    for a :class:`SelfTaughtOrder` its final curriculum fit: the wrapped estimator with what
    the wrapper sets on it.
    """
    if isinstance(pipeline, (TunedThresholdClassifierCV, GridSearchCV,
                             TunedPriorShiftClassifierCV)):
        pipeline = pipeline.estimator
    clf = pipeline.steps[-1][1]
    if isinstance(clf, SelfTaughtOrder):
        base = CLIMDClassifier() if clf.estimator is None else clf.estimator
        return clone(base).set_params(**SelfTaughtOrder.CURRICULUM_PARAMS)
    if isinstance(clf, (GradientBlendedHeads, AbsenceEvidence)):
        return clf.estimator
    return clf


def variant_params(
    spec: Mapping[str, Any], n_train: int, quick: bool = False,
    layout: Mapping[str, int] | None = None, n_classes: int | None = None,
) -> dict[str, Any] | None:
    """The preset values a method's fit runs under, as its records store them.

    A spec holds a method's overrides of the default ``CLIMDClassifier()``; what they mean
    depends on the improved variant's preset, which changes when a research round changes the
    default. A record therefore also stores the resolved preset, so that a resumed run or a
    test can tell that a name no longer means what its records ran.

    Parameters
    ----------
    spec : mapping
        An entry of :func:`resolve_methods`.
    n_train : int
        Training-fold size (``weight_decay="auto"`` resolves to ``5 / n_train``).
    quick : bool, default=False
        See :func:`build_method`.
    layout : mapping of str to int or None, default=None
        The modality widths of the fit. The preset itself does not depend on them (a
        width-switched parameter's ``"auto"`` stays ``"auto"`` until the fit sees the data),
        but the spec keys of ``_DATA_SET_PRESET`` set preset values from them. None
        stands for one modality of width 1, which resolves every other key the same.
    n_classes : int or None, default=None
        The training fold's number of classes, for the same keys; None counts as two.

    Returns
    -------
    params : dict or None
        The variant's values with the spec's overrides for a fit on ``n_train`` rows, as JSON
        values (the module class as its repr), or None for an anchor. This is the resolution
        before the fit: a fit's own ``variant_params_`` also switches off ``member_subsets``
        where it cannot act.
    """
    if spec["kind"] != "neural":
        return None
    layout = {"modality": 1} if layout is None else layout
    clf = _predicting_classifier(build_method("", spec, layout, 0, n_train, quick,
                                              n_classes))
    return _jsonable(clf._variant_params(n_train))


#: Spec keys that set preset values from the data (the modality widths or the number of
#: classes), and the values they set. A record stores them as its fit resolved them;
#: :func:`_check_variant_params`, which knows neither, leaves them out of its comparison.
_DATA_SET_PRESET: dict[str, tuple[str, ...]] = {
    "width_switch_ratio": ("linear_path", "heads_in_prediction"),
    "aux_per_head": ("weight_decay",),
    "wd_per_log2_classes": ("weight_decay",),
    "width_by_inner_cv": ("linear_path", "heads_in_prediction"),
}


#: Preset parameters added after records were first stored, with the value that every fit
#: before them ran (a record without the key ran that value).
_PRESET_BEFORE: dict[str, Any] = {"heads_in_prediction": False, "linear_path": False,
                                   "modality_dropout": 0.0}


def _check_variant_params(done: Sequence[Mapping[str, Any]],
                          specs: Mapping[str, Mapping[str, Any]]) -> None:
    """Raise if a record's stored preset is not what its method's spec resolves to today.

    Records written before round 43 store no preset and are not checked here (their specs
    pin the values that changed since:
    :data:`~climd_sklearn.benchmark._candidates.CANDIDATES`). Values that a spec key sets from
    the data (``_DATA_SET_PRESET``) are left out: the records hold neither the modality
    widths nor the number of classes.
    """
    expected: dict[tuple[str, int, bool], dict[str, Any] | None] = {}
    for rec in done:
        if rec["method"] not in specs or "variant_params" not in rec:
            continue
        key = rec["method"], rec["n_train"], rec["protocol"] == "quick"
        if key not in expected:
            expected[key] = variant_params(specs[rec["method"]], *key[1:])
        now = expected[key] or {}
        then = {**_PRESET_BEFORE, **rec["variant_params"]} if rec["variant_params"] else {}
        from_data = {value for spec_key, values in _DATA_SET_PRESET.items()
                     if spec_key in specs[rec["method"]].get("overrides", {})
                     for value in values}
        changed = {k: (then.get(k), now.get(k)) for k in sorted({*then, *now} - from_data)
                   if then.get(k) != now.get(k)}
        if changed:
            raise ValueError(
                f"{rec['method']!r} was recorded under preset values that its spec no longer "
                f"resolves to (recorded, now): {changed}; a default changed since. Pin the "
                "recorded values in its spec, or rename the method")
