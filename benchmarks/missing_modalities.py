"""Missing modalities: CLIMD's native handling vs. dropping incomplete samples vs. imputation.

For each removal rate r, each (sample, modality) cell of the training and of the evaluation
data is removed independently with probability r (the modality's columns set to NaN for that
row; seeded by split, rate and data part); a sample left with no modality gets one modality
back, chosen at random. Every strategy is the same CLIMDClassifier (the benchmark's "fast"
regime) behind a StandardScaler (which ignores NaN when fitted and keeps it when
transforming):

- ``native``: the classifier gets the NaN rows and skips absent modalities;
- ``drop incomplete``: trained on the complete training samples only; missing test
  modalities are filled with the means of those samples (it is skipped for a split where a
  class has fewer than 2 complete training samples);
- ``mean imputation``: ``SimpleImputer(strategy="mean")`` fitted on the training data;

plus logistic regression (``class_weight="balanced"``) after mean imputation as an anchor.

    python benchmarks/missing_modalities.py                  # the full run
    python benchmarks/missing_modalities.py --quick --out /tmp/m   # smoke test
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from climd_sklearn import CLIMDClassifier
from climd_sklearn.benchmark import (
    ProgressLine,
    Split,
    aggregate,
    fit_and_score,
    make_setting,
    modality_columns,
    write_results,
)
from climd_sklearn.benchmark._missing import (
    complete_rows,
    missing_markdown,
    missing_notes,
    missing_rng,
    missing_setting_name,
    remove_modalities,
)

#: CLIMDClassifier parameters shared by every strategy (the benchmark's "fast" regime).
BASE: dict[str, Any] = {"variant": "paper", "lr": 1e-3, "max_epochs": 30, "batch_size": 32,
                        "curriculum": "climd"}

#: Setting spec -> evaluation sets scored.
SETTINGS: dict[str, tuple[str, ...]] = {
    "rosmap:1": ("balanced",),
    "mfeat:10": ("balanced", "long-tailed"),
}
RATES: tuple[float, ...] = (0.0, 0.1, 0.3, 0.5)

NATIVE, DROP, MEAN = "native", "drop incomplete", "mean imputation"
ANCHOR = "LogReg (balanced), mean imputation"
STRATEGIES: tuple[str, ...] = (NATIVE, DROP, MEAN)
METHODS: tuple[str, ...] = (*STRATEGIES, ANCHOR)

#: Fewest complete training samples per class for "drop incomplete" to be fitted.
MIN_COMPLETE_PER_CLASS = 2


def build(method: str, layout: Mapping[str, int], seed: int,
          overrides: Mapping[str, Any] | None = None) -> Pipeline:
    """The unfitted pipeline of one method.

    Parameters
    ----------
    method : str
        One of :data:`METHODS`.
    layout : mapping of str to int
        Modality widths in column order.
    seed : int
        ``random_state`` of the classifier.
    overrides : mapping or None, default=None
        Replaces :data:`BASE` values (``--quick``).

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
    """
    scale = ("scale", StandardScaler())
    impute = ("impute", SimpleImputer(strategy="mean", keep_empty_features=True))
    if method == ANCHOR:
        clf: Any = LogisticRegression(class_weight="balanced", C=0.1, max_iter=2000,
                                      random_state=seed)
        return Pipeline([scale, impute, ("clf", clf)])
    clf = CLIMDClassifier(modalities=modality_columns(layout), random_state=seed,
                          **{**BASE, **(overrides or {})})
    if method == NATIVE:
        return Pipeline([scale, ("clf", clf)])
    if method in (DROP, MEAN):
        return Pipeline([scale, impute, ("clf", clf)])
    raise ValueError(f"Unknown method {method!r}; known: {list(METHODS)}")


def _too_few(y: np.ndarray, classes: np.ndarray) -> dict[str, int] | None:
    """Per-class counts of ``y`` if some class of ``classes`` has too few samples."""
    counts = {str(c): int(np.sum(y == c)) for c in classes}
    return counts if min(counts.values()) < MIN_COMPLETE_PER_CLASS else None


def run(settings: Mapping[str, Sequence[str]], rates: Sequence[float], n_splits: int,
        overrides: Mapping[str, Any] | None = None, progress: bool = True,
        ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Fit every method on every split at every removal rate and score the evaluations.

    At rate 0 nothing is missing, so the three strategies are the same model (the same
    pipeline steps on the same data with the same seed, the imputer passing the data through);
    it is fitted once and its scores are recorded under each strategy's name.

    Parameters
    ----------
    settings : mapping of str to sequence of str
        Setting spec -> evaluation sets to score.
    rates : sequence of float
        Removal rates.
    n_splits : int
        Splits per setting.
    overrides : mapping or None, default=None
        Replaces :data:`BASE` values.
    progress : bool, default=True
        Draw a progress line on stderr.

    Returns
    -------
    records : list of dict
        One per (setting with rate, split, method, evaluation), as the benchmark runner's.
    skipped : list of dict
        One per fit not run (``"drop incomplete"`` with too few complete samples).
    missingness : list of dict
        Per (setting, split, rate): the share of cells kept and of complete samples, in the
        training data and in each evaluation set.
    """
    regime = "quick" if overrides else "fast"
    records: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    missingness: list[dict[str, Any]] = []
    bar = ProgressLine(len(settings) * n_splits * len(rates) * len(METHODS), enabled=progress)
    for spec, evals in settings.items():
        setting = make_setting(spec)
        for split in setting.splits(n_splits):
            classes = np.unique(split.y_train)
            for rate in rates:
                name = missing_setting_name(setting.name, rate)
                X_tr, kept = remove_modalities(split.X_train, setting.layout, rate,
                                               missing_rng(split.index, rate, "train"))
                complete = complete_rows(X_tr)
                test = {}
                info = {"setting": name, "split": split.index, "rate": rate,
                        "train_cells_kept": float(kept.mean()),
                        "train_complete": float(complete.mean()),
                        "train_complete_n": int(complete.sum())}
                for ev in evals:
                    X_ev, y_ev = split.evals[ev]
                    X_ev, kept_ev = remove_modalities(X_ev, setting.layout, rate,
                                                      missing_rng(split.index, rate, ev))
                    test[ev] = (X_ev, y_ev)
                    info[f"{ev}_cells_kept"] = float(kept_ev.mean())
                    info[f"{ev}_complete"] = float(complete_rows(X_ev).mean())
                missingness.append(info)
                done: dict[str, list[dict[str, Any]]] = {}
                for method in METHODS:
                    label = f"{setting.name} {100 * rate:g}% #{split.index} {method}"
                    X_fit, y_fit = X_tr, split.y_train
                    if method == DROP:
                        X_fit, y_fit = X_tr[complete], split.y_train[complete]
                        counts = _too_few(y_fit, classes)
                        if counts is not None:
                            skipped.append({"setting": name, "split": split.index,
                                            "method": method, "class_counts": counts,
                                            "reason": "a class has fewer than "
                                                      f"{MIN_COMPLETE_PER_CLASS} complete "
                                                      "training samples"})
                            bar.update(label)
                            continue
                    if rate == 0 and method in STRATEGIES and NATIVE in done:
                        recs = [dict(rec, method=method) for rec in done[NATIVE]]
                    else:
                        est = build(method, setting.layout, split.index, overrides)
                        fit_split = Split(split.index, X_fit, y_fit, test)
                        recs = fit_and_score(est, name, fit_split, method, regime)
                        done[method] = recs
                    records += [dict(rec, rate=rate) for rec in recs]
                    bar.update(label)
    return records, skipped, missingness


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the missing-modality benchmark; write ``missing_modalities.{json,md}``.

    Parameters
    ----------
    argv : sequence of str or None
        Command-line arguments; None reads ``sys.argv[1:]``.

    Returns
    -------
    result : dict
        ``{"records", "summary", "skipped", "json", "md"}``.
    """
    parser = argparse.ArgumentParser(prog="benchmarks/missing_modalities.py",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="1 split, 2 epochs, 30 %% missing only, synthetic data")
    parser.add_argument("--out", default="benchmarks/results", help="output folder")
    parser.add_argument("--splits", type=int, default=5, help="splits per setting")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    argv_list = list(sys.argv[1:] if argv is None else argv)
    torch.set_num_threads(1)
    settings: dict[str, tuple[str, ...]] = dict(SETTINGS)
    rates, n_splits = RATES, args.splits
    overrides: dict[str, Any] = {}
    if args.quick:
        settings = {"synthetic:10": ("balanced", "long-tailed")}
        rates, n_splits, overrides = (0.3,), 1, {"max_epochs": 2}
    start = time.perf_counter()
    records, skipped, missingness = run(settings, rates, n_splits, overrides,
                                        progress=not args.no_progress)
    wall = time.perf_counter() - start
    rows = aggregate(records, reference=NATIVE)
    config = {"settings": {k: list(v) for k, v in settings.items()}, "rates": list(rates),
              "methods": list(METHODS), "base": BASE, "overrides": overrides,
              "splits": n_splits, "min_complete_per_class": MIN_COMPLETE_PER_CLASS,
              "skipped": skipped, "missingness": missingness,
              "command": " ".join(["python benchmarks/missing_modalities.py", *argv_list]),
              "wall_s": round(wall, 1)}
    extra = ["Which strategy has the best mean macro F1, per data set and rate:", "",
             *missing_notes(rows, STRATEGIES, ANCHOR, skipped), ""]
    if skipped:
        extra += ["Fits not run:", ""]
        extra += [f"- {s['setting']}, split {s['split']}, {s['method']}: {s['reason']} "
                  f"({s['class_counts']})" for s in skipped]
        extra.append("")
    json_path, md_path = write_results(args.out, "missing_modalities", records, rows, config)
    with open(md_path, "w") as fh:
        fh.write(missing_markdown(rows, METHODS, skipped, n_splits) + "\n" + "\n".join(extra))
    with open(md_path) as fh:
        print(fh.read())
    return {"records": records, "summary": rows, "skipped": skipped, "json": json_path,
            "md": md_path}


if __name__ == "__main__":
    main()
