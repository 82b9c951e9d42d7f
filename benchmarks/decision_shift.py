"""How much of each column can a shift of the default's decision buy? A diagnostic, an oracle.

The default predicts the argmax of its balanced log-probabilities. This script adds
``tau * log(pi_c)`` to them (``pi`` the training fold's class shares, in the order of the
record's ``classes``): ``tau = 1`` is the rule for a test that keeps the training ratio,
``tau < 0`` leans further toward the rare classes. For every ``tau`` of :data:`TAUS` it
scores every column from the shifted predictions, the expected evaluations as the runner
scores them, and reports the mean paired difference to ``tau = 0`` (``docs/research.md``,
the diagnostic after the lever summary, written before its fits). ``tau`` is read off the
test folds: nothing may be chosen from it.

The records come from ``benchmarks/like_for_like.py --store-log-proba``; the splits are
rebuilt from the same setting specs and first split, and ``tau = 0`` must give back every
stored score (the log-probabilities are rounded to 4 decimals; a prediction that the
rounding flips is counted and reported).

Usage (the diagnostic in research.md)::

    python benchmarks/decision_shift.py --records OUT/like_for_like.records.jsonl \\
        --settings rosmap:5 rosmap:10 mfeat:10 mfeat:100 synthetic:10 \\
        --first-split 665 --splits 10 --out benchmarks/results/decision_shift
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from climd_sklearn.benchmark._data import DEFAULT_ROSMAP, Split
from climd_sklearn.benchmark._like_for_like_settings import resolve_settings, settings_splits
from climd_sklearn.benchmark._records import load_records
from climd_sklearn.benchmark._runner import score
from climd_sklearn.benchmark._subsample import expected_scores

METHOD = "CLIMD (default)"
#: The shifts scored: 0 is the default's own decision.
TAUS = (-0.5, -0.25, -0.1, 0.0, 0.1, 0.25, 0.5, 0.75, 1.0)
#: The single draws that an expected evaluation replaces in the tables (not reported).
SINGLE_DRAWS = ("matched", "long-tailed")


def shifted_predictions(
    record: Mapping[str, Any], split: Split, tau: float
) -> dict[str, np.ndarray]:
    """The record's predictions with ``tau * log(pi_c)`` added to its log-probabilities.

    Parameters
    ----------
    record : mapping
        A record with ``classes`` and ``log_proba`` ({eval: rows}).
    split : Split
        Its split; ``pi`` is the share of each class in ``split.y_train``.
    tau : float
        The shift's weight.

    Returns
    -------
    predictions : dict of str to ndarray
        ``{eval: predicted labels}``.

    Raises
    ------
    ValueError
        If a class of the record is absent from the training fold.
    """
    classes = np.asarray(record["classes"])
    counts = np.array([np.sum(split.y_train == c) for c in classes], dtype=float)
    if np.any(counts == 0):
        raise ValueError(f"{record['setting']} split {record['split']}: class "
                         f"{classes[counts == 0][0].item()!r} has no training sample.")
    shift = tau * np.log(counts / counts.sum())
    return {ev: classes[np.argmax(np.asarray(rows) + shift, axis=1)]
            for ev, rows in record["log_proba"].items()}


def shifted_scores(
    record: Mapping[str, Any], split: Split, tau: float
) -> dict[str, float]:
    """Macro F1 of every evaluation of the record's split under the shifted decision."""
    return _macro_f1(split, shifted_predictions(record, split, tau))


def _macro_f1(split: Split, predictions: Mapping[str, np.ndarray]) -> dict[str, float]:
    """Macro F1 of every evaluation of ``split``, the expected ones included."""
    scores = {ev: score(y, predictions[ev]) for ev, (_, y) in split.evals.items()}
    scores.update(expected_scores(split, predictions))
    return {ev: s["f1_macro"] for ev, s in scores.items()}


