"""The like-for-like protocol: one network and one training recipe, many imbalance treatments.

Every neural method is the default ``CLIMDClassifier()`` (the 10-member ensemble network,
lr 1e-3, 30 epochs, dropout 0.5, weight decay 5 / n) behind a ``StandardScaler``; the methods
differ only in how they treat the imbalance (loss, class weights, a sampler, the heads, the
curriculum and its order). Five non-neural
anchors are tuned by inner cross-validation on the training fold. Every method sees the same
splits, so the results are paired; ``benchmarks/like_for_like.py`` is the command line.
"""

from __future__ import annotations

import functools
import os
import re
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from imblearn import FunctionSampler
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.base import clone
from sklearn.preprocessing import StandardScaler
from torch.optim import SGD

from ..estimator import CLIMDClassifier
from ..modules import EarlyFusionNet
from ._cohorts import DEFAULT_GSE7390, gse7390_setting, wdbc_setting
from ._data import DEFAULT_ROSMAP, Setting, Split, make_setting, rosmap_pooled_setting
from ._methods import (
    LIKE_FOR_LIKE_ANCHORS,
    OPTIONAL_ANCHORS,
    _adaptive_smote,
    like_for_like_anchor,
    modality_columns,
)
from ._records import RECORDS_FILE, _append_line, _check_specs, _jsonable, _key, load_records
from ._runner import ProgressLine, score
from ._self_taught import SelfTaughtOrder
from ._subsample import expected_scores

__all__ = [
    "CANDIDATES",
    "DEFAULT_METHODS",
    "DEFAULT_SETTINGS",
    "DEFAULT_SPLITS",
    "NEURAL_METHODS",
    "REFERENCE",
    "build_method",
    "like_for_like_setting",
    "resolve_methods",
    "resolve_settings",
    "run_like_for_like",
    "run_split",
    "setting_name",
    "settings_splits",
    "variant_params",
]

_PLAIN = {"curriculum": None, "loss": "ce", "aux_weight": 0.0}

#: The default's score order of rounds 27-38 and of rounds 39-41 (see :data:`CANDIDATES`).
_ASC_EVERY_5 = {"order": "asc", "rescore_every": 5}
_WEIGHTED_EVERY_5 = {"order": "weighted", "rescore_every": 5}

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
#: ``callbacks``, which computes the same).
NEURAL_METHODS: dict[str, dict[str, Any]] = {
    "CE": dict(_PLAIN),
    "Weighted CE": {**_PLAIN, "class_weight": "balanced"},
    "Focal": {**_PLAIN, "loss": "focal"},
    "Balanced softmax": {**_PLAIN, "loss": "balanced_softmax"},
    "SMOTE": {**_PLAIN, "sampler": "smote"},
    "RUS": {**_PLAIN, "sampler": "rus"},
    "ROS": {**_PLAIN, "sampler": "ros"},
    "Heads, no curriculum": {"curriculum": None},
    # the measurer's control: the same quotas, a random draw per member (the default of
    # rounds 21-25)
    "CLIMD, random order": {"order": "random"},
    "CLIMD (default)": {},
}

#: The method every other one is tested against.
REFERENCE = "CLIMD (default)"

