"""The like-for-like protocol's report: the records summarized, tested, ranked and written.

:func:`write_like_for_like` turns the records of :mod:`._like_for_like` into
``like_for_like.json``, ``like_for_like.md`` and the critical-difference figure. Evaluations
superseded by a better estimate of the same quantity (:data:`SUPERSEDES`) are kept apart:
they are not ranked, and they get a table of their own.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ._data import LONG_TAILED_EXPECTED, MATCHED_EXPECTED
from ._like_for_like_methods import DEFAULT_METHODS, REFERENCE
from ._like_for_like_settings import DEFAULT_SETTINGS, setting_name
from ._plots import plot_critical_difference
from ._records import _jsonable
from ._runner import machine_info
from ._stats import _pval, paired_markdown, summarize_paired

__all__ = ["SUPERSEDES", "superseded_markdown", "write_like_for_like"]

#: Evaluation -> the evaluation it replaces in the ranked summary: the exact mean over every
#: draw of the matched fold's subsample (research round 29) and the Monte Carlo mean over draws
#: of the long-tailed held-out set (round 30) replace their one seeded draw, which then stays
#: in the records and gets a table of its own.
SUPERSEDES: dict[str, str] = {MATCHED_EXPECTED: "matched", LONG_TAILED_EXPECTED: "long-tailed"}


def _flatten(records: Sequence[Mapping[str, Any]], setting_order: Sequence[str],
             method_order: Sequence[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One row per (setting, evaluation, split, method), in a stable order.

    Returns the ranked rows and the rows of the evaluations they superseded
    (:data:`SUPERSEDES`). A replacement counts only in a setting where every record holds
    it; elsewhere it is left out and the evaluation it would replace is ranked, so that
    the paired tables stay complete.
    """
    def key(rec: Mapping[str, Any]) -> tuple:
        setting, method = rec["setting"], rec["method"]
        return (setting_order.index(setting) if setting in setting_order else 99, setting,
                rec["split"], method_order.index(method) if method in method_order else 99,
                method)

    complete: dict[str, set[str]] = {}
    for rec in records:
        held = set(rec["scores"]) & set(SUPERSEDES)
        complete[rec["setting"]] = complete.get(rec["setting"], held) & held
    ranked, superseded = [], []
    for rec in sorted(records, key=key):
        replaced = {SUPERSEDES[ev] for ev in complete[rec["setting"]]}
        for ev, metrics in rec["scores"].items():
            if ev in SUPERSEDES and ev not in complete[rec["setting"]]:
                continue
            row = {"setting": rec["setting"], "eval": ev, "split": rec["split"],
                   "method": rec["method"], "fit_time": rec["fit_time"], **metrics}
            (superseded if ev in replaced else ranked).append(row)
    return ranked, superseded


def superseded_markdown(summary: Mapping[str, Any], title_level: int) -> str:
    """A compact table of the superseded evaluations: mean macro F1 and Holm p per column.

    Parameters
    ----------
    summary : mapping
        :func:`~climd_sklearn.benchmark._stats.summarize_paired` of the superseded rows.
    title_level : int
        Heading level of the section.

    Returns
    -------
    text : str
        Markdown; empty when nothing was superseded.
    """
    tables = summary["tables"]
    if not tables:
        return ""
    head = "#" * title_level
    ref = summary["reference"]
    columns = [f"{t['setting']} / {t['eval']}" for t in tables]
    out = [f"{head} Superseded evaluations, for comparison with earlier runs\n",
           "The one seeded draw of each matched fold and of each long-tailed held-out set, "
           "which the mean over its draws replaces in the ranks and tables above (exact for "
           "the matched folds, research round 29; over 10,000 seeded draws for the "
           "long-tailed sets, round 30). Mean macro F1 (%) "
           f"over the splits; in brackets the Holm-adjusted Wilcoxon p against *{ref}* where "
           "it is below 0.05.\n",
           "| Method | " + " | ".join(columns) + " |",
           "| --- |" + " --- |" * len(columns)]
    methods = list(dict.fromkeys(r["method"] for t in tables for r in t["rows"]))
    for method in methods:
        cells = []
        for t in tables:
            row = next((r for r in t["rows"] if r["method"] == method), None)
            cell = "—" if row is None else f"{100 * row['mean']:.1f}"
            if row is not None and row.get("p_holm", 1.0) < 0.05:
                cell += f" (p {_pval(row['p_holm']).lstrip('= ')})"
            cells.append(cell)
        name = f"**{method}**" if method == ref else method
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def _cpus_markdown(records: Sequence[Mapping[str, Any]]) -> str:
    """The line that counts the records by the CPU model they were fitted on.

    The TCGA cohorts' fits differ between CPU models (research.md, the diagnostic after the
    inner-CV test of the heads' loss), so a table whose records come from several is worth
    knowing as one. Records from before the CPU was stored are counted as such; no line
    when none stores it.
    """
    cpus = Counter(rec.get("cpu", "not stored") for rec in records)
    if set(cpus) <= {"not stored"}:
        return ""
    return ("Records by the CPU they were fitted on: "
            + "; ".join(f"{cpu} ({n})" for cpu, n in cpus.most_common()) + ".\n\n")