def analyze(
    records: Sequence[Mapping[str, Any]], splits: Mapping[tuple[str, int], Split],
    taus: Sequence[float] = TAUS,
) -> dict[str, Any]:
    """Every column's macro F1 at every ``tau``, and its paired difference to ``tau = 0``.

    Parameters
    ----------
    records : sequence of mapping
        Records of :data:`METHOD` with stored log-probabilities.
    splits : mapping
        ``(setting name, split index) -> Split``.
    taus : sequence of float, default=TAUS
        Must include 0.

    Returns
    -------
    result : dict
        ``columns``: ``{"setting / eval": {tau: {"mean", "delta"}}}`` in percent and
        points, ``n_splits`` per setting, ``flipped``: the predictions at ``tau = 0`` that
        differ from the stored ones (the rounding of the log-probabilities).

    Raises
    ------
    ValueError
        If ``taus`` lacks 0, or a record has no log-probabilities or no split.
    """
    if 0.0 not in taus:
        raise ValueError(f"taus must include 0 (the default's decision), got {list(taus)}")
    per_column: dict[str, dict[float, list[float]]] = {}
    n_splits: dict[str, int] = {}
    flipped = 0
    for rec in records:
        if "log_proba" not in rec:
            raise ValueError(f"{rec['setting']} split {rec['split']}: the record has no "
                             "log-probabilities (fit with --store-log-proba).")
        split = splits.get((rec["setting"], rec["split"]))
        if split is None:
            raise ValueError(f"{rec['setting']} split {rec['split']}: no such split among "
                             "the settings given.")
        n_splits[rec["setting"]] = n_splits.get(rec["setting"], 0) + 1
        for tau in taus:
            predictions = shifted_predictions(rec, split, tau)
            if tau == 0.0:
                flipped += sum(int(np.sum(predictions[ev] != np.asarray(rec["predictions"][ev])))
                               for ev in predictions)
            for ev, f1 in _macro_f1(split, predictions).items():
                if ev not in SINGLE_DRAWS:
                    per_column.setdefault(f"{rec['setting']} / {ev}", {}).setdefault(
                        tau, []).append(100 * f1)
    columns = {
        column: {tau: {"mean": float(np.mean(values)),
                       "delta": float(np.mean(np.subtract(values, by_tau[0.0])))}
                 for tau, values in by_tau.items()}
        for column, by_tau in per_column.items()}
    return {"columns": columns, "n_splits": n_splits, "flipped": flipped,
            "taus": list(taus)}


def markdown(result: Mapping[str, Any]) -> str:
    """The report: one row per column, its mean at tau = 0 and its difference at each tau."""
    taus = result["taus"]
    lines = ["# The default's decision shifted by tau * log(training prior), an oracle", "",
             "Macro F1 (%) of the default at tau = 0 and the mean paired difference (points) "
             "at each tau; tau read off the test folds, nothing chosen from it "
             "(`benchmarks/decision_shift.py`, docs/research.md). Splits per setting: "
             + ", ".join(f"{s} {n}" for s, n in result["n_splits"].items())
             + f". Predictions at tau = 0 that the stored log-probabilities' rounding "
             f"flipped: {result['flipped']}.", "",
             "| column | tau = 0 | " + " | ".join(f"{t:+g}" for t in taus if t != 0) + " |",
             "| --- | --- | " + " | ".join("---" for t in taus if t != 0) + " |"]
    for column, by_tau in result["columns"].items():
        lines.append(f"| {column} | {by_tau[0.0]['mean']:.1f} | " + " | ".join(
            f"{by_tau[t]['delta']:+.2f}" for t in taus if t != 0) + " |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Rebuild the splits, score every tau, and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", required=True, help="a records file with log_proba")
    parser.add_argument("--settings", nargs="+", required=True, help="the run's setting specs")
    parser.add_argument("--first-split", type=int, default=0)
    parser.add_argument("--splits", type=int, required=True)
    parser.add_argument("--rosmap", default=DEFAULT_ROSMAP, help="ROSMAP, MOGONET layout")
    parser.add_argument("--out", required=True, help="the folder the report is written to")
    args = parser.parse_args(argv)
    records = [r for r in load_records(args.records) if r["method"] == METHOD]
    if not records:
        raise SystemExit(f"No record of {METHOD!r} in {args.records!r}.")
    splits = {(setting.name, split.index): split for setting, split in settings_splits(
        resolve_settings(args.settings, args.splits, args.rosmap), args.first_split)}
    result = analyze(records, splits)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "decision_shift.json"), "w") as fh:
        json.dump({**result, "columns": {c: {str(t): v for t, v in by_tau.items()}
                                         for c, by_tau in result["columns"].items()}},
                  fh, indent=1)
    with open(os.path.join(args.out, "decision_shift.md"), "w") as fh:
        fh.write(markdown(result))
    print(markdown(result))
    return result


if __name__ == "__main__":
    main()