#: Candidate levers, in the same form as :data:`NEURAL_METHODS`; run only when named
#: (``--methods`` / ``--candidates``). The script adds its own and ``--candidate NAME=JSON``.
#: The records of the candidates before round 28 ran on the 5-member ensemble of that time;
#: they are in ``benchmarks/results/like_for_like_round28.records.jsonl``. The candidates of
#: rounds 28-41 ran under the default's score order of their time, rescored every 5 epochs:
#: the lowest scores first until round 39, the weighted draw after. Their specs name both
#: (:data:`_ASC_EVERY_5`, :data:`_WEIGHTED_EVERY_5`), so that they still mean what their records
#: ran when the default changes (the records' specs got the same keys in rounds 41 and 42).
CANDIDATES: dict[str, dict[str, Any]] = {
    "CLIMD, wd 20/n + refit": {"wd_per_n": 20.0, "refit_bias": True},
    # the network of rounds 1-15 (one early-fusion net) in score order, on today's recipe
    "CLIMD, single network, score order": {"module": EarlyFusionNet, "order": "asc",
                                           "rescore_every": 1},
    # round 18: the quotas filled in the order of a trained no-curriculum model's scores
    "CLIMD, self-taught order": {"self_taught": True},
    # round 19: a full-data phase after the curriculum (run before rounds 21 and 26, so with
    # one random draw of the quotas for all members), and the no-curriculum net at its budget
    "CLIMD, half-length curriculum": {"curriculum_epochs": 15, "order": "random",
                                      "member_subsets": False},
    "CLIMD, budget-matched curriculum": {"max_epochs": 45, "curriculum_epochs": 30,
                                         "order": "random", "member_subsets": False},
    "Heads, no curriculum, 16 epochs": {"curriculum": None, "max_epochs": 16},
    # round 21's control: the default before it, every member trained on the same draw
    "CLIMD, one draw for all members": {"order": "random", "member_subsets": False},
    # round 26's control: one score order, from the averaged ensemble, for all members,
    # rescored every epoch (as before round 27)
    "CLIMD, one score order for all members": {"order": "asc", "member_subsets": False,
                                               "rescore_every": 1},
    # round 27's control: the default of round 26, every member rescored every epoch
    "CLIMD, rescored every epoch": {"rescore_every": 1},
    # round 28's control, the default of rounds 16-27, and its weight-averaged candidate
    "CLIMD, 5 members": {**_ASC_EVERY_5, "module_kwargs": {"n_members": 5}},
    "CLIMD, 5 members, weight averaging": {**_ASC_EVERY_5, "weight_averaging": 0.75,
                                           "module_kwargs": {"n_members": 5}},
    # round 32's candidate: the ten-member default with weight averaging
    "CLIMD, weight averaging": {**_ASC_EVERY_5, "weight_averaging": 0.75},
    # round 33's control: the default of rounds 28-32, without weight averaging
    "CLIMD, no weight averaging": {**_ASC_EVERY_5, "weight_averaging": False},
    # round 34: the curriculum over epochs 1-22, then epochs 23-30 on every sample, averaged
    # (its random-order twin was registered for a stage 2 that the screen stopped)
    "CLIMD, curriculum then weight averaging": {**_ASC_EVERY_5, "curriculum_epochs": 22,
                                                "weight_averaging": 0.75},
    # round 35: round 23's linear path, on only where a modality has more features than the
    # training fold has samples
    "CLIMD, linear path where p > n": {**_ASC_EVERY_5, "linear_path_if_wide": True},
    # round 36's control: the default without the switch, for runs that switch every method
    "CLIMD, no linear path": {**_ASC_EVERY_5, "linear_path_if_wide": False},
    # round 37's control: the ten-member default, for runs that give every neural method five
    "CLIMD, 10 members": {**_ASC_EVERY_5, "module_kwargs": {"n_members": 10}},
    # round 38: plain SGD with momentum instead of Adam (Wilson et al. 2017), a screen
    "CLIMD, SGD": {**_ASC_EVERY_5, "sgd_momentum": 0.9, "lr": 0.01},
    # round 39: the scores as sampling weights, each quota a draw weighted by hardness rank
    # (the default of rounds 39-41; the name of its records in rounds 39 and 40)
    "CLIMD, score-weighted draw": dict(_WEIGHTED_EVERY_5),
    # round 39's control: the default of rounds 26-38, the hardest samples of each class first
    "CLIMD, lowest score first": dict(_ASC_EVERY_5),
    # round 41: weight averaging on the score-weighted draw (the order named, so the records
    # keep their meaning if the default's order changes), and its control for a run where
    # every neural method averages its weights
    "CLIMD, weighted draw, weight averaging": {**_WEIGHTED_EVERY_5, "weight_averaging": 0.75},
    "CLIMD, weighted draw, no weight averaging": {**_WEIGHTED_EVERY_5,
                                                  "weight_averaging": False},
    # round 42: the score-weighted draw with every member rescored every epoch (round 27's
    # question, asked again under the new order)
    "CLIMD, weighted draw, rescored every epoch": {"order": "weighted", "rescore_every": 1},
    # round 42's control, the default of rounds 39-41 (the weighted draw, rescored every 5
    # epochs), renamed in the tables it was carried into
    "CLIMD, rescored every 5 epochs": dict(_WEIGHTED_EVERY_5),
}

