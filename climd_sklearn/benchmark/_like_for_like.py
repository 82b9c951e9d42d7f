"""The like-for-like protocol: one network and one training recipe, many imbalance treatments.

Every neural method is the default ``CLIMDClassifier()`` (the 10-member ensemble network,
lr 1e-3, 30 epochs, dropout 0.5, weight decay 5 / n) behind a
``StandardScaler``; the methods differ only in how they treat the imbalance (loss, class
weights, a sampler, the heads, the curriculum and its order;
:mod:`~climd_sklearn.benchmark._like_for_like_methods` registers them). Five non-neural
anchors are tuned by inner cross-validation on the training fold. Every method sees the
same splits, so the results are paired; ``benchmarks/like_for_like.py`` is
the command line.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import clone

from ._data import DEFAULT_ROSMAP, Split
from ._like_for_like_methods import (
    CANDIDATES,
    DEFAULT_METHODS,
    NEURAL_METHODS,
    REFERENCE,
    build_method,
    resolve_methods,
)
from ._like_for_like_settings import (
    DEFAULT_SETTINGS,
    DEFAULT_SPLITS,
    SETTING_KINDS,
    SettingKind,
    like_for_like_setting,
    resolve_settings,
    setting_name,
    settings_splits,
    splits_of,
)
from ._preset_records import _check_variant_params, variant_params
from ._records import RECORDS_FILE, _append_line, _check_specs, _jsonable, _key, load_records
from ._runner import ProgressLine, cpu_model, score
from ._subsample import expected_scores

__all__ = [
    "CANDIDATES",
    "DEFAULT_METHODS",
    "DEFAULT_SETTINGS",
    "DEFAULT_SPLITS",
    "NEURAL_METHODS",
    "REFERENCE",
    "SETTING_KINDS",
    "SettingKind",
    "build_method",
    "like_for_like_setting",
    "log_proba_rows",
    "resolve_methods",
    "resolve_settings",
    "run_like_for_like",
    "run_split",
    "setting_name",
    "settings_splits",
    "splits_of",
    "subsets_drawn",
    "variant_params",
]


def run_split(
    setting_name: str, split: Split, layout: Mapping[str, int],
    specs: Mapping[str, Mapping[str, Any]], records_path: str, protocol: str,
    quick: bool = False, store_log_proba: bool = False,
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
    store_log_proba : bool, default=False
        Also store each evaluation's log-probabilities (``log_proba``: {eval: one row per
        sample, rounded to :data:`LOG_PROBA_DECIMALS` decimals, in the order of
        ``classes``}), so that a change of the decision (a shift of the logits, a blend of
        two methods) can be scored later without a refit. Off by default: on mfeat's ten
        classes it multiplies a record's size about tenfold.

    Returns
    -------
    records : list of dict
        One per method: ``scores`` ({eval: metrics}, the expected evaluations of
        ``split.expected`` included), ``predictions`` ({eval: predicted labels}, so that
        other evaluations of the same fits can be computed later), ``fit_time`` (s),
        ``n_train``, the ``cpu`` it ran on, the ``spec``, ``variant_params``
        (:func:`variant_params`; not for an anchor), for a network ``n_subsets`` (the most
        subsets an epoch drew, :func:`subsets_drawn`), for a search ``best_params`` and
        ``inner_failures``, for a tuned threshold (``TunedThresholdClassifierCV``) the
        ``threshold`` it chose, for a tuned prior shift
        (:class:`~climd_sklearn.TunedPriorShiftClassifierCV`) the ``tau`` it chose and the
        ``inner_scores`` of every ``tau``, and for Gradient-Blending
        (:class:`GradientBlendedHeads`) the ``head_weights`` it set.
    """
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    cpu = cpu_model()
    out = []
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        n_classes = len(np.unique(split.y_train))
        for name, spec in specs.items():
            est = clone(build_method(name, spec, layout, split.index, len(split.y_train),
                                     quick, n_classes))
            preset = variant_params(spec, len(split.y_train), quick, layout, n_classes)
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
                "cpu": cpu, "spec": _jsonable(spec), "scores": scores,
                "predictions": {ev: np.asarray(pred).tolist() for ev, pred in predictions.items()}}
            if store_log_proba:
                rec["classes"] = np.asarray(est.classes_).tolist()
                rec["log_proba"] = {ev: log_proba_rows(est, X_ev)
                                    for ev, (X_ev, _) in split.evals.items()}
            if preset is not None:
                rec["variant_params"] = preset
            if hasattr(est, "best_threshold_"):
                rec["threshold"] = float(est.best_threshold_)
            if hasattr(est, "best_tau_"):
                rec["tau"] = est.best_tau_
                rec["inner_scores"] = est.inner_scores_.tolist()
            if hasattr(est, "best_params_"):
                rec["best_params"] = _jsonable(est.best_params_)
                rec["inner_failures"] = int(np.isnan(est.cv_results_["mean_test_score"]).sum())
            final = est.steps[-1][1] if hasattr(est, "steps") else est
            if hasattr(final, "head_weights_"):
                rec["head_weights"] = final.head_weights_.tolist()
            drawn = subsets_drawn(est)
            if drawn is not None:
                rec["n_subsets"] = drawn
            _append_line(records_path, rec)
            out.append(rec)
    return out


