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
from dataclasses import dataclass
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
from ._data import (
    DEFAULT_ROSMAP,
    Setting,
    Split,
    mfeat_setting,
    rosmap_pooled_setting,
    synthetic_setting,
)
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
from ._missing import (
    INFORMATIVE,
    INFORMATIVE_REVERSED,
    MISSING_SUFFIX,
    missing_setting_name,
    with_missing_modalities,
)
from ._records import RECORDS_FILE, _append_line, _check_specs, _jsonable, _key, load_records
from ._runner import ProgressLine, cpu_model, score
from ._subsample import expected_scores
from ._tcga_clinical_modality import TCGA_LGG_CLINICAL_NAME, tcga_lgg_clinical_setting
from ._tcga_cohorts import (
    DEFAULT_CLINICAL,
    DEFAULT_TCGA,
    TCGA_CLINICAL_LABELS,
    TCGA_NAMES,
    tcga_clinical_setting,
    tcga_cohort_setting,
)

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


#: The settings run by default (specs of :func:`like_for_like_setting`).
DEFAULT_SETTINGS: tuple[str, ...] = ("rosmap:1", "rosmap:5", "rosmap:10", "mfeat:10",
                                     "mfeat:100", "synthetic:10")

#: Noise features added to each ROSMAP modality by the ``"rosmap_wide:<IR>"`` settings: 2,200
#: features per modality, the top of the 10 to 2,500 that issue 11 names, 200 of them signal.
WIDE_NOISE_FEATURES = 2000


@dataclass(frozen=True)
class SettingKind:
    """One kind of like-for-like setting: how to build it, how to name it, how many splits.

    A spec is ``"<kind>"`` or ``"<kind>:<arg>"``; ``arg`` is the imbalance ratio (or ρ) of the
    ratio kinds and a path for the real cohorts. A new kind is one entry of
    :data:`SETTING_KINDS`.

    Parameters
    ----------
    build : callable
        ``build(arg, rosmap_path) -> Setting``; ``arg`` is ``""`` when the spec has none.
    name : callable
        ``name(arg) -> str``, the display name of the setting ``build`` returns, computed
        without loading any data.
    n_splits : int
        Splits a run covers by default.
    """

    build: Callable[[str, str], Setting]
    name: Callable[[str], str]
    n_splits: int


def _ratio(arg: str, default: float) -> float:
    """The imbalance ratio (or ρ) of a spec's argument; ``default`` where it has none."""
    try:
        return float(arg) if arg else default
    except ValueError:
        raise ValueError(f"A setting's imbalance ratio must be a number, got {arg!r}.") from None


def _ratio_kind(label: str, default: float, build: Callable[[float, str], Setting],
                n_splits: int) -> SettingKind:
    """A kind whose argument is a ratio and whose name is ``"<label> <ratio>"``."""
    return SettingKind(lambda arg, rosmap: build(_ratio(arg, default), rosmap),
                       lambda arg: f"{label} {_ratio(arg, default):g}", n_splits)


def _cohort_kind(name: str, build: Callable[[str], Setting], default_path: str) -> SettingKind:
    """A real cohort at its own ratio: the argument is the path to its data, the name fixed."""
    return SettingKind(lambda arg, rosmap: build(arg or default_path), lambda arg: name, 25)


#: Every kind of setting the protocol runs, by the part of the spec before the colon.
SETTING_KINDS: dict[str, SettingKind] = {
    "rosmap": _ratio_kind("ROSMAP IR", 10, rosmap_pooled_setting, 25),
    "rosmap_wide": _ratio_kind(
        "ROSMAP wide IR", 10,
        lambda ratio, rosmap: rosmap_pooled_setting(ratio, rosmap,
                                                    noise_features=WIDE_NOISE_FEATURES),
        25),
    "mfeat": _ratio_kind("mfeat LT rho", 10, lambda rho, rosmap: mfeat_setting(rho), 25),
    "synthetic": _ratio_kind("Synthetic LT rho", 10,
                             lambda rho, rosmap: synthetic_setting(rho), 25),
    "gse7390": _cohort_kind("GSE7390 metastasis", gse7390_setting, DEFAULT_GSE7390),
    "wdbc": _ratio_kind("WDBC IR", 1, lambda ratio, rosmap: wdbc_setting(ratio), 25),
    "tcga_brca": _cohort_kind("TCGA BRCA PAM50", tcga_brca_setting, DEFAULT_BRCA),
    "ad_biomarkers": _cohort_kind("AD biomarkers impairment", ad_biomarkers_setting,
                                  DEFAULT_AD),
    "tcga_kipan": _cohort_kind(TCGA_NAMES["kipan"],
                               lambda path: tcga_cohort_setting("kipan", path),
                               DEFAULT_TCGA["kipan"]),
    "tcga_lgg": _cohort_kind(TCGA_NAMES["lgg"], lambda path: tcga_cohort_setting("lgg", path),
                             DEFAULT_TCGA["lgg"]),
    "tcga_paad": _ratio_kind(
        TCGA_NAMES["paad"] + " IR", 1,
        lambda ratio, rosmap: tcga_cohort_setting("paad", imbalance_ratio=ratio), 25),
    **{f"tcga_{cohort}_{label}": _cohort_kind(
        spec.name,
        lambda path, cohort=cohort, label=label: tcga_clinical_setting(cohort, label, path),
        DEFAULT_CLINICAL[cohort]) for (cohort, label), spec in TCGA_CLINICAL_LABELS.items()},
    "tcga_lgg_vital_clinical": _cohort_kind(TCGA_LGG_CLINICAL_NAME, tcga_lgg_clinical_setting,
                                            DEFAULT_TCGA["lgg"]),
}