#: The methods run by default: the neural ones, then the non-neural anchors.
DEFAULT_METHODS: tuple[str, ...] = (
    *NEURAL_METHODS, *(name for name in LIKE_FOR_LIKE_ANCHORS if name not in OPTIONAL_ANCHORS))

#: The settings run by default (specs of :func:`like_for_like_setting`).
DEFAULT_SETTINGS: tuple[str, ...] = ("rosmap:1", "rosmap:5", "rosmap:10", "mfeat:10",
                                     "mfeat:100", "synthetic:10")

#: Splits per setting kind (the part of the spec before the colon).
DEFAULT_SPLITS: dict[str, int] = {"rosmap": 25, "rosmap_wide": 25, "mfeat": 15, "synthetic": 15,
                                  "gse7390": 25, "wdbc": 25}

#: Noise features added to each ROSMAP modality by the ``"rosmap_wide:<IR>"`` settings: 2,200
#: features per modality, the top of the 10 to 2,500 that issue 11 names, 200 of them signal.
WIDE_NOISE_FEATURES = 2000

def like_for_like_setting(spec: str, rosmap_path: str = DEFAULT_ROSMAP) -> Setting:
    """The setting of a spec: ROSMAP pooled and cross-validated, the others as elsewhere.

    Parameters
    ----------
    spec : str
        ``"rosmap:<IR>"`` (:func:`~climd_sklearn.benchmark._data.rosmap_pooled_setting`),
        ``"rosmap_wide:<IR>"`` (the same splits with :data:`WIDE_NOISE_FEATURES` noise
        features added to each modality),
        ``"mfeat:<rho>"`` or ``"synthetic:<rho>"`` (as in
        :func:`~climd_sklearn.benchmark.make_setting`), or ``"gse7390"`` /
        ``"gse7390:<path>"`` and ``"wdbc:<IR>"`` (real cohorts no round was tuned on,
        :mod:`~climd_sklearn.benchmark._cohorts`).
    rosmap_path : str
        Where ROSMAP lives.

    Returns
    -------
    setting : Setting
    """
    kind, _, arg = spec.partition(":")
    if kind == "rosmap":
        return rosmap_pooled_setting(float(arg), rosmap_path)
    if kind == "rosmap_wide":
        return rosmap_pooled_setting(float(arg), rosmap_path,
                                     noise_features=WIDE_NOISE_FEATURES)
    if kind in ("mfeat", "synthetic"):
        return make_setting(spec)
    if kind == "gse7390":
        return gse7390_setting(arg or DEFAULT_GSE7390)
    if kind == "wdbc":
        return wdbc_setting(float(arg or 1))
    raise ValueError(f"Unknown setting {spec!r}; use rosmap:, rosmap_wide:, mfeat:, "
                     "synthetic:, gse7390 or wdbc:")


def setting_name(spec: str) -> str:
    """The display name of a setting spec, without loading its data.

    Parameters
    ----------
    spec : str
        A setting spec.

    Returns
    -------
    name : str
        As :func:`like_for_like_setting` names it, e.g. ``"ROSMAP IR 5"``.
    """
    kind, _, arg = spec.partition(":")
    if kind == "gse7390":
        return "GSE7390 metastasis"
    labels = {"rosmap": "ROSMAP IR", "rosmap_wide": "ROSMAP wide IR", "mfeat": "mfeat LT rho",
              "synthetic": "Synthetic LT rho", "wdbc": "WDBC IR"}
    return f"{labels[kind]} {float(arg or (1 if kind == 'wdbc' else 10)):g}"


