"""Missing-modality benchmark helpers: remove modality cells, tabulate, summarise.

Used by ``benchmarks/missing_modalities.py`` and ``benchmarks/make_docs.py``.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._data import Setting, Split
from ._methods import modality_columns

__all__ = [
    "INFORMATIVE",
    "INFORMATIVE_REVERSED",
    "MISSING_SUFFIX",
    "complete_rows",
    "missing_markdown",
    "missing_notes",
    "missing_rng",
    "missing_setting_name",
    "parse_missing_setting",
    "remove_modalities",
    "with_missing_modalities",
]

#: Appended to a like-for-like setting spec, with a rate, to remove modality cells from every
#: split of the setting: ``"rosmap:5@missing=0.3"``
#: (:func:`~climd_sklearn.benchmark._like_for_like_settings.like_for_like_setting`); the rate
#: followed by :data:`INFORMATIVE` removes the rarest class's cells half as often, and
#: followed by :data:`INFORMATIVE_REVERSED` the other classes' cells.
MISSING_SUFFIX = "@missing="

#: After the rate of :data:`MISSING_SUFFIX` (``"rosmap:5@missing=0.3,informative"``): whether
#: a modality is missing then depends on the diagnosis, as where the patients with it are
#: examined more completely.
INFORMATIVE = ",informative"

#: After the rate of :data:`MISSING_SUFFIX` (``"rosmap:5@missing=0.3,informative-reversed"``):
#: the other direction, the rarest class missing modalities twice as often as the others, as
#: where the patients with the diagnosis are too ill to be examined.
INFORMATIVE_REVERSED = ",informative-reversed"

#: The values of ``informative`` (:func:`with_missing_modalities`) and the part of a
#: setting's name that says which rows lose their cells at half the rate.
_HALF_RATE_ROWS = {"rarest": "in the rarest class", "others": "outside the rarest class"}

_NAME = re.compile(r"^(?P<base>.*), (?P<pct>\d+(?:\.\d+)?) % missing$")


def missing_setting_name(base: str, rate: float, informative: bool | str = False) -> str:
    """Setting name carrying the removal rate, e.g. ``"ROSMAP IR 1, 30 % missing"``.

    Parameters
    ----------
    base : str
        The data setting's name.
    rate : float
        Probability of removing a (sample, modality) cell, in [0, 1].
    informative : bool or {"rarest", "others"}, default=False
        Which rows lose their cells at half the rate (True is ``"rarest"``); the name then
        says so: ``"ROSMAP IR 5, 30 % missing (15 % in the rarest class)"``, or ``"(15 %
        outside the rarest class)"``.

    Returns
    -------
    name : str
    """
    name = f"{base}, {100 * rate:g} % missing"
    half = _half_rate_rows(informative)
    return f"{name} ({50 * rate:g} % {_HALF_RATE_ROWS[half]})" if half else name


def _half_rate_rows(informative: bool | str) -> str | None:
    """``"rarest"``, ``"others"`` or None for a value of ``informative``; a clear error else."""
    if informative is True:
        return "rarest"
    if informative is False:
        return None
    if informative not in _HALF_RATE_ROWS:
        raise ValueError(f"informative must be False, True, 'rarest' or 'others', got "
                         f"{informative!r}.")
    return informative


def parse_missing_setting(name: str) -> tuple[str, float] | None:
    """Inverse of :func:`missing_setting_name`.

    Parameters
    ----------
    name : str
        A setting name.

    Returns
    -------
    parsed : tuple of (str, float) or None
        ``(base, rate)``, or None if the name carries no rate.
    """
    match = _NAME.match(name)
    if match is None:
        return None
    return match["base"], float(match["pct"]) / 100


def missing_rng(split_index: int, rate: float, part: str) -> np.random.Generator:
    """The random generator of one removal: seeded by split, rate and data part.

    Parameters
    ----------
    split_index : int
        The split's index.
    rate : float
        The removal rate.
    part : str
        ``"train"`` or the evaluation set's name; each part gets its own stream.

    Returns
    -------
    rng : numpy.random.Generator
    """
    return np.random.default_rng(
        [int(split_index), int(round(1000 * rate)), zlib.crc32(part.encode())])


def remove_modalities(
    X: np.ndarray, layout: Mapping[str, int], rate: float, rng: np.random.Generator,
    row_rates: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Remove each (sample, modality) cell with probability ``rate``.

    A removed cell is the modality's columns set to NaN for that row. A sample left with no
    modality gets one modality back, chosen uniformly at random. With ``row_rates``, each
    sample then keeps the cells whose draw clears its own rate too, so it loses a subset of
    the cells it loses at ``rate``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Concatenated modalities in the column order of ``layout``.
    layout : mapping of str to int
        Modality widths in column order.
    rate : float
        Removal probability in [0, 1].
    rng : numpy.random.Generator
        Source of randomness.
    row_rates : ndarray of shape (n_samples,), default=None
        Each sample's removal probability, at most ``rate``. The draws and the modality given
        back are those of ``rate``, so the random stream is consumed as without it.

    Returns
    -------
    X_missing : ndarray of shape (n_samples, n_features)
        A float copy of ``X`` with the removed cells set to NaN.
    present : ndarray of bool of shape (n_samples, n_modalities)
        True where a modality is kept.
    """
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must be in [0, 1], got {rate}")
    if row_rates is not None:
        row_rates = np.asarray(row_rates, dtype=np.float64)
        if row_rates.shape != (len(X),):
            raise ValueError(f"row_rates must hold one rate per sample ({len(X)}), got shape "
                             f"{row_rates.shape}")
        if not ((row_rates >= 0.0) & (row_rates <= rate)).all():
            raise ValueError(f"row_rates must be in [0, rate={rate}]")
    X = np.array(X, dtype=np.float64, copy=True)
    columns = list(modality_columns(layout).values())
    draws = rng.random((X.shape[0], len(columns)))
    present = draws >= rate
    empty = np.flatnonzero(~present.any(axis=1))
    if empty.size:
        present[empty, rng.integers(0, len(columns), size=empty.size)] = True
    if row_rates is not None:
        present |= draws >= row_rates[:, None]
    for m, cols in enumerate(columns):
        X[np.ix_(~present[:, m], cols)] = np.nan
    return X, present


