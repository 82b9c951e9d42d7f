"""The default against each anchor over every real task its recipe was not chosen on.

Each real cohort's like-for-like table (``benchmarks/results/external*/``) compares the
methods on one or two tasks over 25 paired splits. A user choosing between the default and a
balanced logistic regression asks a question none of those tables answers alone: over the
tasks, which wins, and how often? This module pools the committed tables' records: for each
task, the mean paired difference of a method to the default over the task's splits, and
across the tasks, the mean of those differences, the tasks won and lost, and a Wilcoxon
signed-rank test over the task means (each task counted once, so the splits of one task,
which share training data, do not pass for independent evidence), Holm-adjusted over the
methods compared.

:data:`REAL_TASKS` lists the tasks: every real cohort and label of the committed tables at
the cohort's own class balance (no imbalance made by subsampling), fitted under today's
default recipe. It leaves out ROSMAP, WDBC and TCGA PAAD, whose training folds were
subsampled to a chosen ratio (ROSMAP also chose the recipe), and the archived tables of
earlier recipes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from ._rank_bootstrap import first_place_shares
from ._records import RECORDS_FILE, load_records
from ._stats import _pval, average_ranks, critical_difference, friedman_test, holm, wilcoxon_p

__all__ = ["REAL_TASKS", "RealTask", "real_tasks_markdown", "summarize_real_tasks"]

#: How many times the tasks are drawn again to count each method's first places.
N_TASK_RESAMPLES = 2000


class RealTask(NamedTuple):
    """One real task: the committed table that holds it and its setting's name there."""

    #: Folder under ``benchmarks/results`` whose ``like_for_like.records.jsonl`` holds it.
    folder: str
    #: The setting's name in the records.
    setting: str

    def records_path(self, results: str) -> str:
        """The task's records file under the results folder ``results``.

        Parameters
        ----------
        results : str
            The results folder (``benchmarks/results``).

        Returns
        -------
        path : str
        """
        return os.path.join(results, self.folder, RECORDS_FILE)


#: The real tasks at their cohort's own balance, under today's recipe, one table each (the
#: one that fitted the most methods on it; KIPAN's binary tasks are also in ``round56/`` and
#: ``external_kipan_binary/``, the same records).
REAL_TASKS: tuple[RealTask, ...] = (
    RealTask("external", "GSE7390 metastasis"),
    RealTask("external_ad", "AD biomarkers impairment"),
    RealTask("external_brca", "TCGA BRCA PAM50"),
    RealTask("external_brca_clinical", "TCGA BRCA histology"),
    RealTask("external_brca_clinical", "TCGA BRCA stage"),
    RealTask("external_tcga", "TCGA KIPAN histology"),
    RealTask("external_tcga", "TCGA LGG vital status"),
    RealTask("external_tcga_multiclass", "TCGA LGG histology"),
    RealTask("external_tcga_multiclass", "TCGA KIPAN stage"),
    RealTask("external_kipan_vital", "TCGA KIPAN vital status"),
    RealTask("external_kipan_metastasis", "TCGA KIPAN metastasis"),
    RealTask("external_brca_vital", "TCGA BRCA vital status"),
    RealTask("external_lymph_nodes", "TCGA KIPAN lymph nodes"),
    RealTask("external_lymph_nodes", "TCGA BRCA lymph nodes"),
)


def _scores(records: Sequence[Mapping[str, Any]], setting: str, method: str,
            evaluation: str) -> dict[int, float]:
    """``{split: macro F1 in points}`` of one method on one setting."""
    return {r["split"]: 100.0 * r["scores"][evaluation]["f1_macro"] for r in records
            if r["setting"] == setting and r["method"] == method}