def resolve_settings(
    specs: Sequence[str], n_splits: int | None = None, rosmap_path: str = DEFAULT_ROSMAP
) -> list[tuple[Setting, int]]:
    """Each setting of the specs with the number of its splits that a run covers.

    With a ``first_split`` (:func:`settings_splits`) a run covers that many splits from
    ``first_split`` on.

    Parameters
    ----------
    specs : sequence of str
        Setting specs (:func:`like_for_like_setting`).
    n_splits : int or None, default=None
        At most this many splits per setting; None: :data:`DEFAULT_SPLITS`.
    rosmap_path : str
        Where ROSMAP lives.

    Returns
    -------
    settings : list of (Setting, int)
    """
    return [(like_for_like_setting(spec, rosmap_path),
             min(DEFAULT_SPLITS[spec.partition(":")[0]], n_splits or 10**6)) for spec in specs]


def settings_splits(
    resolved: Sequence[tuple[Setting, int]], first_split: int = 0
) -> Iterator[tuple[Setting, Split]]:
    """The splits a run covers: of each resolved setting, ``n`` from ``first_split`` on.

    Every setting's splits are a prefix-stable sequence (seeded CV repetitions and draws by
    split number), so ``first_split = 25`` gives fresh splits that no run of the first 25
    has seen: new held-out folds, new subsamples and new model seeds.

    Parameters
    ----------
    resolved : sequence of (Setting, int)
        From :func:`resolve_settings`.
    first_split : int, default=0
        Index of the first split.

    Yields
    ------
    setting, split : Setting, Split
    """
    for setting, n in resolved:
        for split in setting.splits(first_split + n):
            if split.index >= first_split:
                yield setting, split


