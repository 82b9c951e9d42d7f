"""Statistics of paired benchmark results: Wilcoxon + Holm, effect sizes, ranks, Friedman, CD.

Everything here is pure numpy / scipy (the critical-difference figure is in ``_plots``).
The conventions follow Demšar (2006), *Statistical comparisons of classifiers over
multiple data sets*, JMLR 7:1-30: rank 1 is the best score, ties get the average of the ranks
they span, and the Nemenyi critical difference is ``q_alpha * sqrt(k (k + 1) / (6 N))`` with
``q_alpha`` the studentized-range quantile divided by ``sqrt(2)``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import stats

from ._rank_bootstrap import first_place_shares

__all__ = [
    "STATS_NOTE",
    "average_ranks",
    "critical_difference",
    "friedman_test",
    "holm",
    "nemenyi_q",
    "paired_markdown",
    "rank_biserial",
    "rank_cliques",
    "summarize_paired",
    "wilcoxon_p",
]


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjustment of p-values for multiple comparisons.

    The i-th smallest of the m p-values is multiplied by ``m - i`` (i from 0), a running
    maximum keeps the adjusted values in the order of the raw ones, and values are capped at
    1. NaN p-values are left NaN and do not count in ``m``.

    Parameters
    ----------
    p_values : sequence of float
        Raw p-values of the m tests of one family.

    Returns
    -------
    adjusted : ndarray of shape (len(p_values),)
        Holm-adjusted p-values in the input order.
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    m = valid.size
    if m == 0:
        return adjusted
    order = valid[np.argsort(p[valid], kind="stable")]
    scaled = p[order] * (m - np.arange(m))
    adjusted[order] = np.minimum(1.0, np.maximum.accumulate(scaled))
    return adjusted


def wilcoxon_p(differences: Sequence[float]) -> float:
    """Two-sided Wilcoxon signed-rank p-value of paired differences.

    Zero differences are kept in the ranking and their ranks split evenly between the
    positive and the negative sum (``zero_method="zsplit"``); tied absolute differences get
    average ranks. scipy's ``method="auto"`` then gives the exact null distribution for up to
    50 pairs without ties or zeros, exhaustive permutations for up to 13 pairs with ties or
    zeros, and the tie-corrected normal approximation otherwise.

    Parameters
    ----------
    differences : sequence of float
        ``score(method) - score(reference)`` per paired split.

    Returns
    -------
    p_value : float
        1.0 when every difference is 0, NaN with fewer than two pairs.
    """
    d = np.asarray(differences, dtype=float)
    if d.size < 2:
        return float("nan")
    if np.all(d == 0.0):
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.wilcoxon(d, zero_method="zsplit").pvalue)


def rank_biserial(differences: Sequence[float]) -> float:
    """Matched-pairs rank-biserial correlation of paired differences (Kerby, 2014).

    ``r = (R+ - R-) / (R+ + R-)``, where ``R+`` and ``R-`` are the sums of the ranks of the
    absolute differences (average ranks for ties) over the positive and the negative
    differences. Zero differences are ranked and their ranks split evenly between ``R+`` and
    ``R-``, as the Wilcoxon test of :func:`wilcoxon_p` does. ``r = 1``: every split favours
    the method; ``-1``: every split favours the reference.

    Parameters
    ----------
    differences : sequence of float
        ``score(method) - score(reference)`` per paired split.

    Returns
    -------
    r : float
        In [-1, 1]; 0 when every difference is 0, NaN for no pairs.
    """
    d = np.asarray(differences, dtype=float)
    if d.size == 0:
        return float("nan")
    if np.all(d == 0.0):
        return 0.0
    ranks = stats.rankdata(np.abs(d))
    positive = ranks[d > 0].sum() + ranks[d == 0].sum() / 2
    negative = ranks[d < 0].sum() + ranks[d == 0].sum() / 2
    return float((positive - negative) / (positive + negative))


def average_ranks(scores: Any) -> np.ndarray:
    """Rank the methods within each block: 1 is the highest score, ties get average ranks.

    Parameters
    ----------
    scores : array-like of shape (n_blocks, n_methods)
        One row per block (a setting, evaluation and split), higher is better.

    Returns
    -------
    ranks : ndarray of shape (n_blocks, n_methods)
        Ranks within each row; the mean over rows is each method's mean rank.
    """
    scores = np.atleast_2d(np.asarray(scores, dtype=float))
    return stats.rankdata(-scores, axis=1)


def friedman_test(scores: Any) -> dict[str, float]:
    """Friedman's test that all methods have the same mean rank, and Iman-Davenport's F.

    ``chi2_F = 12 N / (k (k + 1)) * (sum_j R_j**2 - k (k + 1)**2 / 4)`` over the mean ranks
    ``R_j``, divided by the tie correction ``1 - sum(t**3 - t) / (N k (k**2 - 1))`` (``t``:
    the sizes of the groups of tied scores within a block), as
    :func:`scipy.stats.friedmanchisquare` does. ``F_F = (N - 1) chi2_F / (N (k - 1) -
    chi2_F)`` with (k - 1, (k - 1)(N - 1)) degrees of freedom (Demšar, 2006, Sec. 3.2.2).

    Parameters
    ----------
    scores : array-like of shape (n_blocks, n_methods)
        Higher is better; at least 2 blocks and 3 methods.

    Returns
    -------
    result : dict
        ``statistic`` (chi2_F), ``p_value``, ``iman_davenport`` (F_F), ``p_iman_davenport``,
        ``n_blocks`` and ``n_methods``.
    """
    scores = np.atleast_2d(np.asarray(scores, dtype=float))
    n_blocks, k = scores.shape
    if n_blocks < 2 or k < 3:
        raise ValueError(f"need >= 2 blocks and >= 3 methods, got {scores.shape}")
    ranks = average_ranks(scores)
    mean_ranks = ranks.mean(axis=0)
    chi2 = 12 * n_blocks / (k * (k + 1)) * (np.sum(mean_ranks**2) - k * (k + 1) ** 2 / 4)
    ties = 0.0
    for row in ranks:
        _, counts = np.unique(row, return_counts=True)
        ties += float(np.sum(counts**3 - counts))
    correction = 1 - ties / (n_blocks * k * (k**2 - 1))
    chi2 = chi2 / correction if correction > 0 else 0.0
    p_chi2 = float(stats.chi2.sf(chi2, k - 1))
    denominator = n_blocks * (k - 1) - chi2
    f_stat = (n_blocks - 1) * chi2 / denominator if denominator > 0 else float("inf")
    p_f = float(stats.f.sf(f_stat, k - 1, (k - 1) * (n_blocks - 1)))
    return {"statistic": float(chi2), "p_value": p_chi2, "iman_davenport": float(f_stat),
            "p_iman_davenport": p_f, "n_blocks": int(n_blocks), "n_methods": int(k)}


def nemenyi_q(n_methods: int, alpha: float = 0.05) -> float:
    """Nemenyi's ``q_alpha``: the studentized-range quantile over ``sqrt(2)``.

    Parameters
    ----------
    n_methods : int
        k, the number of methods compared (>= 2).
    alpha : float, default=0.05
        Family-wise significance level.

    Returns
    -------
    q : float
        ``studentized_range.ppf(1 - alpha, k, inf) / sqrt(2)``; Demšar's (2006) Table 5a
        gives 2.728 for k = 5 and 3.164 for k = 10 at alpha = 0.05.
    """
    return float(stats.studentized_range.ppf(1 - alpha, n_methods, np.inf) / np.sqrt(2))


def critical_difference(n_methods: int, n_blocks: int, alpha: float = 0.05) -> float:
    """Nemenyi critical difference of mean ranks (Demšar, 2006).

    Parameters
    ----------
    n_methods : int
        k, the number of methods ranked.
    n_blocks : int
        N, the number of blocks the mean ranks are taken over.
    alpha : float, default=0.05
        Family-wise significance level.

    Returns
    -------
    cd : float
        ``q_alpha * sqrt(k (k + 1) / (6 N))``: two mean ranks that differ by at least this
        much differ significantly under the test's assumption of independent blocks.
    """
    k = n_methods
    return nemenyi_q(k, alpha) * float(np.sqrt(k * (k + 1) / (6.0 * n_blocks)))


def rank_cliques(mean_ranks: Mapping[str, float], cd: float) -> list[list[str]]:
    """Maximal groups of methods whose mean ranks all lie within less than ``cd``.

    Parameters
    ----------
    mean_ranks : mapping of str to float
        Method -> mean rank.
    cd : float
        The critical difference.

    Returns
    -------
    cliques : list of list of str
        Each group, best rank first, has at least two methods and is not contained in
        another; these are the bars of a critical-difference diagram.
    """
    names = sorted(mean_ranks, key=lambda m: mean_ranks[m])
    values = [mean_ranks[m] for m in names]
    cliques: list[list[str]] = []
    last_end = -1
    for start in range(len(names)):
        end = start
        while end + 1 < len(names) and values[end + 1] - values[start] < cd:
            end += 1
        if end > start and end > last_end:
            cliques.append(names[start:end + 1])
            last_end = end
    return cliques


def _table_rows(
    by_method: Mapping[str, Mapping[int, float]], times: Mapping[str, list[float]],
    reference: str, tolerance: float,
) -> dict[str, Any]:
    """Rows of one (setting, evaluation) table; see :func:`summarize_paired`."""
    methods = list(by_method)
    common = sorted(set.intersection(*(set(v) for v in by_method.values())))
    block_ranks = (average_ranks([[by_method[m][s] for m in methods] for s in common])
                   if common else np.full((0, len(methods)), np.nan))
    ref = by_method.get(reference)
    rows = []
    for j, method in enumerate(methods):
        values = np.array(list(by_method[method].values()))
        row: dict[str, Any] = {
            "method": method, "n": int(values.size), "mean": float(values.mean()),
            "std": float(values.std(ddof=1)) if values.size > 1 else 0.0,
            "fit_time": float(np.mean(times[method])) if times.get(method) else float("nan"),
            "mean_rank": float(block_ranks[:, j].mean()) if common else float("nan")}
        if ref is not None and method != reference:
            paired = sorted(set(ref) & set(by_method[method]))
            d = np.array([by_method[method][s] - ref[s] for s in paired])
            row.update({"n_pairs": len(paired), "mean_diff": float(d.mean()) if d.size else
                        float("nan"), "p": wilcoxon_p(d), "rank_biserial": rank_biserial(d),
                        "wins": int(np.sum(d > 0)), "losses": int(np.sum(d < 0))})
        rows.append(row)
    tested = [r for r in rows if "p" in r]
    for row, p_adj in zip(tested, holm([r["p"] for r in tested])):
        row["p_holm"] = float(p_adj)
    best = max(rows, key=lambda r: r["mean"])
    table: dict[str, Any] = {"rows": rows, "n_blocks": len(common), "best": best["method"]}
    if ref is not None:
        others = [r for r in rows if r["method"] != reference]
        ref_mean = next(r["mean"] for r in rows if r["method"] == reference)
        best_other = max(others, key=lambda r: r["mean"]) if others else None
        gap = ref_mean - best_other["mean"] if best_other else 0.0
        table.update({"best_other": best_other["method"] if best_other else None,
                      "gap": float(gap), "goal_met": bool(gap >= -tolerance)})
    return table


def summarize_paired(
    records: Sequence[Mapping[str, Any]],
    reference: str,
    metric: str = "f1_macro",
    alpha: float = 0.05,
    tolerance: float = 0.01,
) -> dict[str, Any]:
    """Per-table statistics against a reference, and the mean ranks over every block.

    Parameters
    ----------
    records : sequence of dict
        One per (setting, evaluation, split, method) with keys ``setting``, ``eval``,
        ``split``, ``method``, ``metric`` and optionally ``fit_time``.
    reference : str
        The method every other method is tested against.
    metric : str, default="f1_macro"
        The score compared (higher is better).
    alpha : float, default=0.05
        Level of the Nemenyi critical difference.
    tolerance : float, default=0.01
        The goal: the reference within this much (1 point of macro F1) of the best method.

    Returns
    -------
    summary : dict
        ``tables``: a list, one per (setting, evaluation), of ``{"setting", "eval", "rows",
        "n_blocks", "best", "best_other", "gap", "goal_met"}``; each row holds ``method``,
        ``n``, ``mean``, ``std``, ``fit_time``, ``mean_rank`` (within the table's complete
        blocks) and, against the reference, ``n_pairs``, ``mean_diff``, ``p`` (Wilcoxon),
        ``p_holm`` (Holm over the table's comparisons), ``rank_biserial``, ``wins``,
        ``losses``. ``overall``: ``mean_ranks`` over the blocks (setting, evaluation, split)
        in which every ranked method has a score, ``n_blocks``, ``friedman``, ``cd``,
        ``cliques``, ``unranked`` (methods missing from some block: ``{method: blocks}``),
        ``reference_best_rank``, ``first_shares`` (the share of split resamples in which each
        method ranks first, :func:`first_place_shares`). ``goal_met``: every table's and the
        overall goal.
    """
    scores: dict[tuple[str, str], dict[str, dict[int, float]]] = {}
    times: dict[tuple[str, str], dict[str, list[float]]] = {}
    for rec in records:
        key = (rec["setting"], rec["eval"])
        scores.setdefault(key, {}).setdefault(rec["method"], {})[int(rec["split"])] = float(
            rec[metric])
        if "fit_time" in rec:
            times.setdefault(key, {}).setdefault(rec["method"], []).append(
                float(rec["fit_time"]))
    tables = []
    for (setting, ev), by_method in scores.items():
        table = _table_rows(by_method, times.get((setting, ev), {}), reference, tolerance)
        tables.append({"setting": setting, "eval": ev, **table})
    blocks = sorted({(s, e, split) for (s, e), by in scores.items() for v in by.values()
                     for split in v})
    methods = list(dict.fromkeys(m for by in scores.values() for m in by))
    coverage = {m: sum(1 for s, e, sp in blocks if sp in scores[(s, e)].get(m, {}))
                for m in methods}
    ranked = [m for m in methods if coverage[m] == len(blocks)]
    overall: dict[str, Any] = {"n_blocks": len(blocks), "methods": ranked,
                               "unranked": {m: coverage[m] for m in methods
                                            if m not in ranked}}
    if ranked and blocks:
        matrix = np.array([[scores[(s, e)][m][sp] for m in ranked] for s, e, sp in blocks])
        block_ranks = average_ranks(matrix)
        mean_ranks = block_ranks.mean(axis=0)
        overall["mean_ranks"] = {m: float(r) for m, r in zip(ranked, mean_ranks)}
        if len(ranked) >= 2:
            shares = first_place_shares(block_ranks, [(s, sp) for s, _, sp in blocks],
                                        [s for s, _, _ in blocks])
            overall["first_shares"] = {m: float(v) for m, v in zip(ranked, shares)}
        if len(ranked) >= 3 and len(blocks) >= 2:
            overall["friedman"] = friedman_test(matrix)
            overall["cd"] = critical_difference(len(ranked), len(blocks), alpha)
            overall["cliques"] = rank_cliques(overall["mean_ranks"], overall["cd"])
        if reference in ranked:
            best_rank = min(overall["mean_ranks"].values())
            overall["reference_best_rank"] = bool(
                overall["mean_ranks"][reference] == best_rank)
    goal = all(t.get("goal_met", False) for t in tables) and overall.get(
        "reference_best_rank", False)
    return {"reference": reference, "metric": metric, "alpha": alpha, "tolerance": tolerance,
            "tables": tables, "overall": overall, "goal_met": bool(goal)}


def _pct(x: float) -> str:
    return "—" if x != x else f"{100 * x:.1f}"


def _pval(p: float | None) -> str:
    if p is None:
        return "—"
    return "n/a" if p != p else ("< 0.001" if p < 0.001 else f"= {p:.3f}")


#: The statistics paragraph of the markdown (``reference`` and ``alpha`` to format).
STATS_NOTE = """\
**Statistics.** Each table: mean ± sample std of macro F1 (%) over the paired splits;
Δ = mean paired difference to *{reference}* in points; p = two-sided Wilcoxon signed-rank test
over the paired splits (`scipy.stats.wilcoxon`, `zero_method="zsplit"`: zero differences are
ranked and their ranks split evenly between the signs; tied |differences| get average ranks;
scipy uses the exact null distribution up to 50 pairs without ties or zeros, exhaustive
permutations up to 13 pairs with them, the tie-corrected normal approximation otherwise;
p = 1 when every difference is 0), Holm-adjusted over the comparisons in that table;
r = matched-pairs rank-biserial correlation (zero differences split the same way; +1: the
method beats the reference on every split, −1: loses on every split); rank = mean rank within
the table (1 = best). **Caveat:** the splits of repeated k-fold CV share training data, so the
paired differences are not independent and the p-values are optimistic (Nadeau & Bengio, 2003);
read them as a screen, not as exact error rates.

**Ranks.** A *block* is one (setting, evaluation, split); N is the number of blocks and k the
number of methods. Ranks within a block (1 = best macro F1, ties averaged) are averaged over all
N blocks; Friedman's test (with tie correction; Iman-Davenport's F beside it) and the Nemenyi
critical difference CD = q_α·sqrt(k(k+1)/(6N)), q_α = studentized-range quantile / √2 at
α = {alpha} (Demšar, 2006), use that N. **The blocks are not independent**: the two evaluations
of one split score the same fitted models, and the splits of one setting share training data,
so the effective N is smaller than the N used, and the CD is too narrow; treat it as
descriptive. *First in resamples*: the share of 2,000 resamples in which the method has the
lowest mean rank, each setting's splits drawn again with replacement (a split's evaluations
together) and ties for first split evenly; it says how settled the first place is, and shares
the caveat (resampled splits vary less than fresh ones, so the shares look more settled than
they are).
"""


def paired_markdown(summary: Mapping[str, Any], figure: str | None = None,
                    title_level: int = 3) -> str:
    """Markdown of :func:`summarize_paired`: goal lines, the rank table, one table per column.

    Parameters
    ----------
    summary : mapping
        The output of :func:`summarize_paired`.
    figure : str or None, default=None
        Path of the critical-difference figure relative to the markdown file, if drawn.
    title_level : int, default=3
        Heading level of the sections.

    Returns
    -------
    text : str
    """
    ref, tol = summary["reference"], summary["tolerance"]
    head = "#" * title_level
    overall = summary["overall"]
    out = [f"{head} Goal: *{ref}* within {100 * tol:g} point of the best method in every "
           "setting, best mean rank overall\n"]
    for t in summary["tables"]:
        if "gap" not in t:
            continue
        ref_mean = next(r["mean"] for r in t["rows"] if r["method"] == ref)
        verdict = "**met**" if t["goal_met"] else "**NOT met**"
        out.append(f"- {t['setting']} / {t['eval']}: {ref} {_pct(ref_mean)}, best other "
                   f"{t['best_other']} {_pct(ref_mean - t['gap'])}, gap {100 * t['gap']:+.1f} "
                   f"points: goal {verdict}.")
    if "mean_ranks" in overall:
        best = min(overall["mean_ranks"], key=overall["mean_ranks"].get)
        verdict = "**met**" if overall.get("reference_best_rank") else "**NOT met**"
        out.append(f"- Overall mean rank: {ref} "
                   f"{overall['mean_ranks'].get(ref, float('nan')):.2f}, best {best} "
                   f"{overall['mean_ranks'][best]:.2f}: goal {verdict}.")
    out.append(f"\nAll goals met: **{'yes' if summary['goal_met'] else 'no'}**.\n")
    out.append(STATS_NOTE.format(reference=ref, alpha=summary["alpha"]))
    if "mean_ranks" in overall:
        out.append(f"{head} Mean rank over all blocks\n")
        k, n = len(overall["methods"]), overall["n_blocks"]
        if "friedman" in overall:
            fr = overall["friedman"]
            p_chi2, p_f = (_pval(fr[key]) for key in ("p_value", "p_iman_davenport"))
            out.append(f"k = {k} methods, N = {n} blocks. Friedman chi² = "
                       f"{fr['statistic']:.1f} (p {p_chi2}), Iman-Davenport F = "
                       f"{fr['iman_davenport']:.2f} (p {p_f}); Nemenyi CD (α = "
                       f"{summary['alpha']}) = {overall['cd']:.2f}.\n")
        if figure:
            out.append(f"![critical-difference diagram]({figure})\n")
        shares = overall.get("first_shares")  # absent from summaries made before it
        columns = ["Rank", "Method", "mean rank", "Δ to best rank",
                   *(["first in resamples"] if shares else [])]
        out.append("| " + " | ".join(columns) + " |\n|" + " --- |" * len(columns))
        ranks = sorted(overall["mean_ranks"].items(), key=lambda kv: kv[1])
        for i, (m, r) in enumerate(ranks, 1):
            name = f"**{m}**" if m == ref else m
            out.append(f"| {i} | {name} | {r:.2f} | {r - ranks[0][1]:+.2f} |"
                       + (f" {100 * shares[m]:.1f} % |" if shares else ""))
        if overall["unranked"]:
            out.append("\nNot ranked (missing from some of the N blocks): " + ", ".join(
                f"{m} ({c} blocks)" for m, c in overall["unranked"].items()) + ".")
        out.append("")
    for t in summary["tables"]:
        n = max(r["n"] for r in t["rows"])
        out.append(f"{head} {t['setting']} — eval: {t['eval']} (n = {n} splits)\n")
        out.append(f"| Method | macro F1 | Δ vs {ref} | p (Holm) | r | wins/losses | rank | "
                   "fit s |\n| --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in t["rows"]:
            cell = f"{_pct(r['mean'])} ± {_pct(r['std'])}"
            if r["method"] == t["best"]:
                cell = f"**{cell}**"
            if "p" in r:
                cells = [f"{100 * r['mean_diff']:+.1f}", _pval(r.get("p_holm")).lstrip("= "),
                         f"{r['rank_biserial']:+.2f}", f"{r['wins']}/{r['losses']}"]
            else:
                cells = ["—"] * 4
            out.append(f"| {r['method']} | {cell} | " + " | ".join(cells)
                       + f" | {r['mean_rank']:.2f} | {r['fit_time']:.1f} |")
        out.append("")
    return "\n".join(out)
