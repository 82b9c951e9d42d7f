"""The like-for-like protocol's methods: the registry of names and how each is built.

A neural method is its overrides of the default ``CLIMDClassifier()`` behind a
``StandardScaler`` (:data:`NEURAL_METHODS`, :data:`CANDIDATES`); a non-neural anchor is a
search tuned on the training fold (:mod:`~climd_sklearn.benchmark._methods`). Each record of
a network also stores the preset its spec resolved to
(:func:`~climd_sklearn.benchmark._preset_records.variant_params`), so that a change of the
default cannot silently change what a registered name fits.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from imblearn import FunctionSampler
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.metrics import get_scorer_names
from sklearn.model_selection import GridSearchCV, StratifiedKFold, TunedThresholdClassifierCV
from sklearn.preprocessing import PowerTransformer, QuantileTransformer, StandardScaler
from torch.optim import SGD, AdamW

from .._prior_shift import TunedPriorShiftClassifierCV
from .._variants import AUTO_WEIGHT_DECAY, VARIANT_PARAMS
from ..estimator import CLIMDClassifier
from ._absence import ModalityAbsence
from ._absence_evidence import AbsenceEvidence
from ._bias_decay import free_bias_adam
from ._candidates import CANDIDATES
from ._decay_spread import MemberSpreadAdam
from ._fan_in_decay import fan_in_adam
from ._gradient_blend import GradientBlendedHeads
from ._methods import (
    IMPUTERS,
    LIKE_FOR_LIKE_ANCHORS,
    OPTIONAL_ANCHORS,
    _adaptive_smote,
    like_for_like_anchor,
    modality_columns,
)
from ._prior_smoothing import SmoothedClassPrior
from ._screening import ModalityScreen, screened_layout
from ._self_taught import SelfTaughtOrder
from ._skew_scaler import SkewedQuantileScaler
from ._span_projection import SpanProjectedScaler
from ._step_cosine import CurriculumCosineLR

__all__ = [
    "CANDIDATES",
    "DEFAULT_METHODS",
    "NEURAL_METHODS",
    "REFERENCE",
    "build_method",
    "resolve_methods",
]

_PLAIN = {"curriculum": None, "loss": "ce", "aux_weight": 0.0}

#: name -> CLIMDClassifier overrides on top of the default ``CLIMDClassifier()``; the extra key
#: ``"sampler"`` (``"smote"``, ``"rus"`` or ``"ros"``) puts an imblearn sampler in front,
#: ``"wd_per_n": c`` sets ``weight_decay = c / n`` (n: the training fold's size),
#: ``"self_taught": True`` wraps the model in :class:`SelfTaughtOrder` (research round 18), and
#: ``"input_as_given": True`` drops the pipeline's ``StandardScaler`` (the data as a user
#: passes them; research round 20). ``"linear_path_if_wide": True`` gives the network its linear
#: path (``module_kwargs={"linear_path": True}``, round 23) where the widest modality has more
#: features than the training fold has samples, and leaves it off elsewhere (research round
#: 35). ``"sgd_momentum": m`` trains with ``torch.optim.SGD(momentum=m)`` instead of Adam, at
#: the spec's ``lr`` (research round 38). ``"weight_averaging": start`` is the estimator's own
#: parameter (research rounds 28 and 32; until round 32 the key added the same callback by
#: ``callbacks``, which computes the same). ``"wd_fan_in": True`` trains with
#: :func:`~climd_sklearn.benchmark._fan_in_decay.fan_in_adam`: each weight matrix's decay
#: scaled by its fan-in over 256 (research round 44). ``"wd_member_spread": True`` trains with
#: :class:`~climd_sklearn.benchmark._decay_spread.MemberSpreadAdam`: each ensemble member its
#: own decay, from half the default's to twice it (research round 45). ``"prior_smoothing": a``
#: adds :class:`~climd_sklearn.benchmark._prior_smoothing.SmoothedClassPrior` ``(alpha=a)``:
#: the balanced softmax's prior estimated as ``(n_c + a) / (N + K a)`` (research round 48).
#: ``"step_cosine": True`` adds :class:`~climd_sklearn.benchmark._step_cosine.CurriculumCosineLR`:
#: the learning rate annealed by a cosine over the fit's optimizer steps (the pilot after the
#: tuned prior shift's tests).
#: ``"tuned_threshold": scoring`` wraps the pipeline in scikit-learn's
#: ``TunedThresholdClassifierCV`` (an inner stratified 5-fold CV on the training fold picks
#: the decision threshold on the predicted probability that maximizes ``scoring``; binary
#: targets only; research, after round 53). ``"input_transform": "quantile"`` puts
#: scikit-learn's ``QuantileTransformer(output_distribution="normal")`` in the
#: ``StandardScaler``'s place (``n_quantiles`` at most the training fold's size; research, a
#: pilot after round 54), and ``"power"`` its ``PowerTransformer(method="yeo-johnson")``
#: (standardized after the transform; the second pilot after round 54); ``"skewed_quantile"``
#: maps only the features with ``|skewness| > 1`` through their quantiles and standardizes the
#: rest (:class:`SkewedQuantileScaler`, the fourth). ``"width_switch_ratio": r`` sets
#: ``linear_path`` and ``heads_in_prediction`` both to whether the widest modality has at
#: least ``r`` times as many features as the training fold has samples (research round 55).
#: ``"input_transform": "span_projected"`` standardizes and projects each modality of a
#: predicted row onto the span of its standardized training rows where that block is rank
#: deficient (:class:`SpanProjectedScaler`; the first pilot after round 55).
#: ``"adamw_tau_epochs": tau`` trains with ``torch.optim.AdamW`` (decoupled weight decay,
#: Loshchilov & Hutter 2019) instead of Adam's coupled L2, its decay set so that the weights
#: forget at an EMA timescale of ``tau`` passes over the training fold (Wang & Aitchison
#: 2025): ``weight_decay = batch_size / (lr * n * tau)`` (the second pilot after round 55).
#: ``"screen": size`` keeps, of each modality wider than the training fold, the ``d``
#: features with the largest ANOVA F on the training labels (sure independence screening,
#: Fan & Lv 2008; ``size`` ``"n-1"`` or ``"n/log n"``; :class:`ModalityScreen`, the third
#: pilot after round 55). ``"aux_per_head": True`` sets ``aux_weight`` to the number of
#: modalities, so that each per-modality head's loss weighs as much as the fused head's
#: (the loss is ``CE(fused) + aux_weight * mean_m CE(head_m)``; a sixth pilot after round 55);
#: ``"hold"`` does the same and multiplies the default's decay ``5 / n`` by ``2 M / (M + 1)``,
#: which under Adam is the loss scaled by ``(M + 1) / (2 M)``: each encoder's loss then
#: weighs ``1 + 1 / M`` in all, as in the default (a seventh pilot after round 55).
#: ``"wd_per_log2_classes": True`` sets ``weight_decay = 5 / (n log2 C)`` for the training
#: fold's ``C`` classes: the default's decay where ``C = 2`` (an eighth pilot after round 55).
#: ``"wd_free_biases": True`` trains with
#: :func:`~climd_sklearn.benchmark._bias_decay.free_bias_adam`: the decay on the weight
#: matrices only, every bias exempt (a pilot after round 57). ``"width_by_inner_cv": True``
#: wraps the pipeline in a ``GridSearchCV`` over :data:`WIDTH_CHOICES`: a stratified 3-fold
#: inner CV on the training fold, scored by macro F1, chooses between the default's width
#: settings and the width option, and refits the choice (the README's advice for wide data).
#: ``"aux_by_inner_cv": True`` does the same over :data:`AUX_CHOICES`, the heads' loss at the
#: paper's weight or none (the README's advice where one modality carries the signal).
#: ``"one_modality": True`` gives the network every column as one modality (one encoder and
#: one head per member on the concatenated features, as the non-neural anchors see them;
#: a diagnostic on the Knight ADRC cohort, after the hidden-fusion pilot).
#: ``"gradient_blend": True`` wraps the model in :class:`GradientBlendedHeads`: a probe fit on
#: a stratified 80 % of the training fold weighs each per-modality head's loss by its
#: generalization over its overfitting squared on the other 20 % (Gradient-Blending, Wang et
#: al. 2020), ``aux_weight`` shared between the heads, and the model is refitted on the
#: whole fold with those weights (a pilot after the ADRC diagnostics); ``"permuted"``, its
#: control, shuffles the weights between the heads (seeded by the split) before the refit;
#: ``"generalization"`` shares ``aux_weight`` by each head's held-out generalization alone,
#: without Gradient-Blending's division by the overfitting squared (a pilot after its screen).
#: ``"impute": "mean"`` puts scikit-learn's ``SimpleImputer(strategy="mean")`` after the input
#: transform, so that the network gets every absent modality's cells filled with the training
#: fold's means instead of its missing-modality rows (the missing-modality table after the
#: CPU diagnostic); ``"impute": "knn"`` puts ``KNNImputer(n_neighbors=5)`` there instead, so
#: that an absent modality's cells become the mean of the five training patients nearest on
#: the cells both have (the KNN-imputation test after the modality-dropout screen).
#: ``"absence_indicators": True`` appends a :class:`ModalityAbsence` modality after the
#: scaler, one column per modality, 1 where the sample lacks it (the informative-missingness
#: test after the KNN test); ``"standardized"`` appends it before the scaler, so that its
#: columns are standardized as the estimator's own ``standardize=True`` treats the
#: modality the README's two lines append (the check after the absence-evidence pilot);
#: ``"per_feature"`` appends it after the scaler with each modality's indicator repeated
#: once per column of the modality (the pilot after the regression's indicators were kept
#: once per modality).
#: ``"absence_evidence": True`` wraps the classifier in :class:`AbsenceEvidence`, which adds
#: to its log-probabilities each modality's ``log p(R_m | y) - log p(R_m)``, counted on the
#: training rows (a pilot after the imputation test). ``"tuned_prior_shift": True`` wraps the
#: pipeline in :class:`~climd_sklearn.TunedPriorShiftClassifierCV`: a stratified, shuffled
#: 5-fold inner CV on the training fold, seeded by the split, chooses the ``tau`` of its
#: default grid whose shift ``tau * log(training prior)`` of the out-of-fold log-probabilities
#: scores the best macro F1, and the refit predicts with it (the test after the
#: decision-shift oracle); a scorer name in place of True scores the shifts by it
#: (``"balanced_accuracy"``, which the class shares do not move, aims the inner CV at a
#: balanced test: the test after the comparison with the tuned threshold).

#: The two candidates of ``"width_by_inner_cv"``: the default (no linear path, the fused head
#: alone) and the width option (both ``"auto"``).
WIDTH_CHOICES: list[dict[str, list[Any]]] = [
    {"clf__linear_path": [False], "clf__heads_in_prediction": [False]},
    {"clf__linear_path": ["auto"], "clf__heads_in_prediction": ["auto"]},
]

#: The two candidates of ``"aux_by_inner_cv"``: the default's heads' loss (``aux_weight=1``,
#: the paper's λ) and none (``aux_weight=0``), the README's choice for cohorts where one
#: modality carries almost all of the signal.
AUX_CHOICES: list[dict[str, list[Any]]] = [{"clf__aux_weight": [1.0]}, {"clf__aux_weight": [0.0]}]

#: The spec keys that each set the estimator's optimizer (one at most, and not with
#: ``"sgd_momentum"``), with the optimizer each sets.
_OPTIMIZER_KEYS: dict[str, Any] = {"wd_fan_in": fan_in_adam, "wd_member_spread": MemberSpreadAdam,
                                   "adamw_tau_epochs": AdamW, "wd_free_biases": free_bias_adam}

_INPUT_TRANSFORMS: dict[str, Callable[[int, int, Mapping[str, int]], Any]] = {
    "standard": lambda n_train, seed, layout: StandardScaler(),
    "quantile": lambda n_train, seed, layout: QuantileTransformer(
        output_distribution="normal", n_quantiles=min(1000, n_train), random_state=seed),
    "power": lambda n_train, seed, layout: PowerTransformer(method="yeo-johnson"),
    "skewed_quantile": lambda n_train, seed, layout: SkewedQuantileScaler(random_state=seed),
    "span_projected": lambda n_train, seed, layout: SpanProjectedScaler(
        modality_columns(layout)),
}

NEURAL_METHODS: dict[str, dict[str, Any]] = {
    "CE": dict(_PLAIN),
    "Weighted CE": {**_PLAIN, "class_weight": "balanced"},
    "Focal": {**_PLAIN, "loss": "focal"},
    "Balanced softmax": {**_PLAIN, "loss": "balanced_softmax"},
    "SMOTE": {**_PLAIN, "sampler": "smote"},
    "RUS": {**_PLAIN, "sampler": "rus"},
    "ROS": {**_PLAIN, "sampler": "ros"},
    "Heads, no curriculum": {"curriculum": None},
    # item 3's score order, the measurer's arm: the same quotas, each a draw weighted by the
    # hardness rank of the member's own Eq. 1-4 scores, rescored every epoch (the default of
    # round 42; the default's order is the random draw since round 43)
    "CLIMD, weighted draw": {"order": "weighted", "rescore_every": 1},
    "CLIMD (default)": {},
}

#: The method every other one is tested against.
REFERENCE = "CLIMD (default)"

#: The methods run by default: the neural ones, then the non-neural anchors.
DEFAULT_METHODS: tuple[str, ...] = (
    *NEURAL_METHODS, *(name for name in LIKE_FOR_LIKE_ANCHORS if name not in OPTIONAL_ANCHORS))

def resolve_methods(
    names: Sequence[str], candidates: Mapping[str, Mapping[str, Any]] | None = None,
    recipe: Mapping[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """The specification of each named method.

    Parameters
    ----------
    names : sequence of str
        Names from :data:`NEURAL_METHODS`, the anchors, :data:`CANDIDATES` or ``candidates``.
    candidates : mapping or None, default=None
        Extra candidates (name -> overrides); they win over :data:`CANDIDATES`.
    recipe : mapping or None, default=None
        Overrides given to every neural method, a change of the shared training recipe that
        keeps the comparison like for like (a decision round's rerun); a key a method sets
        itself wins, so a control can opt out (``{"wd_member_spread": False}``). Anchors are
        left alone.

    Returns
    -------
    specs : dict
        name -> ``{"kind": "neural", "overrides": {...}}`` or ``{"kind": "anchor", "grid":
        {...}}``; an unknown name raises ``KeyError``.
    """
    pool = {**NEURAL_METHODS, **CANDIDATES, **(candidates or {})}
    specs: dict[str, dict[str, Any]] = {}
    for name in names:
        if name in pool:
            specs[name] = {"kind": "neural", "overrides": {**(recipe or {}), **pool[name]}}
        elif name in LIKE_FOR_LIKE_ANCHORS:
            estimator = repr(like_for_like_anchor(name, 0).estimator)
            estimator = re.sub(r" at 0x[0-9a-f]+", "", estimator)  # function addresses
            specs[name] = {"kind": "anchor", "grid": LIKE_FOR_LIKE_ANCHORS[name][0],
                           "estimator": " ".join(estimator.split())}
        else:
            raise KeyError(f"Unknown method {name!r}; known: {[*pool, *LIKE_FOR_LIKE_ANCHORS]}")
    return specs


def build_method(
    name: str, spec: Mapping[str, Any], layout: Mapping[str, int], seed: int, n_train: int,
    quick: bool = False, n_classes: int | None = None,
) -> Any:
    """An unfitted estimator of one method for one split.

    Parameters
    ----------
    name : str
        The method's name.
    spec : mapping
        Its entry of :func:`resolve_methods`.
    layout : mapping of str to int
        Modality widths in column order.
    seed : int
        ``random_state`` of the model, its sampler and its inner CV (the split number).
    n_train : int
        Training-fold size (for ``wd_per_n``, ``adamw_tau_epochs``, ``screen``,
        ``linear_path_if_wide`` and ``width_switch_ratio``).
    quick : bool, default=False
        ``max_epochs=2`` for the neural methods, tiny grids for the anchors.
    n_classes : int or None, default=None
        Number of classes in the training fold (for ``wd_per_log2_classes``); None counts
        as two.

    Returns
    -------
    estimator : estimator
        A pipeline starting with a ``StandardScaler`` (``input_transform="quantile"``,
        ``"power"``, ``"skewed_quantile"`` or ``"span_projected"``: a
        ``QuantileTransformer``, a ``PowerTransformer``, a :class:`SkewedQuantileScaler` or
        a :class:`SpanProjectedScaler`; HGB, BRF and
        ``input_as_given``: without; ``impute``: an imputer of :data:`IMPUTERS` after it;
        ``screen``: a :class:`ModalityScreen` after that), a ``TunedThresholdClassifierCV``
        around one (``tuned_threshold``), a
        :class:`~climd_sklearn.TunedPriorShiftClassifierCV` around one
        (``tuned_prior_shift``), or a search.
    """
    if spec["kind"] == "anchor":
        return like_for_like_anchor(name, seed, quick)
    params = dict(spec["overrides"])
    sampler = params.pop("sampler", None)
    self_taught = bool(params.pop("self_taught", False))
    gradient_blend = params.pop("gradient_blend", False)
    if gradient_blend not in (False, True, "permuted", "generalization"):
        raise ValueError(f"{name!r}: gradient_blend must be True, False, 'permuted' or "
                         f"'generalization', got {gradient_blend!r}")
    if gradient_blend and self_taught:
        raise ValueError(f"{name!r}: 'gradient_blend' and 'self_taught' each wrap the model; "
                         "they cannot be combined")
    tuned_threshold = params.pop("tuned_threshold", None)
    prior_shift = params.pop("tuned_prior_shift", False)
    if not (isinstance(prior_shift, bool) or prior_shift in get_scorer_names()):
        raise ValueError(f"{name!r}: tuned_prior_shift must be True, False or a scikit-learn "
                         f"scorer name, got {prior_shift!r}")
    if prior_shift and tuned_threshold is not None:
        raise ValueError(f"{name!r}: 'tuned_prior_shift' and 'tuned_threshold' each choose the "
                         "decision; they cannot be combined")
    width_by_inner_cv = bool(params.pop("width_by_inner_cv", False))
    if width_by_inner_cv and ({"linear_path", "heads_in_prediction", "width_switch_ratio"}
                              & set(params) or tuned_threshold is not None or prior_shift):
        raise ValueError(f"{name!r}: 'width_by_inner_cv' chooses linear_path and "
                         "heads_in_prediction; it cannot be combined with either, with "
                         "'width_switch_ratio', with 'tuned_threshold' or with "
                         "'tuned_prior_shift'")
    aux_by_inner_cv = bool(params.pop("aux_by_inner_cv", False))
    if aux_by_inner_cv and ({"aux_weight", "aux_per_head"} & set(params) or width_by_inner_cv
                            or tuned_threshold is not None or prior_shift):
        raise ValueError(f"{name!r}: 'aux_by_inner_cv' chooses aux_weight; it cannot be "
                         "combined with it, with 'aux_per_head', with 'width_by_inner_cv' or "
                         "with 'tuned_threshold' or 'tuned_prior_shift'")
    as_given = bool(params.pop("input_as_given", False))
    impute = params.pop("impute", None)
    if impute is not None and impute not in IMPUTERS:
        raise ValueError(f"{name!r}: impute must be 'mean' or 'knn', got {impute!r}")
    input_transform = params.pop("input_transform", "standard")
    if input_transform not in _INPUT_TRANSFORMS:
        *others, last = (repr(key) for key in _INPUT_TRANSFORMS)
        raise ValueError(f"{name!r}: input_transform must be {', '.join(others)} or {last}, "
                         f"got {input_transform!r}")
    if as_given and input_transform != "standard":
        raise ValueError(f"{name!r}: input_as_given drops the input transform; it cannot be "
                         f"combined with input_transform={input_transform!r}")
    if "wd_per_n" in params:
        params["weight_decay"] = float(params.pop("wd_per_n")) / n_train
    if params.pop("wd_per_log2_classes", False):
        if "weight_decay" in params:
            raise ValueError(f"{name!r}: 'wd_per_log2_classes' sets the weight decay; it "
                             "cannot be combined with 'weight_decay' or 'wd_per_n'")
        n_labels = 2 if n_classes is None else int(n_classes)
        if n_labels < 2:
            raise ValueError(f"{name!r}: 'wd_per_log2_classes' needs n_classes >= 2, got "
                             f"{n_classes!r}")
        params["weight_decay"] = AUTO_WEIGHT_DECAY / (n_train * math.log2(n_labels))
    aux_per_head = params.pop("aux_per_head", False)
    if aux_per_head not in (False, True, "hold"):
        raise ValueError(f"{name!r}: aux_per_head must be True, False or 'hold', got "
                         f"{aux_per_head!r}")
    if aux_per_head:
        if "aux_weight" in params:
            raise ValueError(f"{name!r}: 'aux_per_head' sets aux_weight; it cannot be combined "
                             "with 'aux_weight'")
        n_modalities = len(layout)
        params["aux_weight"] = float(n_modalities)
    if aux_per_head == "hold":
        if "weight_decay" in params:
            raise ValueError(f"{name!r}: aux_per_head='hold' sets the weight decay; it cannot "
                             "be combined with 'weight_decay' or 'wd_per_n'")
        # the loss (M + 1) / (2 M) * (CE(fused) + sum_m CE(head_m)) gives each encoder the
        # default's total weight 1 + 1 / M; Adam is blind to the loss's scale, so it trains
        # as the unscaled loss with the decay divided by that factor
        params["weight_decay"] = (AUTO_WEIGHT_DECAY * 2 * n_modalities
                                  / (n_modalities + 1) / n_train)
    if "adamw_tau_epochs" in params:
        if "weight_decay" in params:
            raise ValueError(f"{name!r}: 'adamw_tau_epochs' sets the weight decay; it cannot be "
                             "combined with 'weight_decay' or 'wd_per_n'")
        params["weight_decay"] = _adamw_decay(params, float(params["adamw_tau_epochs"]),
                                              n_train)
    optimizer_keys = [key for key in _OPTIMIZER_KEYS if params.pop(key, None)]
    if len(optimizer_keys) > 1 or (optimizer_keys and "sgd_momentum" in params):
        raise ValueError(f"{name!r}: {optimizer_keys} each set their own optimizer; they cannot "
                         "be combined with each other or with 'sgd_momentum'")
    if optimizer_keys:
        params["optimizer"] = _OPTIMIZER_KEYS[optimizer_keys[0]]
    if "sgd_momentum" in params:
        params["optimizer"] = functools.partial(SGD, momentum=float(params.pop("sgd_momentum")))
    if "width_switch_ratio" in params:
        wide = max(layout.values()) >= float(params.pop("width_switch_ratio")) * n_train
        params.update(linear_path=wide, heads_in_prediction=wide)
    if params.pop("linear_path_if_wide", False):
        params["module_kwargs"] = {**(params.get("module_kwargs") or {}),
                                   "linear_path": max(layout.values()) > n_train}
    if "prior_smoothing" in params:
        if params.get("loss", "balanced_softmax") != "balanced_softmax":
            raise ValueError(f"{name!r}: 'prior_smoothing' smooths the balanced softmax's "
                             f"prior; it cannot act with loss={params['loss']!r}")
        smoothing = SmoothedClassPrior(alpha=float(params.pop("prior_smoothing")))
        params["callbacks"] = [*(params.get("callbacks") or []), ("prior_smoothing", smoothing)]
    if params.pop("step_cosine", False):
        params["callbacks"] = [*(params.get("callbacks") or []),
                               ("step_cosine", CurriculumCosineLR())]
    if quick:
        params["max_epochs"] = 2
    if not as_given:
        # the pipeline's StandardScaler standardizes (as the records were made), so the
        # estimator's own per-modality scaling would only add rounding
        params.setdefault("standardize", False)
    screen = params.pop("screen", None)
    if screen is not None and as_given:
        raise ValueError(f"{name!r}: 'screen' follows the input transform; it cannot be "
                         "combined with input_as_given")
    kept = layout if screen is None else screened_layout(layout, n_train, screen)
    one_modality = bool(params.pop("one_modality", False))
    if one_modality:
        if screen is not None:
            raise ValueError(f"{name!r}: 'screen' screens each modality; it cannot be "
                             "combined with 'one_modality'")
        kept = {"all": sum(int(width) for width in layout.values())}
    absence = params.pop("absence_indicators", False)
    if absence not in (False, True, "standardized", "per_feature"):
        raise ValueError(f"{name!r}: absence_indicators must be True, False, "
                         f"'standardized' or 'per_feature', got {absence!r}")
    if absence == "standardized" and input_transform != "standard":
        raise ValueError(f"{name!r}: absence_indicators='standardized' puts the indicators "
                         "before the StandardScaler; it cannot be combined with "
                         f"input_transform={input_transform!r}")
    if absence and (screen is not None or one_modality or as_given):
        raise ValueError(f"{name!r}: 'absence_indicators' appends a modality to the scaled "
                         "layout; it cannot be combined with 'screen', 'one_modality' or "
                         "'input_as_given'")
    if absence:
        kept = {**layout, "absent": (sum(int(w) for w in layout.values())
                                     if absence == "per_feature" else len(layout))}
    evidence = bool(params.pop("absence_evidence", False))
    if evidence and (absence or impute is not None or screen is not None or one_modality):
        raise ValueError(f"{name!r}: 'absence_evidence' reads each modality's NaN cells "
                         "where the network gets them; it cannot be combined with "
                         "'absence_indicators', 'impute', 'screen' or 'one_modality'")
    clf = CLIMDClassifier(modalities=modality_columns(kept), random_state=seed, **params)
    if evidence:
        clf = AbsenceEvidence(clf, modality_columns(layout))
    if self_taught:
        clf = SelfTaughtOrder(clf)
    if gradient_blend:
        clf = GradientBlendedHeads(clf, random_state=seed,
                                   permuted=gradient_blend == "permuted",
                                   overfit_power=0.0 if gradient_blend == "generalization"
                                   else 2.0)
    steps: list[tuple[str, Any]] = (
        [] if as_given else [("scale", _INPUT_TRANSFORMS[input_transform](n_train, seed, layout))])
    if absence:
        # after the scaler, the indicators reach the network as 0 and 1; before it (as the
        # estimator's own standardization treats a modality the user appends), standardized
        at = 0 if absence == "standardized" else len(steps)
        steps.insert(at, ("absence", ModalityAbsence(modality_columns(layout),
                                                     per_feature=absence == "per_feature")))
    if impute is not None:
        steps.append(("impute", IMPUTERS[impute]()))
    if screen is not None:
        steps.append(("screen", ModalityScreen(modality_columns(layout), kept)))
    if sampler == "smote":
        steps.append(("sample", FunctionSampler(func=_adaptive_smote,
                                                kw_args={"random_state": seed})))
    elif sampler in ("rus", "ros"):
        cls = RandomUnderSampler if sampler == "rus" else RandomOverSampler
        steps.append(("sample", cls(random_state=seed)))
    elif sampler is not None:
        raise ValueError(f"Unknown sampler {sampler!r} of {name!r}; use smote, rus or ros")
    pipeline = Pipeline([*steps, ("clf", clf)])
    if width_by_inner_cv or aux_by_inner_cv:
        choices = WIDTH_CHOICES if width_by_inner_cv else AUX_CHOICES
        return GridSearchCV(pipeline, choices, scoring="f1_macro", error_score="raise",
                            cv=StratifiedKFold(3, shuffle=True, random_state=seed))
    if prior_shift:
        return TunedPriorShiftClassifierCV(
            pipeline, scoring="f1_macro" if prior_shift is True else prior_shift,
            random_state=seed)
    if tuned_threshold is None:
        return pipeline
    return TunedThresholdClassifierCV(
        pipeline, scoring=tuned_threshold,
        cv=StratifiedKFold(5, shuffle=True, random_state=seed))


def _adamw_decay(params: Mapping[str, Any], tau_epochs: float, n_train: int) -> float:
    """AdamW's decay for an EMA timescale of ``tau_epochs`` passes over ``n_train`` rows.

    AdamW multiplies every weight by ``1 - lr * weight_decay`` each step, so the weights are
    an exponential moving average of the updates with a timescale of ``1 / (lr *
    weight_decay)`` steps (Wang & Aitchison 2025); one pass over the training fold is
    ``n_train / batch_size`` steps. ``lr`` and ``batch_size`` are the method's own or, unset,
    its preset's and the estimator's.
    """
    if not (math.isfinite(tau_epochs) and tau_epochs > 0):
        raise ValueError(f"adamw_tau_epochs must be a positive number, got {tau_epochs!r}")
    variant = params.get("variant") or "improved"
    lr = params.get("lr") or VARIANT_PARAMS[variant]["lr"]
    batch_size = params.get("batch_size") or CLIMDClassifier().batch_size
    return float(batch_size / (lr * n_train * tau_epochs))