def _row_rates(y: np.ndarray, rate: float, rarest: Any, half: str | None) -> np.ndarray | None:
    """Half of ``rate`` for the samples of class ``rarest`` (``half="rarest"``) or for the
    others (``"others"``), ``rate`` for the rest; None where ``half`` is None."""
    if half is None:
        return None
    in_rarest = np.asarray(y) == rarest
    return np.where(in_rarest if half == "rarest" else ~in_rarest, rate / 2, rate)


def with_missing_modalities(setting: Setting, rate: float,
                            informative: bool | str = False) -> Setting:
    """The same setting with each (sample, modality) cell removed with probability ``rate``.

    Every split keeps its rows, labels, index and expected evaluations; its training fold and
    each evaluation set go through :func:`remove_modalities`, each part with its own stream
    of :func:`missing_rng` (seeded by the split, the rate and the part), so every method sees
    the same cells removed and a later run removes them again.

    Parameters
    ----------
    setting : Setting
        The complete data.
    rate : float
        Removal probability, in (0, 1).
    informative : bool or {"rarest", "others"}, default=False
        ``"rarest"`` (or True): remove the cells of the samples of the training fold's
        rarest class (the fewest samples, the first label on a tie) with probability
        ``rate / 2``, in the training fold and, by their true labels, in every evaluation
        set, so that whether a modality is missing says something about the class. The
        draws are those of the same rate without it (``row_rates`` of
        :func:`remove_modalities`): the other classes lose the same cells, and the rarest
        class a subset of them. ``"others"``: the other way round, the other classes' cells
        at ``rate / 2``; the rarest class loses the same cells as without it.

    Returns
    -------
    setting : Setting
        Named by :func:`missing_setting_name`.

    Raises
    ------
    ValueError
        If ``rate`` is not in (0, 1): at 0 nothing is removed (the setting itself), and at 1
        every sample keeps one modality chosen at random; or if ``informative`` is none of
        its values.
    """
    if not 0.0 < rate < 1.0:
        raise ValueError(f"A missing-modality rate must be in (0, 1), got {rate!r}.")
    half = _half_rate_rows(informative)

    def splits(n: int) -> Any:
        for split in setting.splits(n):
            labels, counts = np.unique(split.y_train, return_counts=True)
            rarest = labels[np.argmin(counts)]
            X_train, _ = remove_modalities(split.X_train, setting.layout, rate,
                                           missing_rng(split.index, rate, "train"),
                                           _row_rates(split.y_train, rate, rarest, half))
            evals = {ev: (remove_modalities(X_ev, setting.layout, rate,
                                            missing_rng(split.index, rate, ev),
                                            _row_rates(y_ev, rate, rarest, half))[0], y_ev)
                     for ev, (X_ev, y_ev) in split.evals.items()}
            yield Split(split.index, X_train, split.y_train, evals, dict(split.expected))

    rarest = {None: "", "rarest": "; the training fold's rarest class at half that",
              "others": "; all but the training fold's rarest class at half that"}[half]
    return Setting(missing_setting_name(setting.name, rate, informative),
                   dict(setting.layout), splits,
                   f"{setting.description}; each (sample, modality) cell of the training "
                   f"fold and of each evaluation set removed with probability {rate:g}{rarest}")