#: The decimals a stored log-probability keeps (:func:`log_proba_rows`).
LOG_PROBA_DECIMALS = 4
#: The floor of a stored log-probability, where a probability underflows to 0.
LOG_PROBA_FLOOR = -1000.0


def log_proba_rows(estimator: Any, X: Any) -> list[list[float]]:
    """A fitted method's log-probabilities of ``X``, as JSON-ready rows.

    Parameters
    ----------
    estimator : estimator
        A fitted classifier with ``predict_proba``.
    X : array-like
        The evaluation's samples.

    Returns
    -------
    rows : list of list of float
        One row per sample, one column per class of ``estimator.classes_``: the natural
        log of its probability, floored at :data:`LOG_PROBA_FLOOR` (a probability of 0)
        and rounded to :data:`LOG_PROBA_DECIMALS` decimals.
    """
    proba = np.asarray(estimator.predict_proba(X), dtype=np.float64)
    with np.errstate(divide="ignore"):
        log_proba = np.maximum(np.log(proba), LOG_PROBA_FLOOR)
    return np.round(log_proba, LOG_PROBA_DECIMALS).tolist()


def subsets_drawn(estimator: Any) -> int | None:
    """The most subsets one epoch of a fitted network's curriculum drew.

    With member subsets each ensemble member fills the class quotas with its own draw (10
    for the default); otherwise every epoch draws one. The count comes from the training
    history (``n_subsets``, recorded by
    :class:`~climd_sklearn.training.CurriculumScheduling`), so it says what the fit did,
    where ``variant_params`` says what the preset asked for: an input-dropout pilot once
    trained on one shared draw while its records said ``"member_subsets": true``
    (research.md, the correction after the width test).

    Parameters
    ----------
    estimator : estimator
        A fitted method: a ``CLIMDClassifier``, or a pipeline, search, threshold tuner or
        benchmark wrapper around one (followed through ``steps``, ``best_estimator_`` and
        ``estimator_``).

    Returns
    -------
    n_subsets : int or None
        None for a method without a network (an anchor), or a network whose history does
        not record the count (a fit made before it was recorded).
    """
    while not hasattr(estimator, "net_"):
        if hasattr(estimator, "steps"):
            estimator = estimator.steps[-1][1]
        elif hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        elif hasattr(estimator, "estimator_"):
            estimator = estimator.estimator_
        else:
            return None
    counts = [row["n_subsets"] for row in estimator.net_.history if "n_subsets" in row]
    return max(counts) if counts else None


def run_like_for_like(
    settings: Sequence[str],
    methods: Sequence[str],
    out_dir: str,
    *,
    candidates: Mapping[str, Mapping[str, Any]] | None = None,
    recipe: Mapping[str, Any] | None = None,
    n_splits: int | None = None,
    first_split: int = 0,
    n_jobs: int = 2,
    quick: bool = False,
    rosmap_path: str = DEFAULT_ROSMAP,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
    store_log_proba: bool = False,
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
    recipe : mapping or None, default=None
        Overrides for every neural method (:func:`resolve_methods`); a resumed run must
        pass the same, or the stored specs will not match.
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
    store_log_proba : bool, default=False
        Store each evaluation's log-probabilities in the new records (:func:`run_split`).

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
    specs = resolve_methods(methods, candidates, recipe)
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
                                         protocol, quick, store_log_proba)

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
