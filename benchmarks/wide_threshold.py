"""The wide set's loss: the ranking or the decision? A diagnostic, and a threshold recipe.

On the wide set (ROSMAP with 2,000 noise features added to each modality) the default loses up
to 18.6 macro-F1 points to balanced logistic regression on the untouched folds. This script
separates the two parts of macro F1 on fresh splits of that set (``docs/research.md``, the
pilot after round 43):

- the ranking: ROC AUC of the predicted probability of the rare class on the untouched fold;
- the decision: macro F1 at the method's own decision, at the best threshold chosen on the
  untouched fold itself (an oracle no estimator has), and the share of that fold predicted
  as the rare class;

and scores one recipe a user can apply today: scikit-learn's
:class:`~sklearn.model_selection.TunedThresholdClassifierCV` around the default, with an inner
stratified 5-fold CV choosing the threshold that maximizes balanced accuracy, on the untouched
and the matched folds (``"matched, expected"``, as in the like-for-like tables).

Usage (the pilot)::

    python benchmarks/wide_threshold.py --rosmap ../shared/data/ROSMAP

``--quick`` runs one split of one setting with two epochs (a smoke test).
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV

from climd_sklearn.benchmark._data import DEFAULT_ROSMAP
from climd_sklearn.benchmark._like_for_like_methods import build_method, resolve_methods
from climd_sklearn.benchmark._like_for_like_settings import like_for_like_setting, settings_splits
from climd_sklearn.benchmark._records import _append_line, _key, load_records
from climd_sklearn.benchmark._runner import machine_info, score
from climd_sklearn.benchmark._stats import holm, wilcoxon_p
from climd_sklearn.benchmark._subsample import expected_scores

#: (setting spec, first split): splits no table had used (the wide tables use 0-24, round 35
#: 25-49, the pilots before round 37 90 on).
SETTINGS = (("rosmap_wide:5", 50), ("rosmap_wide:10", 54))

TUNED = "CLIMD (default), tuned threshold"
DEFAULT = "CLIMD (default)"
LOGREG = "LogReg (balanced), wide C grid"

#: The neural method that the like-for-like registry does not hold: name -> spec overrides.
EXTRA = {"CLIMD, linear path": {"module_kwargs": {"linear_path": True}}}

#: The neural methods, on the like-for-like recipe.
NEURAL = (DEFAULT, "Balanced softmax", *EXTRA)


def build(name: str, layout: dict[str, int], seed: int, n_train: int, quick: bool) -> Any:
    """One method's unfitted estimator on one split (the like-for-like recipe).

    Parameters
    ----------
    name : str
        One of :data:`NEURAL`, :data:`LOGREG` or :data:`TUNED`.
    layout : dict
        Modality widths.
    seed : int
        The split number (model seed and inner CV seed).
    n_train : int
        Training-fold size.
    quick : bool
        Two epochs, tiny grids.

    Returns
    -------
    estimator : estimator
    """
    if name == TUNED:
        return TunedThresholdClassifierCV(
            build(DEFAULT, layout, seed, n_train, quick), scoring="balanced_accuracy",
            cv=StratifiedKFold(5, shuffle=True, random_state=seed))
    spec = resolve_methods([name], EXTRA)[name]
    return build_method(name, spec, layout, seed, n_train, quick)


def split_record(name: str, est: Any, split: Any, setting: str) -> dict[str, Any]:
    """Fit one method on one split and measure its ranking and its decision.

    Parameters
    ----------
    name : str
        The method.
    est : estimator
        Unfitted.
    split : Split
        A binary split with ``"untouched"`` and ``"matched, expected"`` evaluations.
    setting : str
        The setting spec, recorded.

    Returns
    -------
    record : dict
    """
    import torch

    torch.manual_seed(split.index)
    start = time.perf_counter()
    est.fit(split.X_train, split.y_train)
    fit_time = time.perf_counter() - start
    predictions = {ev: est.predict(X) for ev, (X, _) in split.evals.items()}
    scores = {ev: score(y, predictions[ev])["f1_macro"] for ev, (_, y) in split.evals.items()}
    scores.update({ev: s["f1_macro"] for ev, s in expected_scores(split, predictions).items()})
    X_u, y_u = split.evals["untouched"]
    rare = np.bincount(split.y_train).argmin()
    other = est.classes_[est.classes_ != rare][0]
    proba = est.predict_proba(X_u)[:, list(est.classes_).index(rare)]
    oracle = max(f1_score(y_u, np.where(proba >= t, rare, other), average="macro")
                 for t in np.unique(proba))
    return {"setting": setting, "split": split.index, "method": name, "fit_time": fit_time,
            "auc": float(roc_auc_score(y_u == rare, proba)), "scores": scores,
            "oracle_untouched": float(oracle),
            "rare_predicted": float(np.mean(predictions["untouched"] == rare)),
            "rare_true": float(np.mean(y_u == rare)),
            "threshold": float(getattr(est, "best_threshold_", 0.5))}


def _means(records: Sequence[dict[str, Any]]) -> dict[str, float]:
    """The mean of each number of the records, the scores' evaluations as keys of their own."""
    flat = [{**{k: v for k, v in r.items() if isinstance(v, float)}, **r["scores"]}
            for r in records]
    return {k: float(np.mean([f[k] for f in flat])) for k in flat[0]}