def resolve_methods(
    names: Sequence[str], candidates: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """The specification of each named method.

    Parameters
    ----------
    names : sequence of str
        Names from :data:`NEURAL_METHODS`, the anchors, :data:`CANDIDATES` or ``candidates``.
    candidates : mapping or None, default=None
        Extra candidates (name -> overrides); they win over :data:`CANDIDATES`.

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
            specs[name] = {"kind": "neural", "overrides": dict(pool[name])}
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
    quick: bool = False,
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
        Training-fold size (for ``wd_per_n`` and ``linear_path_if_wide``).
    quick : bool, default=False
        ``max_epochs=2`` for the neural methods, tiny grids for the anchors.

    Returns
    -------
    estimator : estimator
        A pipeline starting with a ``StandardScaler`` (HGB, BRF and ``input_as_given``:
        without), or a search.
    """
    if spec["kind"] == "anchor":
        return like_for_like_anchor(name, seed, quick)
    params = dict(spec["overrides"])
    sampler = params.pop("sampler", None)
    self_taught = bool(params.pop("self_taught", False))
    as_given = bool(params.pop("input_as_given", False))
    if "wd_per_n" in params:
        params["weight_decay"] = float(params.pop("wd_per_n")) / n_train
    if "sgd_momentum" in params:
        params["optimizer"] = functools.partial(SGD, momentum=float(params.pop("sgd_momentum")))
    if params.pop("linear_path_if_wide", False):
        params["module_kwargs"] = {**(params.get("module_kwargs") or {}),
                                   "linear_path": max(layout.values()) > n_train}
    if quick:
        params["max_epochs"] = 2
    if not as_given:
        # the pipeline's StandardScaler standardizes (as the records were made), so the
        # estimator's own per-modality scaling would only add rounding
        params.setdefault("standardize", False)
    clf = CLIMDClassifier(modalities=modality_columns(layout), random_state=seed, **params)
    if self_taught:
        clf = SelfTaughtOrder(clf)
    steps: list[tuple[str, Any]] = [] if as_given else [("scale", StandardScaler())]
    if sampler == "smote":
        steps.append(("sample", FunctionSampler(func=_adaptive_smote,
                                                kw_args={"random_state": seed})))
    elif sampler in ("rus", "ros"):
        cls = RandomUnderSampler if sampler == "rus" else RandomOverSampler
        steps.append(("sample", cls(random_state=seed)))
    elif sampler is not None:
        raise ValueError(f"Unknown sampler {sampler!r} of {name!r}; use smote, rus or ros")
    return Pipeline([*steps, ("clf", clf)])


def _predicting_classifier(est: Any) -> CLIMDClassifier | None:
    """The unfitted CLIMDClassifier whose fit makes a method's predictions (None: an anchor).

    For a :class:`SelfTaughtOrder`, its final curriculum fit: the wrapped estimator with what
    the wrapper sets on it.
    """
    clf = est.steps[-1][1] if isinstance(est, Pipeline) else est
    if isinstance(clf, SelfTaughtOrder):
        base = CLIMDClassifier() if clf.estimator is None else clf.estimator
        return clone(base).set_params(**SelfTaughtOrder.CURRICULUM_PARAMS)
    return clf if isinstance(clf, CLIMDClassifier) else None


def variant_params(
    spec: Mapping[str, Any], n_train: int, quick: bool = False
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
    # the preset does not depend on the modalities' widths, so any layout will do here
    clf = _predicting_classifier(build_method("", spec, {"modality": 1}, 0, n_train, quick))
    return None if clf is None else _jsonable(clf._variant_params(n_train))


def _check_variant_params(done: Sequence[Mapping[str, Any]],
                          specs: Mapping[str, Mapping[str, Any]]) -> None:
    """Raise if a record's stored preset is not what its method's spec resolves to today.

    Records written before round 43 store no preset and are not checked here (their specs
    pin the values that changed since: :data:`CANDIDATES`).
    """
    expected: dict[tuple[str, int, bool], dict[str, Any] | None] = {}
    for rec in done:
        if rec["method"] not in specs or "variant_params" not in rec:
            continue
        key = rec["method"], rec["n_train"], rec["protocol"] == "quick"
        if key not in expected:
            expected[key] = variant_params(specs[rec["method"]], *key[1:])
        now, then = expected[key] or {}, rec["variant_params"] or {}
        changed = {k: (then.get(k), now.get(k)) for k in sorted({*then, *now})
                   if then.get(k) != now.get(k)}
        if changed:
            raise ValueError(
                f"{rec['method']!r} was recorded under preset values that its spec no longer "
                f"resolves to (recorded, now): {changed}; a default changed since. Pin the "
                "recorded values in its spec, or rename the method")


def run_split(
    setting_name: str, split: Split, layout: Mapping[str, int],
    specs: Mapping[str, Mapping[str, Any]], records_path: str, protocol: str,
    quick: bool = False,
) -> list[dict[str, Any]]:
    """Fit every method on one split, appending one JSON line per method as it finishes.

    torch is limited to one thread (and BLAS / OpenMP pools to one), seeded with the split
    number before each fit, and warnings are silenced.

    Parameters
    ----------
    setting_name : str
        Recorded as ``"setting"``.
    split : Split
        Training fold and evaluation sets, the same for every method.
    layout : mapping of str to int
        Modality widths.
    specs : mapping
        name -> spec (:func:`resolve_methods`) of the methods still to run on this split.
    records_path : str
        The JSON-lines file appended to.
    protocol : str
        ``"full"`` or ``"quick"``, recorded so that the two never mix.
    quick : bool, default=False
        See :func:`build_method`.

    Returns
    -------
    records : list of dict
        One per method: ``scores`` ({eval: metrics}, the expected evaluations of
        ``split.expected`` included), ``predictions`` ({eval: predicted labels}, so that
        other evaluations of the same fits can be computed later), ``fit_time`` (s),
        ``n_train``, the ``spec``, ``variant_params`` (:func:`variant_params`; not for an
        anchor) and, for a search, ``best_params`` and ``inner_failures``.
    """
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    out = []
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, spec in specs.items():
            est = clone(build_method(name, spec, layout, split.index, len(split.y_train),
                                     quick))
            clf = _predicting_classifier(est)
            preset = None if clf is None else clf._variant_params(len(split.y_train))
            torch.manual_seed(split.index)
            start = time.perf_counter()
            est.fit(split.X_train, split.y_train)
            fit_time = time.perf_counter() - start
            predictions = {ev: est.predict(X_ev) for ev, (X_ev, _) in split.evals.items()}
            scores = {ev: score(y_ev, predictions[ev])
                      for ev, (_, y_ev) in split.evals.items()}
            scores.update(expected_scores(split, predictions))
            rec: dict[str, Any] = {
                "protocol": protocol, "setting": setting_name, "split": split.index,
                "method": name, "fit_time": fit_time, "n_train": int(len(split.y_train)),
                "spec": _jsonable(spec), "scores": scores,
                "predictions": {ev: np.asarray(pred).tolist() for ev, pred in predictions.items()}}
            if preset is not None:
                rec["variant_params"] = _jsonable(preset)
            if hasattr(est, "best_params_"):
                rec["best_params"] = _jsonable(est.best_params_)
                rec["inner_failures"] = int(np.isnan(est.cv_results_["mean_test_score"]).sum())
            _append_line(records_path, rec)
            out.append(rec)
    return out


def run_like_for_like(
    settings: Sequence[str],
    methods: Sequence[str],
    out_dir: str,
    *,
    candidates: Mapping[str, Mapping[str, Any]] | None = None,
    n_splits: int | None = None,
    first_split: int = 0,
    n_jobs: int = 2,
    quick: bool = False,
    rosmap_path: str = DEFAULT_ROSMAP,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Run every method on every split of every setting that is not recorded yet.

    Jobs are (setting, split) pairs run in parallel by joblib; each fits all the methods that
    split still lacks, so paired results are computed together. Every result is appended to
    ``<out_dir>/like_for_like.records.jsonl`` as soon as it is done, so an interrupted run
    resumes where it stopped.

    Parameters
    ----------
    settings : sequence of str
        Setting specs (:func:`like_for_like_setting`).
    methods : sequence of str
        Method names (:func:`resolve_methods`).
    out_dir : str
        Folder of the records file (created).
    candidates : mapping or None, default=None
        Extra candidate methods (name -> overrides).
    n_splits : int or None, default=None
        At most this many splits per setting; None: :data:`DEFAULT_SPLITS`.
    first_split : int, default=0
        Run the splits from this index on (:func:`settings_splits`): ``n_splits`` of them.
    n_jobs : int, default=2
        Parallel (setting, split) jobs.
    quick : bool, default=False
        Smoke-test mode (:func:`build_method`); recorded as protocol ``"quick"``.
    rosmap_path : str
        Where ROSMAP lives.
    progress : bool, default=True
        Draw a progress line on stderr.
    log : callable or None, default=None
        Called with a line after each job.

    Returns
    -------
    records : list of dict
        Every record of this protocol in the file, old and new.
    """
    from joblib import Parallel, delayed

    if n_splits is not None and n_splits < 1:
        raise ValueError(f"n_splits must be >= 1, got {n_splits}")
    if first_split < 0:
        raise ValueError(f"first_split must be >= 0, got {first_split}")
    specs = resolve_methods(methods, candidates)
    protocol = "quick" if quick else "full"
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, RECORDS_FILE)
    if os.path.exists(path) and os.path.getsize(path):
        with open(path, "rb+") as fh:  # a run killed mid-line: end that line, it is skipped
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":
                fh.write(b"\n")
    done = load_records(path, protocol)
    _check_specs(done, specs)
    _check_variant_params(done, specs)
    done_keys = {_key(r) for r in done}
    resolved = resolve_settings(settings, n_splits, rosmap_path)
    pending = [(setting.name, i) for setting, n in resolved
               for i in range(first_split, first_split + n)
               if any((setting.name, i, m) not in done_keys for m in specs)]
    bar = ProgressLine(len(pending), enabled=progress and bool(pending))

    def jobs() -> Iterator[Any]:
        for setting, split in settings_splits(resolved, first_split):
            todo = {m: s for m, s in specs.items()
                    if (setting.name, split.index, m) not in done_keys}
            if todo:
                yield delayed(run_split)(setting.name, split, setting.layout, todo, path,
                                         protocol, quick)

    start = time.perf_counter()
    try:
        parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    except TypeError:  # joblib < 1.4: results arrive at the end (the records file as they go)
        parallel = Parallel(n_jobs=n_jobs)
    for recs in parallel(jobs()):
        if recs:
            label = f"{recs[0]['setting']} #{recs[0]['split']}"
            bar.update(label)
            if log is not None:
                log(f"{label}: {len(recs)} methods, {sum(r['fit_time'] for r in recs):.0f} s "
                    f"of fits ({time.perf_counter() - start:.0f} s elapsed)")
    return load_records(path, protocol)