#: What a record keeps in the records file only: the per-sample predictions and, where
#: stored, log-probabilities (the JSON summary would grow with every test sample).
_RECORDS_FILE_ONLY = frozenset({"predictions", "log_proba"})


def write_like_for_like(
    out_dir: str,
    records: Sequence[Mapping[str, Any]],
    config: Mapping[str, Any],
    figures_dir: str | None = "docs/figures",
    reference: str = REFERENCE,
    machine: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Summarize the records and write ``like_for_like.json``, ``.md`` and the CD figure.

    The JSON file holds the records without their predictions and log-probabilities,
    which stay in the records file.

    Parameters
    ----------
    out_dir : str
        Folder of the JSON and markdown files.
    records : sequence of dict
        The JSON-lines records (:func:`load_records`).
    config : mapping
        What was run; written under ``"config"``. Tables follow :data:`DEFAULT_SETTINGS`, then
        its ``"settings"``, and its ``"methods"``; ``"commands"`` lists the command lines.
    figures_dir : str or None, default="docs/figures"
        Where ``critical_difference.png`` goes; None draws no figure.
    reference : str, default=REFERENCE
        The method tested against.
    machine : mapping or None, default=None
        The machine the records' fits ran on, written under ``"machine"`` and as the
        markdown's *Ran on* line; None: this one (:func:`~climd_sklearn.benchmark.machine_info`).
        A summary that fits nothing passes the machine of the run that did.

    Returns
    -------
    summary : dict
        The output of :func:`~climd_sklearn.benchmark._stats.summarize_paired`, plus the
        paths written under ``"paths"``.
    """
    setting_names = [setting_name(s) for s in [*DEFAULT_SETTINGS, *config.get("settings", [])]]
    flat, superseded = _flatten(records, setting_names,
                                list(config.get("methods", DEFAULT_METHODS)))
    summary = summarize_paired(flat, reference)
    superseded_summary = summarize_paired(superseded, reference)
    os.makedirs(out_dir, exist_ok=True)
    figure = None
    overall = summary["overall"]
    if figures_dir is not None and "cd" in overall:
        fig_path = plot_critical_difference(
            overall["mean_ranks"], overall["cd"],
            os.path.join(figures_dir, "critical_difference.png"),
            f"Mean rank of macro F1 over N = {overall['n_blocks']} blocks")
        if fig_path is None:
            print("matplotlib is not installed: no critical-difference figure", file=sys.stderr)
        else:
            figure = os.path.relpath(fig_path, out_dir)
    summary["figure"] = figure
    json_path = os.path.join(out_dir, "like_for_like.json")
    machine = machine_info() if machine is None else dict(machine)
    payload = {"name": "like_for_like", "config": _jsonable(dict(config)),
               "machine": machine,
               # the predictions stay in the records file; this file summarizes
               "records": [{k: v for k, v in rec.items() if k not in _RECORDS_FILE_ONLY}
                           for rec in records], "summary": summary,
               "superseded": superseded_summary}
    with open(json_path, "w") as fh:
        json.dump(payload, fh, indent=1, default=float)
    md_path = os.path.join(out_dir, "like_for_like.md")
    with open(md_path, "w") as fh:
        fh.write("# Like-for-like benchmark\n\n" + "\n".join(
            f"    {c}" for c in config.get("commands", [])) + "\n\nRan on: "
                 + ", ".join(f"{key} {value}" for key, value in machine.items()) + ".\n\n"
                 + _cpus_markdown(records)
                 + paired_markdown(summary, figure, title_level=2) + "\n"
                 + superseded_markdown(superseded_summary, title_level=2))
    summary["paths"] = {"json": json_path, "md": md_path, "figure": figure}
    return summary
