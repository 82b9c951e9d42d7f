"""Figures for docs/benchmarks.md.

- ``schedule_fig2.png``: CLIMD's per-epoch class composition of the training subset in the
  paper's Fig. 2 setting (N = 1000, T = 10, C = 10, alpha(T) = 5, gamma = 0.3), computed by the
  scheduler alone;
- ``schedule_real_run.png``: the per-epoch class counts recorded in ``clf.net_.history`` by a
  real CLIMD fit on long-tailed mfeat (rho = 10);
- ``macro_f1.png``: macro F1 per method with std error bars, from ``comparison.json``.

Usage::

    python benchmarks/figures.py                 # -> docs/figures/
    python benchmarks/figures.py --quick --out /tmp/figs
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from climd_sklearn.benchmark._plots import (
    have_matplotlib,
    plot_class_counts,
    plot_macro_f1,
    plot_schedule,
    schedule_counts,
)

#: Panels of the macro F1 figure: (setting, evaluation).
PANELS = [
    ("ROSMAP IR 5", "matched"),
    ("ROSMAP IR 10", "balanced"),
    ("ROSMAP IR 10", "matched"),
    ("mfeat LT rho 10", "balanced"),
    ("mfeat LT rho 100", "balanced"),
    ("Synthetic LT rho 10", "balanced"),
]


def fig2_counts() -> list[int]:
    """Class counts for the Fig. 2 setting: ``n_c`` proportional to ``10^(-c/9)``, sum 1000.

    Returns
    -------
    counts : list of int
    """
    w = 10.0 ** (-np.arange(10) / 9)
    raw = w / w.sum() * 1000
    counts = np.floor(raw).astype(int)
    counts[np.argsort(-(raw - counts))[: 1000 - counts.sum()]] += 1
    return counts.tolist()


def real_run_counts(quick: bool = False) -> np.ndarray:
    """Fit CLIMD on long-tailed mfeat and read ``class_counts`` from the history.

    Parameters
    ----------
    quick : bool, default=False
        2 epochs instead of 20.

    Returns
    -------
    counts : ndarray of shape (n_epochs, n_classes)
    """
    from sklearn.preprocessing import StandardScaler

    from climd_sklearn import CLIMDClassifier
    from climd_sklearn.datasets import load_mfeat, make_long_tailed

    X, y = load_mfeat(return_X_y=True)
    X, y = make_long_tailed(X, y, 10, random_state=0)
    X = {k: StandardScaler().fit_transform(v) for k, v in X.items()}
    epochs = 2 if quick else 20
    clf = CLIMDClassifier(variant="paper", max_epochs=epochs, lr=1e-3,
                          random_state=0).fit(X, y)
    return np.array(clf.net_.history[:, "class_counts"])


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Draw the figures.

    Parameters
    ----------
    argv : sequence of str or None
        Command-line arguments (see ``--help``).

    Returns
    -------
    result : dict
        Paths written (empty when matplotlib is missing) and the plotted counts.
    """
    import torch

    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(prog="benchmarks/figures.py")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default="docs/figures")
    parser.add_argument("--results", default="benchmarks/results",
                        help="folder with comparison.json")
    args = parser.parse_args(argv)
    counts = fig2_counts()
    # the paper's Fig. 2 is Eq. 6-7 exactly
    fig2 = schedule_counts(counts, n_epochs=10, gamma=0.3, alpha=5.0, exponent_rule="eq6")
    real = real_run_counts(args.quick)
    result: dict[str, Any] = {"fig2_class_counts": counts, "fig2": fig2.tolist(),
                              "real_run": real.tolist(), "paths": []}
    if not have_matplotlib():
        print("note: matplotlib is not installed; no figures drawn.")
        return result
    os.makedirs(args.out, exist_ok=True)
    from climd_sklearn.curriculum import class_distribution

    q = np.array([class_distribution(t, 10, 5.0, 10, 0.3, exponent_rule="eq6")
                  for t in range(1, 11)])
    result["paths"].append(plot_schedule(
        q, fig2, os.path.join(args.out, "schedule_fig2.png"),
        f"CLIMD schedule: N=1000 (counts {counts}), T=10, C=10, alpha(T)=5, gamma=0.3"))
    result["paths"].append(plot_class_counts(
        real, os.path.join(args.out, "schedule_real_run.png"),
        "Real CLIMD fit: mfeat LT rho=10, T=20 (net_.history class_counts)\n"
        "bars by digit (0 = head, 9 = tail)"))
    comp = os.path.join(args.results, "comparison.json")
    if os.path.exists(comp):
        with open(comp) as fh:
            rows = json.load(fh)["summary"]
        regime = "paper" if any(r["regime"] == "paper" for r in rows) else None
        present = list(dict.fromkeys((r["setting"], r["eval"]) for r in rows
                                     if regime is None or r["regime"] == regime))
        panels = [p for p in PANELS if p in present] or present[:6]
        result["paths"].append(plot_macro_f1(rows, os.path.join(args.out, "macro_f1.png"),
                                             panels=panels, regime=regime))
    for path in result["paths"]:
        print(path)
    return result


if __name__ == "__main__":
    main()