def summarize(records: Sequence[dict[str, Any]]) -> str:
    """The pilot's tables: means per method, then the paired comparisons per evaluation.

    Each setting is summarized over the splits that every one of its methods has finished.

    Parameters
    ----------
    records : sequence of dict
        From :func:`split_record`.

    Returns
    -------
    markdown : str
    """
    lines = []
    present = {r["setting"] for r in records}
    order = [spec for spec, _ in SETTINGS if spec in present] + sorted(
        present - {spec for spec, _ in SETTINGS})
    for setting in order:
        rows = [r for r in records if r["setting"] == setting]
        by = {(r["method"], r["split"]): r for r in rows}
        methods = list(dict.fromkeys(r["method"] for r in rows))
        # the splits every method has finished (another process may still be fitting)
        splits = sorted(s for s in {r["split"] for r in rows}
                        if all((m, s) in by for m in methods))
        if not splits:
            continue
        lines += [f"## {setting}, splits {splits[0]}-{splits[-1]} (n = {len(splits)})", "",
                  "| method | AUC | untouched | oracle untouched | rare predicted (true) "
                  "| matched, expected | threshold |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for m in methods:
            mean = _means([by[m, s] for s in splits])
            lines.append(f"| {m} | {mean['auc']:.3f} | {100 * mean['untouched']:.1f} | "
                         f"{100 * mean['oracle_untouched']:.1f} | {mean['rare_predicted']:.2f} "
                         f"({mean['rare_true']:.2f}) | {100 * mean['matched, expected']:.1f} | "
                         f"{mean['threshold']:.2f} |")
        pairs = [(TUNED, DEFAULT), (DEFAULT, LOGREG), (TUNED, LOGREG)]
        lines += ["", "Paired differences in macro-F1 points (wins / losses; two-sided Wilcoxon "
                  "p, Holm over the three comparisons of each evaluation):", ""]
        for ev in ("untouched", "matched, expected"):
            diffs = [[100 * (by[a, s]["scores"][ev] - by[b, s]["scores"][ev]) for s in splits]
                     for a, b in pairs]
            p_holm = holm([wilcoxon_p(d) for d in diffs])
            for (a, b), d, p in zip(pairs, diffs, p_holm):
                lines.append(f"- {ev}: {a} − {b}: {np.mean(d):+.1f} "
                             f"({sum(x > 0 for x in d)} / {sum(x < 0 for x in d)}; p "
                             + ("n/a" if np.isnan(p) else f"{p:.3f}") + ")")
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> str:
    """Run the pilot (or its smoke test) and write its records and tables.

    Parameters
    ----------
    argv : sequence of str or None
        Command-line arguments (see ``--help``).

    Returns
    -------
    markdown : str
        The tables written.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rosmap", default=DEFAULT_ROSMAP)
    parser.add_argument("--splits", type=int, default=10)
    parser.add_argument("--out", default="benchmarks/results/wide_threshold")
    parser.add_argument("--only", choices=[spec for spec, _ in SETTINGS],
                        help="fit this setting only (processes may share --out)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "records.jsonl")
    done = {_key(r) for r in load_records(path)}
    names = [*NEURAL, LOGREG, TUNED]
    settings = [(spec, first) for spec, first in SETTINGS if args.only in (None, spec)]
    settings = settings[:1] if args.quick else settings
    n_splits = 1 if args.quick else args.splits
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for spec, first in settings:
            setting = like_for_like_setting(spec, args.rosmap)
            for _, split in settings_splits([(setting, n_splits)], first):
                for name in names:
                    if (spec, split.index, name) in done:
                        continue
                    est = clone(build(name, setting.layout, split.index, len(split.y_train),
                                      args.quick))
                    _append_line(path, split_record(name, est, split, spec))
    records = load_records(path)
    command = "python benchmarks/wide_threshold.py" + (" --quick" if args.quick else "")
    markdown = (f"# The wide set's loss: ranking or decision?\n\nCommand: `{command}`. Ran on: "
                f"{json.dumps(machine_info())}.\n\n" + summarize(records))
    with open(os.path.join(args.out, "wide_threshold.md"), "w") as fh:
        fh.write(markdown)
    print(markdown)
    return markdown


if __name__ == "__main__":
    main()