def complete_rows(X: np.ndarray) -> np.ndarray:
    """Boolean mask of the rows with no NaN (every modality present).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Concatenated modalities, NaN where a modality was removed.

    Returns
    -------
    mask : ndarray of bool of shape (n_samples,)
    """
    return ~np.isnan(X).any(axis=1)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _cells(
    rows: Sequence[Mapping[str, Any]],
) -> dict[tuple[str, str], dict[float, dict[str, Mapping[str, Any]]]]:
    """``{(base, eval): {rate: {method: row}}}`` in the order of ``rows``."""
    out: dict[tuple[str, str], dict[float, dict[str, Mapping[str, Any]]]] = {}
    for row in rows:
        parsed = parse_missing_setting(row["setting"])
        if parsed is None:
            continue
        base, rate = parsed
        out.setdefault((base, row["eval"]), {}).setdefault(rate, {})[row["method"]] = row
    return out


def _skip_counts(skipped: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], int]:
    """``{(setting, method): number of splits not fitted}``."""
    counts: dict[tuple[str, str], int] = {}
    for s in skipped:
        key = (s["setting"], s["method"])
        counts[key] = counts.get(key, 0) + 1
    return counts


def missing_markdown(
    rows: Sequence[Mapping[str, Any]],
    methods: Sequence[str],
    skipped: Sequence[Mapping[str, Any]] = (),
    n_splits: int | None = None,
    title_level: int = 3,
) -> str:
    """Tables of the missing-modality benchmark, one per (data set, evaluation).

    Each table has one block of rows per removal rate; the best mean macro F1 of each block
    is in bold. A method not fitted on some splits says so in its row.

    Parameters
    ----------
    rows : sequence of dict
        Output of :func:`~climd_sklearn.benchmark.aggregate` with the rate in the setting
        names (:func:`missing_setting_name`).
    methods : sequence of str
        Row order within a block.
    skipped : sequence of dict, default=()
        ``{"setting", "split", "method", "reason"}`` for each fit that was not run.
    n_splits : int or None, default=None
        Splits per setting; None takes the largest ``n`` of the rows.
    title_level : int, default=3
        Heading level of each table's title.

    Returns
    -------
    text : str
    """
    skips = _skip_counts(skipped)
    total = n_splits or max((r["n"] for r in rows), default=0)
    out: list[str] = []
    for (base, ev), by_rate in _cells(rows).items():
        out.append(f"{'#' * title_level} {base} — eval: {ev}")
        out.append("")
        out.append("| Missing | Method | splits | ACC | weighted F1 | macro F1 | "
                   "p (macro F1) vs native | native wins/losses | fit s |")
        out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for rate in sorted(by_rate):
            cell = by_rate[rate]
            setting = missing_setting_name(base, rate)
            best = max(r["mean_f1_macro"] for r in cell.values())
            for method in methods:
                n_skip = skips.get((setting, method), 0)
                r = cell.get(method)
                if r is None:
                    if n_skip:
                        out.append(f"| {100 * rate:g} % | {method} | 0/{total} | "
                                   f"not fitted: a class had < 2 complete training samples "
                                   f"in every split | | | | | |")
                    continue
                macro = f"{_pct(r['mean_f1_macro'])} ± {_pct(r['std_f1_macro'])}"
                if r["mean_f1_macro"] == best:
                    macro = f"**{macro}**"
                p = r.get("p_f1_macro")
                ptxt = "—" if p is None else ("n/a" if np.isnan(p) else f"{p:.3f}")
                wl = f"{r['wins']}/{r['losses']}" if "wins" in r else "—"
                n_txt = f"{r['n']}/{total}" + (" (rest not fitted)" if n_skip else "")
                out.append(
                    f"| {100 * rate:g} % | {method} | {n_txt} | "
                    f"{_pct(r['mean_accuracy'])} ± {_pct(r['std_accuracy'])} | "
                    f"{_pct(r['mean_f1_weighted'])} ± {_pct(r['std_f1_weighted'])} | "
                    f"{macro} | {ptxt} | {wl} | {r['fit_time']:.1f} |")
        out.append("")
    return "\n".join(out)