def summarize_real_tasks(
    results: str, methods: Sequence[str], tasks: Sequence[RealTask] = REAL_TASKS,
    reference: str = "CLIMD (default)", evaluation: str = "untouched",
) -> dict[str, Any]:
    """Each method's paired difference to the reference on every task, and across the tasks.

    Parameters
    ----------
    results : str
        The results folder (``benchmarks/results``).
    methods : sequence of str
        The methods to compare with the reference. A method missing from a task's table is
        left out of that task (``None`` in its row) and of the pooled test's tasks.
    tasks : sequence of RealTask, default=REAL_TASKS
        The tasks.
    reference : str, default="CLIMD (default)"
        The method every difference is taken to.
    evaluation : str, default="untouched"
        The evaluation scored.

    Returns
    -------
    summary : dict
        ``"rows"``: one dict per task (``"task"``, ``"folder"``, ``"n_splits"``,
        ``"reference"``: its mean, and ``"deltas"``: method -> the mean paired difference
        in points or None); ``"pooled"``: method -> ``n_tasks``, ``mean_delta``,
        ``tasks_won``, ``tasks_lost`` (the method's mean above / below the reference's),
        ``splits_won``, ``splits_lost``, ``p`` (Wilcoxon over the task means) and
        ``p_holm`` (Holm over the methods); ``"ranks"``: among the reference and the methods
        fitted on every task (``"methods"``), each one's ``"mean_ranks"`` over the tasks (1
        is the highest task mean; ties share the average rank), its
        ``"first_in_resamples"``: the share of :data:`N_TASK_RESAMPLES` draws of the tasks
        with replacement in which it has the lowest mean rank (a new set of tasks like
        these, drawn again), Friedman's ``"friedman_p"`` and the Nemenyi
        ``"critical_difference"`` of those mean ranks at alpha = 0.05 (both NaN with fewer
        than three such methods).

    Raises
    ------
    ValueError
        If a task's table lacks the reference, or a method's splits there differ from the
        reference's.
    """
    rows: list[dict[str, Any]] = []
    per_method: dict[str, list[np.ndarray]] = {m: [] for m in methods}
    tables: dict[str, list[dict[str, Any]]] = {}  # folder -> records, read once
    for task in tasks:
        path = task.records_path(results)
        if task.folder not in tables:
            tables[task.folder] = load_records(path)
        records = tables[task.folder]
        ref = _scores(records, task.setting, reference, evaluation)
        if not ref:
            raise ValueError(f"{task.folder}/ has no {reference!r} record of "
                             f"{task.setting!r} ({path}).")
        row: dict[str, Any] = {"task": task.setting, "folder": task.folder,
                               "n_splits": len(ref),
                               "reference": float(np.mean(list(ref.values()))),
                               "deltas": {}}
        for method in methods:
            other = _scores(records, task.setting, method, evaluation)
            if not other:
                row["deltas"][method] = None
                continue
            if set(other) != set(ref):
                raise ValueError(
                    f"{method!r} has splits {sorted(other)} of {task.setting!r} in "
                    f"{task.folder}/, {reference!r} has {sorted(ref)}: not paired.")
            diffs = np.array([other[s] - ref[s] for s in sorted(ref)])
            per_method[method].append(diffs)
            row["deltas"][method] = float(diffs.mean())
        rows.append(row)
    pooled: dict[str, dict[str, Any]] = {}
    for method, task_diffs in per_method.items():
        means = np.array([d.mean() for d in task_diffs])
        splits = np.concatenate(task_diffs) if task_diffs else np.empty(0)
        pooled[method] = {
            "n_tasks": int(means.size),
            "mean_delta": float(means.mean()) if means.size else float("nan"),
            "tasks_won": int((means > 0).sum()), "tasks_lost": int((means < 0).sum()),
            "splits_won": int((splits > 0).sum()), "splits_lost": int((splits < 0).sum()),
            "p": wilcoxon_p(means),
        }
    adjusted = holm([pooled[m]["p"] for m in methods])
    for method, p_holm in zip(methods, adjusted):
        pooled[method]["p_holm"] = float(p_holm)
    return {"reference": reference, "evaluation": evaluation, "methods": list(methods),
            "rows": rows, "pooled": pooled, "ranks": _task_ranks(rows, reference, methods)}


