"""The like-for-like protocol's settings: a spec names a data set, its imbalance and its splits.

A spec is ``"<kind>"`` or ``"<kind>:<arg>"`` (:data:`SETTING_KINDS`), optionally followed by
a missing-modality rate (:data:`~climd_sklearn.benchmark._missing.MISSING_SUFFIX`);
:func:`like_for_like_setting` builds it, :func:`setting_name` names it without loading any
data, and :func:`settings_splits` yields the splits a run covers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

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
from ._missing import (
    INFORMATIVE,
    INFORMATIVE_REVERSED,
    MISSING_SUFFIX,
    missing_setting_name,
    with_missing_modalities,
)
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
    "DEFAULT_SETTINGS",
    "DEFAULT_SPLITS",
    "SETTING_KINDS",
    "WIDE_NOISE_FEATURES",
    "SettingKind",
    "like_for_like_setting",
    "resolve_settings",
    "setting_name",
    "settings_splits",
    "splits_of",
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