def missing_notes(
    rows: Sequence[Mapping[str, Any]],
    strategies: Sequence[str],
    anchor: str | None = None,
    skipped: Sequence[Mapping[str, Any]] = (),
) -> list[str]:
    """Which strategy wins where, one line per (data set, evaluation), from the numbers.

    Parameters
    ----------
    rows : sequence of dict
        The aggregated rows (rate in the setting names).
    strategies : sequence of str
        The compared strategies; the first is the reference (``"native"``).
    anchor : str or None, default=None
        A further method reported next to the winner.
    skipped : sequence of dict, default=()
        Fits that were not run (see :func:`missing_markdown`).

    Returns
    -------
    lines : list of str
        Markdown bullet points; the last one counts the wins over all cells.
    """
    skips = _skip_counts(skipped)
    lines: list[str] = []
    wins = dict.fromkeys(strategies, 0)
    n_cells = 0
    smallest: tuple[float, str] | None = None
    for (base, ev), by_rate in _cells(rows).items():
        bits = []
        for rate in sorted(by_rate):
            if rate == 0:
                continue
            cell = by_rate[rate]
            setting = missing_setting_name(base, rate)
            # a strategy counts only if it was fitted on every split
            full = {m: cell[m] for m in strategies
                    if m in cell and not skips.get((setting, m), 0)}
            if not full:
                continue
            n_cells += 1
            winner = max(full, key=lambda m: full[m]["mean_f1_macro"])
            wins[winner] += 1
            ref = strategies[0]
            for m, r in full.items():
                p_m = r.get("p_f1_macro", float("nan"))
                if m != ref and not np.isnan(p_m) and (smallest is None or p_m < smallest[0]):
                    smallest = (p_m, f"{m}, {base} / {ev} at {100 * rate:g} %")
            text = f"{100 * rate:g} %: **{winner}** {_pct(full[winner]['mean_f1_macro'])}"
            others = [f"{m} {_pct(full[m]['mean_f1_macro'])}" for m in strategies
                      if m in full and m != winner]
            not_fit = [m for m in strategies if m not in full]
            if others:
                text += " (" + ", ".join(others) + ")"
            if winner != ref and ref in full:
                p = full[winner].get("p_f1_macro", float("nan"))
                text += f", p vs {ref} {p:.3f}" if not np.isnan(p) else ""
            if not_fit:
                text += "; not fitted on every split: " + ", ".join(not_fit)
            if anchor is not None and anchor in cell:
                a = cell[anchor]["mean_f1_macro"]
                rel = "above" if a > full[winner]["mean_f1_macro"] else "below"
                text += f"; {anchor} {_pct(a)} ({rel} the best strategy)"
            bits.append(text)
        if bits:
            lines.append(f"- {base} / {ev}: " + "; ".join(bits) + ".")
    if n_cells:
        counts = ", ".join(f"{m} {wins[m]}" for m in strategies)
        lines.append(f"- Best mean macro F1 among the {len(strategies)} strategies, over the "
                     f"{n_cells} (data set, evaluation, rate > 0) cells: {counts}.")
    if smallest is not None:
        lines.append(f"- Smallest Wilcoxon p against {strategies[0]} among the strategies "
                     f"fitted on every split: {smallest[0]:.3f} ({smallest[1]}).")
    return lines
