"""Do the default's ensemble members make the long tail's false positives together?

The default's one column more than a point behind the best is mfeat rho 100's long tail, where
its loss lies in false positives into the classes with one to four training samples
(``docs/research.md``, the diagnostic after round 46). The pilot that pooled the members by
their mean logits instead of their mean probabilities (the third pilot after round 54) changed
almost no prediction. This script asks why, on the pilot's splits: it refits the default, takes
every member's own prediction on the held-out fold, and reports

- how often two members disagree, and how often a member disagrees with the ensemble;
- the members' and the ensemble's accuracy;
- the ensemble's false positives into the rarest classes (the classes with the fewest
  training samples, as many as :data:`SETTINGS` names), and for each of them how many
  members predicted the same class;
- each member's own false positives into those classes;
- how many predictions the two pools (mean probabilities, mean logits) name differently.

Usage (the diagnostic in research.md)::

    python benchmarks/member_agreement.py --out benchmarks/results/member_agreement

``--quick`` runs one split of mfeat rho 100 with two epochs (a smoke test).
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
import torch
from scipy.special import softmax
from sklearn.base import clone

from climd_sklearn._validation import validate_predict_data
from climd_sklearn.benchmark._like_for_like_methods import build_method, resolve_methods
from climd_sklearn.benchmark._like_for_like_settings import like_for_like_setting, settings_splits
from climd_sklearn.benchmark._runner import machine_info

#: (setting spec, first split, number of splits, tail size): the third pilot's splits.
SETTINGS = (("mfeat:100", 460, 10, 3), ("rosmap:10", 460, 10, 1))

DEFAULT = "CLIMD (default)"


def agreement(member_logits: np.ndarray, y: np.ndarray, tail: Sequence[int]) -> dict[str, Any]:
    """How the members' own predictions relate to each other, to the ensemble and to ``y``.

    Parameters
    ----------
    member_logits : ndarray of shape (n_members, n_samples, n_classes)
        Each member's logits on the evaluation rows.
    y : ndarray of shape (n_samples,)
        True class indices.
    tail : sequence of int
        The class indices counted as the tail.

    Returns
    -------
    stats : dict
        ``pairwise_disagreement`` (the mean over member pairs of the share of rows they
        predict differently), ``member_vs_ensemble`` (the mean share of rows on which a
        member's prediction is not the ensemble's), ``ensemble_accuracy``,
        ``member_accuracy`` (mean over members), ``ensemble_tail_fp`` (rows of another class
        that the ensemble puts into a tail class), ``votes_for_tail_fp`` (for each of those
        rows, sorted, how many members predict that same class), ``member_tail_fp`` (each
        member's own count), and ``pools_differ`` (rows on which the mean of the members'
        probabilities and the mean of their logits name different classes). The ensemble is
        the mean of the members' probabilities, as :class:`~climd_sklearn.EnsembleFusionNet`
        predicts.
    """
    logits = np.asarray(member_logits, dtype=np.float64)
    y = np.asarray(y)
    ensemble = softmax(logits, axis=-1).mean(axis=0).argmax(axis=-1)
    logit_pool = logits.mean(axis=0).argmax(axis=-1)
    members = logits.argmax(axis=-1)
    k = len(members)
    pairs = [(members[i] != members[j]).mean() for i in range(k) for j in range(i + 1, k)]
    in_tail = np.isin(ensemble, list(tail)) & (ensemble != y)
    member_fp = (np.isin(members, list(tail)) & (members != y)).sum(axis=1)
    return {
        "pairwise_disagreement": float(np.mean(pairs)) if pairs else 0.0,
        "member_vs_ensemble": float((members != ensemble).mean()),
        "ensemble_accuracy": float((ensemble == y).mean()),
        "member_accuracy": float((members == y).mean()),
        "ensemble_tail_fp": int(in_tail.sum()),
        "votes_for_tail_fp": sorted(int(v) for v in (members[:, in_tail] == ensemble[in_tail])
                                    .sum(axis=0)),
        "member_tail_fp": [int(v) for v in member_fp],
        "pools_differ": int((ensemble != logit_pool).sum()),
    }


def member_logits_of(pipeline: Any, X: np.ndarray) -> np.ndarray:
    """Every member's logits for the rows ``X`` of a fitted like-for-like pipeline.

    The rows take the estimator's own way to its network (the pipeline's scaler, the split
    into modalities, the estimator's scaling), and the net's ``member_step`` runs the module
    with ``members=True``.
    """
    clf = pipeline.named_steps["clf"]
    X_dict = clf._with_presence(validate_predict_data(clf, pipeline[:-1].transform(X)), None)
    return clf.net_.member_step((X_dict, None))[0].double().cpu().numpy()


def run(settings: Sequence[tuple[str, int, int, int]], quick: bool = False) -> list[dict]:
    """Refit the default on each split and compute :func:`agreement` on its first evaluation.

    The first evaluation set is mfeat's balanced held-out fold and ROSMAP's untouched one.

    Parameters
    ----------
    settings : sequence of (spec, first split, n splits, tail size)
        As :data:`SETTINGS`.
    quick : bool, default=False
        Two epochs.

    Returns
    -------
    rows : list of dict
        One per split: ``setting``, ``split``, ``eval`` (the evaluation set, the untouched
        or balanced fold) and :func:`agreement`'s keys.
    """
    spec = resolve_methods([DEFAULT])[DEFAULT]
    torch.set_num_threads(1)
    rows = []
    for setting_spec, first, n_splits, tail_size in settings:
        setting = like_for_like_setting(setting_spec)
        for _, split in settings_splits([(setting, n_splits)], first):
            est = clone(build_method(DEFAULT, spec, setting.layout, split.index,
                                     len(split.y_train), quick))
            torch.manual_seed(split.index)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                est.fit(split.X_train, split.y_train)
            name, (X, y) = next(iter(split.evals.items()))
            classes = est.classes_
            counts = np.bincount(np.searchsorted(classes, split.y_train),
                                 minlength=len(classes))
            tail = np.argsort(counts, kind="stable")[:tail_size].tolist()
            stats = agreement(member_logits_of(est, X),
                              np.searchsorted(classes, y), tail)
            rows.append({"setting": setting.name, "split": split.index, "eval": name,
                         "tail_train_counts": [int(counts[c]) for c in tail], **stats})
            print(f"{setting.name} #{split.index}: {stats['ensemble_tail_fp']} tail false "
                  f"positives, votes {stats['votes_for_tail_fp']}", flush=True)
    return rows


def summarize(rows: Sequence[dict]) -> str:
    """A markdown table per setting of the quantities :func:`agreement` returns."""
    lines = ["| setting | splits | pairwise disagreement % | member vs ensemble % | "
             "ensemble / member accuracy % | ensemble tail FPs | of them predicted by ≥ 80 % "
             "of the members | member tail FPs (mean) | pools differ |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name in dict.fromkeys(row["setting"] for row in rows):
        part = [row for row in rows if row["setting"] == name]
        n_members = len(part[0]["member_tail_fp"])
        votes = [v for row in part for v in row["votes_for_tail_fp"]]
        strong = sum(v >= 0.8 * n_members for v in votes)
        lines.append(
            f"| {name} | {len(part)} "
            f"| {100 * np.mean([r['pairwise_disagreement'] for r in part]):.1f} "
            f"| {100 * np.mean([r['member_vs_ensemble'] for r in part]):.1f} "
            f"| {100 * np.mean([r['ensemble_accuracy'] for r in part]):.1f} / "
            f"{100 * np.mean([r['member_accuracy'] for r in part]):.1f} "
            f"| {sum(r['ensemble_tail_fp'] for r in part)} | {strong} "
            f"| {np.mean([np.mean(r['member_tail_fp']) for r in part]):.1f} "
            f"| {sum(r['pools_differ'] for r in part)} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the diagnostic and write ``member_agreement.json`` and ``.md`` under ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="member_agreement")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    settings = (("mfeat:100", 460, 1, 3),) if args.quick else SETTINGS
    start = time.perf_counter()
    rows = run(settings, quick=args.quick)
    result = {"settings": [list(s) for s in settings], "quick": args.quick,
              "machine": machine_info(), "seconds": round(time.perf_counter() - start, 1),
              "rows": rows}
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "member_agreement.json"), "w") as fh:
        json.dump(result, fh, indent=1)
    with open(os.path.join(args.out, "member_agreement.md"), "w") as fh:
        fh.write("# Member agreement of the default's ensemble\n\n"
                 f"    python benchmarks/member_agreement.py --out {args.out}"
                 f"{' --quick' if args.quick else ''}\n\n{summarize(rows)}")
    return result


if __name__ == "__main__":
    main()