#: Splits per setting kind (the part of the spec before the colon).
DEFAULT_SPLITS: dict[str, int] = {kind: k.n_splits for kind, k in SETTING_KINDS.items()}


def _missing_rate(text: str, spec: str) -> float:
    """The removal rate after a spec's :data:`MISSING_SUFFIX`, checked as the setting does."""
    try:
        rate = float(text)
    except ValueError:
        raise ValueError(f"The missing-modality rate of {spec!r} must be a number, "
                         f"optionally followed by {INFORMATIVE!r} or "
                         f"{INFORMATIVE_REVERSED!r}, got {text!r}.") from None
    if not 0.0 < rate < 1.0:
        raise ValueError(f"The missing-modality rate of {spec!r} must be in (0, 1), got "
                         f"{text!r}.")
    return rate


def _with_missing(kind: SettingKind, rate: float, informative: bool | str) -> SettingKind:
    """A kind whose settings have modality cells removed at ``rate`` (:data:`MISSING_SUFFIX`)."""
    return SettingKind(
        lambda arg, rosmap: with_missing_modalities(kind.build(arg, rosmap), rate, informative),
        lambda arg: missing_setting_name(kind.name(arg), rate, informative), kind.n_splits)


def _kind(spec: str) -> tuple[SettingKind, str]:
    """The kind of a spec and its argument; a clear error for a kind nobody registered."""
    base, suffix, rate = spec.partition(MISSING_SUFFIX)
    kind, _, arg = base.partition(":")
    if kind not in SETTING_KINDS:
        raise ValueError(f"Unknown setting {spec!r}; its kind must be one of "
                         f"{', '.join(SETTING_KINDS)}.")
    if suffix:
        informative: bool | str = False
        for flag, half_rate_rows in ((INFORMATIVE, "rarest"), (INFORMATIVE_REVERSED, "others")):
            if rate.endswith(flag):
                informative, rate = half_rate_rows, rate.removesuffix(flag)
        return _with_missing(SETTING_KINDS[kind], _missing_rate(rate, spec), informative), arg
    return SETTING_KINDS[kind], arg


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
        :mod:`~climd_sklearn.benchmark._ad_cohort`), ``"tcga_kipan"`` and ``"tcga_lgg"``
        (``":<folder>"`` optional), ``"tcga_paad:<IR>"``, and ``"tcga_lgg_histology"``,
        ``"tcga_kipan_stage"``, ``"tcga_kipan_vital"``, ``"tcga_kipan_metastasis"``,
        ``"tcga_brca_histology"``, ``"tcga_brca_stage"``, ``"tcga_brca_vital"``,
        ``"tcga_kipan_nodes"`` and ``"tcga_brca_nodes"``
        (labels from the clinical tables, ``":<folder>"`` optional;
        :mod:`~climd_sklearn.benchmark._tcga_cohorts`), and ``"tcga_lgg_vital_clinical"``
        (LGG's vital status with a clinical modality beside the omics,
        :mod:`~climd_sklearn.benchmark._tcga_clinical_modality`). A ratio left out is 10 (1 for WDBC
        and PAAD); :data:`SETTING_KINDS` holds them all. Any spec followed by
        ``"@missing=<rate>"`` (:data:`~climd_sklearn.benchmark._missing.MISSING_SUFFIX`) is
        the same setting with each (sample, modality) cell of every training fold and
        evaluation set removed with that probability
        (:func:`~climd_sklearn.benchmark._missing.with_missing_modalities`), e.g.
        ``"rosmap:5@missing=0.3"``, named ``"ROSMAP IR 5, 30 % missing"``; with
        ``",informative"`` after the rate
        (:data:`~climd_sklearn.benchmark._missing.INFORMATIVE`) the training fold's rarest
        class loses its cells at half the rate, ``"rosmap:5@missing=0.3,informative"``, named
        ``"ROSMAP IR 5, 30 % missing (15 % in the rarest class)"``, and with
        ``",informative-reversed"``
        (:data:`~climd_sklearn.benchmark._missing.INFORMATIVE_REVERSED`) the other classes do,
        named ``"ROSMAP IR 5, 30 % missing (15 % outside the rarest class)"``.
    rosmap_path : str
        Where ROSMAP lives.

    Returns
    -------
    setting : Setting

    Raises
    ------
    ValueError
        If the kind is not in :data:`SETTING_KINDS`, a ratio is not a number, or a
        missing-modality rate is not a number in (0, 1).
    """
    kind, arg = _kind(spec)
    return kind.build(arg, rosmap_path)


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

    Raises
    ------
    ValueError
        As :func:`like_for_like_setting`.
    """
    kind, arg = _kind(spec)
    return kind.name(arg)


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
    return min(_kind(spec)[0].n_splits, n_splits or 10**6)


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
        ``n_train``, the ``cpu`` it ran on, the ``spec``, ``variant_params``
        (:func:`variant_params`; not for an anchor), for a network ``n_subsets`` (the most
        subsets an epoch drew, :func:`subsets_drawn`), for a search ``best_params`` and
        ``inner_failures``, for a tuned threshold (``TunedThresholdClassifierCV``) the
        ``threshold`` it chose, and for Gradient-Blending (:class:`GradientBlendedHeads`)
        the ``head_weights`` it set.
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
            if preset is not None:
                rec["variant_params"] = preset
            if hasattr(est, "best_threshold_"):
                rec["threshold"] = float(est.best_threshold_)
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