def _task_ranks(rows: Sequence[Mapping[str, Any]], reference: str,
                methods: Sequence[str]) -> dict[str, Any]:
    """The mean rank over the tasks of the reference and every method fitted on all of them."""
    complete = [m for m in methods if all(row["deltas"][m] is not None for row in rows)]
    # each task's mean macro F1 per method: the reference's mean plus the method's delta
    means = np.array([[row["reference"]] + [row["reference"] + row["deltas"][m]
                                             for m in complete] for row in rows])
    ranked = [reference, *complete]
    task_ranks = average_ranks(means)
    mean_ranks = task_ranks.mean(axis=0)
    # each task is its own resampling unit, all in one stratum: the tasks drawn again
    shares = first_place_shares(task_ranks, units=range(len(rows)), strata=[0] * len(rows),
                                n_resamples=N_TASK_RESAMPLES)
    testable = len(ranked) >= 3 and len(rows) >= 2
    friedman_p = friedman_test(means)["p_value"] if testable else float("nan")
    cd = critical_difference(len(ranked), len(rows)) if testable else float("nan")
    return {"methods": ranked,
            "mean_ranks": {m: float(r) for m, r in zip(ranked, mean_ranks)},
            "first_in_resamples": {m: float(s) for m, s in zip(ranked, shares)},
            "friedman_p": friedman_p, "critical_difference": cd}


def _signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}"


def real_tasks_markdown(summary: Mapping[str, Any]) -> str:
    """Two markdown tables: the differences task by task, and pooled over the tasks.

    Parameters
    ----------
    summary : mapping
        The result of :func:`summarize_real_tasks`.

    Returns
    -------
    text : str
    """
    methods = summary["methods"]
    reference = summary["reference"]
    lines = [f"| task | table | splits | {reference} | "
             + " | ".join(f"Δ {m}" for m in methods) + " |",
             "| --- | --- | --- | --- | " + " | ".join("---" for _ in methods) + " |"]
    for row in summary["rows"]:
        lines.append(f"| {row['task']} | `{row['folder']}/` | {row['n_splits']} | "
                     f"{row['reference']:.1f} | "
                     + " | ".join(_signed(row["deltas"][m]) for m in methods) + " |")
    lines += ["", f"| method | tasks | mean Δ to {reference} | tasks the method won / lost | "
              "splits won / lost | p (Wilcoxon over tasks) | p (Holm) |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for method in methods:
        pooled = summary["pooled"][method]
        lines.append(f"| {method} | {pooled['n_tasks']} | {pooled['mean_delta']:+.2f} | "
                     f"{pooled['tasks_won']} / {pooled['tasks_lost']} | "
                     f"{pooled['splits_won']} / {pooled['splits_lost']} | "
                     f"{_pval(pooled['p']).lstrip('= ')} | "
                     f"{_pval(pooled['p_holm']).lstrip('= ')} |")
    ranks = summary["ranks"]
    friedman = ("" if np.isnan(ranks["friedman_p"])
                else f"; Friedman p {_pval(ranks['friedman_p'])}, Nemenyi critical difference "
                f"{ranks['critical_difference']:.2f} at α = 0.05")
    lines += ["", f"Mean rank over the {len(summary['rows'])} tasks, among the methods fitted "
              f"on every one of them (1 is best{friedman}), and the share of "
              f"{N_TASK_RESAMPLES:,} draws of the tasks with replacement in which the method "
              "ranks first:", "",
              "| method | mean rank | first in task resamples |", "| --- | --- | --- |"]
    lines += [f"| {m} | {r:.2f} | {100 * ranks['first_in_resamples'][m]:.1f} % |"
              for m, r in sorted(ranks["mean_ranks"].items(), key=lambda item: item[1])]
    return "\n".join(lines)
