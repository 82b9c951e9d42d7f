"""What one change of the training recipe did to each method: two like-for-like runs, paired.

Research round 33 reran every neural method of the main table with weight averaging in its
recipe. Its rule compared the weight-averaged default with the default without it; this script
answers the wider question, method by method: the same method, the same splits, the recipe with
the change (``--after``) against the recipe without it (``--before``). It fits nothing.

Each cell is the mean paired difference in macro-F1 points (after minus before) over the splits
that both files hold, then the Holm-adjusted two-sided Wilcoxon p over the methods of that
column (``zero_method="zsplit"``, as in the like-for-like tables). The columns are the
setting-evaluations of ``--after``'s summary (``like_for_like.json`` beside its records).

Usage (round 33)::

    python benchmarks/recipe_effect.py --after benchmarks/results/round33 \
        --before benchmarks/results/like_for_like.records.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from climd_sklearn.benchmark import load_like_for_like_records as load_records
from climd_sklearn.benchmark._stats import holm, wilcoxon_p


def paired_effects(after: Sequence[dict[str, Any]], before: Sequence[dict[str, Any]],
                   columns: Sequence[tuple[str, str]], methods: Sequence[str],
                   metric: str = "f1_macro") -> dict[str, list[tuple[float, float, int]]]:
    """Each method's mean paired difference and Holm-adjusted p in each column.

    Parameters
    ----------
    after, before : sequence of dict
        Like-for-like records (one per setting, split and method) of the two recipes.
    columns : sequence of (str, str)
        The (setting, evaluation) pairs to compare.
    methods : sequence of str
        The methods to compare; each must have records in both runs.
    metric : str, default="f1_macro"
        The score compared.

    Returns
    -------
    effects : dict
        method -> one ``(mean difference in points, Holm p, n pairs)`` per column; the Holm
        correction runs over the methods of each column.

    Raises
    ------
    ValueError
        If a method has no paired split in a column.
    """
    old = {(r["method"], r["setting"], r["split"]): r for r in before}
    new: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in after:
        new.setdefault((r["method"], r["setting"]), []).append(r)
    effects: dict[str, list[tuple[float, float, int]]] = {m: [] for m in methods}
    for setting, evaluation in columns:
        diffs = []
        for method in methods:
            pairs = [(r["scores"][evaluation][metric],
                      old[(method, setting, r["split"])]["scores"][evaluation][metric])
                     for r in new.get((method, setting), [])
                     if (method, setting, r["split"]) in old]
            if not pairs:
                raise ValueError(f"{method!r} has no split of {setting!r} in both runs")
            diffs.append(100 * np.subtract(*np.array(pairs).T))
        adjusted = holm([wilcoxon_p(d) for d in diffs])
        for method, d, p in zip(methods, diffs, adjusted):
            effects[method].append((float(d.mean()), float(p), len(d)))
    return effects


def main(argv: Sequence[str] | None = None) -> str:
    """Print the table of :func:`paired_effects` as markdown.

    Parameters
    ----------
    argv : sequence of str or None
        Command-line arguments (None: ``sys.argv[1:]``).

    Returns
    -------
    table : str
        The markdown printed.
    """
    parser = argparse.ArgumentParser(prog="benchmarks/recipe_effect.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--after", required=True,
                        help="results folder of the run with the change (its records and json)")
    parser.add_argument("--before", required=True, help="records file of the run without it")
    parser.add_argument("--methods", nargs="+", default=None,
                        help="methods (default: the neural methods fitted in --after, not "
                        "copied, that --before holds too)")
    args = parser.parse_args(argv)
    after = load_records(os.path.join(args.after, "like_for_like.records.jsonl"), "full")
    with open(os.path.join(args.after, "like_for_like.json")) as fh:
        tables = json.load(fh)["summary"]["tables"]
    columns = [(t["setting"], t["eval"]) for t in tables]
    before = load_records(args.before, "full")
    in_before = {r["method"] for r in before}
    methods = args.methods or list(dict.fromkeys(
        r["method"] for r in after if r["spec"]["kind"] == "neural"
        and "copied_from" not in r and r["method"] in in_before))
    effects = paired_effects(after, before, columns, methods)
    head = ["method", *(f"{s} / {e}" for s, e in columns), "mean"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for method, cells in effects.items():
        shown = [f"{d:+.1f}" + (f" (p {p:.3f})" if p < 0.05 else "") for d, p, _ in cells]
        mean = np.mean([d for d, _, _ in cells])
        lines.append(f"| {method} | " + " | ".join(shown) + f" | {mean:+.2f} |")
    table = "\n".join(lines)
    print(table)
    return table


if __name__ == "__main__":
    main()
