"""The like-for-like protocol: one network and one training recipe, many imbalance treatments.

Every neural method is the default ``CLIMDClassifier()`` (the 10-member ensemble network,
lr 1e-3, 30 epochs, dropout 0.5, weight decay 5 / n, modality dropout 0.4) behind a
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

from ._ad_cohort import DEFAULT_AD, ad_biomarkers_setting
from ._cohorts import (
    DEFAULT_BRCA,
    DEFAULT_GSE7390,
    gse7390_setting,
    tcga_brca_setting,
    wdbc_setting,
)
from ._data import DEFAULT_ROSMAP, Setting, Split, make_setting, rosmap_pooled_setting
from ._like_for_like_methods import (
    CANDIDATES,
    DEFAULT_METHODS,
    NEURAL_METHODS,
    REFERENCE,
    _check_variant_params,
    build_method,
    resolve_methods,
    variant_params,
)
from ._records import RECORDS_FILE, _append_line, _check_specs, _jsonable, _key, load_records
from ._runner import ProgressLine, score
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
    "splits_of",
    "variant_params",
]


#: The settings run by default (specs of :func:`like_for_like_setting`).
DEFAULT_SETTINGS: tuple[str, ...] = ("rosmap:1", "rosmap:5", "rosmap:10", "mfeat:10",
                                     "mfeat:100", "synthetic:10")

#: Splits per setting kind (the part of the spec before the colon).
DEFAULT_SPLITS: dict[str, int] = {"rosmap": 25, "rosmap_wide": 25, "mfeat": 15, "synthetic": 15,
                                  "gse7390": 25, "wdbc": 25, "tcga_brca": 25,
                                  "ad_biomarkers": 25}

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
        ``"gse7390:<path>"``, ``"wdbc:<IR>"``, ``"tcga_brca"`` / ``"tcga_brca:<folder>"``
        (real cohorts no round was tuned on, :mod:`~climd_sklearn.benchmark._cohorts`) and
        ``"ad_biomarkers"`` / ``"ad_biomarkers:<path>"`` (the Knight ADRC cohort,
        :mod:`~climd_sklearn.benchmark._ad_cohort`).
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
    if kind == "tcga_brca":
        return tcga_brca_setting(arg or DEFAULT_BRCA)
    if kind == "ad_biomarkers":
        return ad_biomarkers_setting(arg or DEFAULT_AD)
    raise ValueError(f"Unknown setting {spec!r}; use rosmap:, rosmap_wide:, mfeat:, "
                     "synthetic:, gse7390, wdbc:, tcga_brca or ad_biomarkers")


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
    if kind == "tcga_brca":
        return "TCGA BRCA PAM50"
    if kind == "ad_biomarkers":
        return "AD biomarkers impairment"
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
    return [(like_for_like_setting(spec, rosmap_path), splits_of(spec, n_splits))
            for spec in specs]


def splits_of(spec: str, n_splits: int | None = None) -> int:
    """How many splits of a setting a run covers: its kind's default, capped at ``n_splits``.

    Parameters
    ----------
    spec : str
        A setting spec.
    n_splits : int or None, default=None
        The cap; None: :data:`DEFAULT_SPLITS` of the spec's kind.

    Returns
    -------
    n : int
    """
    return min(DEFAULT_SPLITS[spec.partition(":")[0]], n_splits or 10**6)


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
            preset = variant_params(spec, len(split.y_train), quick)
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
                rec["variant_params"] = preset
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
    recipe: Mapping[str, Any] | None = None,
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
