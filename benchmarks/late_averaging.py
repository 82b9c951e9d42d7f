"""Averaging the default's late epochs, in weight space and in function space (round 47).

One fit of the default per split is read three ways, so the three readouts are paired
exactly (the same trajectory, the same seed):

- *CLIMD (default)*: the last epoch's weights, what ``CLIMDClassifier()`` predicts with;
- *weight averaging*: the mean of the weights of the epochs after the first ``start``
  fraction (epochs 23-30 with ``start=0.75``), what ``weight_averaging=start`` computes
  (:class:`~climd_sklearn.training.WeightAveraging`; research rounds 28 and 32-34);
- *snapshot averaging*: the mean of the predicted probabilities of the networks of those
  same epochs (a snapshot ensemble in function space; Huang et al. 2017). By Jensen's
  inequality its log-loss is at most the mean of the snapshots' log-losses, which a mean
  of weights does not promise when the epochs train under different class priors, as the
  curriculum's last epochs do.

Usage (the screen of ``docs/research.md``, round 47; two processes may share ``--out``)::

    python benchmarks/late_averaging.py --rosmap ../shared/data/ROSMAP --only main
    python benchmarks/late_averaging.py --rosmap ../shared/data/ROSMAP --only wide

``--quick`` runs one split of the synthetic set with four epochs (a smoke test).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import clone
from skorch.callbacks import Callback

from climd_sklearn.benchmark._data import DEFAULT_ROSMAP
from climd_sklearn.benchmark._like_for_like_methods import build_method, resolve_methods
from climd_sklearn.benchmark._like_for_like_settings import like_for_like_setting, settings_splits
from climd_sklearn.benchmark._records import _append_line, load_records
from climd_sklearn.benchmark._runner import machine_info, score
from climd_sklearn.benchmark._stats import average_ranks, holm, wilcoxon_p
from climd_sklearn.benchmark._subsample import expected_scores

DEFAULT = "CLIMD (default)"
WEIGHTS = "weight averaging"
SNAPSHOTS = "snapshot averaging"
READOUTS = (DEFAULT, WEIGHTS, SNAPSHOTS)

#: Block set -> (setting spec, first split, number of splits): splits no table had fitted
#: (the main table uses ROSMAP 0-24 and the others 0-14; the screens up to round 44 went to
#: ROSMAP 274, the others 164 and the wide set 118).
BLOCKS: dict[str, tuple[tuple[str, int, int], ...]] = {
    "main": (("rosmap:1", 275, 25), ("rosmap:5", 275, 25), ("rosmap:10", 275, 25),
             ("synthetic:10", 165, 15), ("mfeat:10", 165, 15), ("mfeat:100", 165, 15)),
    "wide": (("rosmap_wide:5", 119, 25), ("rosmap_wide:10", 119, 25)),
}

#: The smoke test's one block set (``--quick``).
QUICK_BLOCKS: dict[str, tuple[tuple[str, int, int], ...]] = {"quick": (("synthetic:10", 0, 1),)}


class LateSnapshots(Callback):
    """Keep a copy of the module's weights at the end of every epoch after ``start``.

    The same epochs as :class:`~climd_sklearn.training.WeightAveraging` (epoch ``e`` of a
    fit, 1-based, is kept when ``e > floor(start * max_epochs)``); the training itself is
    left alone.

    Parameters
    ----------
    start : float, default=0.75
        The fraction of ``max_epochs`` after which the epochs are kept.

    Attributes
    ----------
    snapshots_ : list of dict
        The kept state dicts, oldest first.
    """

    def __init__(self, start: float = 0.75) -> None:
        self.start = start

    def on_train_begin(self, net: Any, **kwargs: Any) -> None:
        """Start a new list at this fit's first epoch."""
        self.snapshots_: list[dict[str, Any]] = []
        self._first_epoch = len(net.history)

    def on_epoch_end(self, net: Any, **kwargs: Any) -> None:
        """Keep this epoch's weights once past the ``start`` fraction."""
        if len(net.history) - self._first_epoch > math.floor(self.start * net.max_epochs):
            self.snapshots_.append({name: tensor.detach().clone()
                                    for name, tensor in net.module_.state_dict().items()})


def readout_predictions(pipeline: Any, evals: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The three readouts' predicted labels on each evaluation set, from one fitted pipeline.

    Parameters
    ----------
    pipeline : Pipeline
        Fitted, its last step a ``CLIMDClassifier`` trained with a :class:`LateSnapshots`
        callback named ``"snapshots"``.
    evals : mapping
        ``{eval name: (X, y)}``.

    Returns
    -------
    predictions : dict
        ``{readout: {eval name: labels}}``; the module is left with its last weights.
    """
    clf = pipeline.steps[-1][1]
    module = clf.net_.module_
    snapshots = dict(clf.net_.callbacks_)["snapshots"].snapshots_
    if not snapshots:
        raise ValueError("the fit kept no snapshot: start leaves no epoch to average")
    last = {name: tensor.clone() for name, tensor in module.state_dict().items()}
    out = {DEFAULT: {ev: pipeline.predict(X) for ev, (X, _) in evals.items()}}
    # the running mean that torch.optim.swa_utils.AveragedModel computes, in its order
    mean = {name: snapshots[0][name].clone() for name in last}
    for k, snap in enumerate(snapshots[1:], start=2):
        for name in mean:
            mean[name] += (snap[name] - mean[name]) / k
    module.load_state_dict(mean)
    out[WEIGHTS] = {ev: pipeline.predict(X) for ev, (X, _) in evals.items()}
    proba = {ev: 0.0 for ev in evals}
    for snap in snapshots:
        module.load_state_dict(snap)
        for ev, (X, _) in evals.items():
            proba[ev] = proba[ev] + pipeline.predict_proba(X)
    out[SNAPSHOTS] = {ev: clf.classes_[np.argmax(p, axis=1)] for ev, p in proba.items()}
    module.load_state_dict(last)
    return out


def split_records(spec: str, setting: Any, split: Any, start: float,
                  quick: bool) -> list[dict[str, Any]]:
    """Fit the default once on one split and score its three readouts.

    Parameters
    ----------
    spec : str
        The setting spec, recorded.
    setting : Setting
        Its layout is used.
    split : Split
        The split.
    start : float
        See :class:`LateSnapshots`.
    quick : bool
        Four epochs instead of the default's.

    Returns
    -------
    records : list of dict
        One per readout: scores (macro F1 and the rest, the expected evaluations included),
        the predictions, the training class counts and, per evaluation set, the
        :func:`tail_false_positives`.
    """
    import torch

    method_spec = resolve_methods([DEFAULT])[DEFAULT]
    pipeline = clone(build_method(DEFAULT, method_spec, setting.layout, split.index,
                                  len(split.y_train)))
    params: dict[str, Any] = {"callbacks": [("snapshots", LateSnapshots(start))]}
    if quick:
        params["max_epochs"] = 4
    pipeline.steps[-1][1].set_params(**params)
    torch.manual_seed(split.index)
    pipeline.fit(split.X_train, split.y_train)
    records = []
    for readout, predictions in readout_predictions(pipeline, split.evals).items():
        scores = {ev: score(y, predictions[ev]) for ev, (_, y) in split.evals.items()}
        scores.update(expected_scores(split, predictions))
        counts = np.bincount(split.y_train)
        records.append({
            "protocol": "quick" if quick else "full", "setting": spec, "split": split.index,
            "method": readout, "start": start, "scores": scores,
            "predictions": {ev: np.asarray(p).tolist() for ev, p in predictions.items()},
            "train_counts": counts.tolist(),
            "tail_false_positives": {ev: tail_false_positives(counts, predictions[ev], y)
                                     for ev, (_, y) in split.evals.items()}})
    return records


def tail_false_positives(train_counts: Sequence[int], y_pred: Sequence[int],
                         y_true: Sequence[int], n_tail: int = 3) -> int:
    """Samples of other classes predicted as one of the ``n_tail`` rarest training classes.

    Parameters
    ----------
    train_counts : sequence of int
        Training samples per class label.
    y_pred, y_true : sequence of int
        Predicted and true labels.
    n_tail : int, default=3
        How many of the rarest classes (by training count, ties by label) form the tail.

    Returns
    -------
    n : int
    """
    tail = np.argsort(-np.asarray(train_counts), kind="stable")[-n_tail:]
    pred, true = np.asarray(y_pred), np.asarray(y_true)
    return int(np.sum(np.isin(pred, tail) & (pred != true)))


def summarize(records: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    """The screen's table for one block set: means, paired tests and mean ranks.

    Only the splits with all three readouts count. Each candidate's differences to the
    default are tested per column (two-sided Wilcoxon), Holm over the columns.

    Parameters
    ----------
    records : sequence of dict
        From :func:`split_records`.
    columns : sequence of (str, str)
        (setting spec, evaluation) in the table's order.

    Returns
    -------
    markdown : str
    """
    by = {(r["setting"], r["split"], r["method"]): r for r in records}
    cells = {}  # column -> {readout: [macro F1 per split]}
    for spec, ev in columns:
        splits = sorted({s for (sp, s, _) in by if sp == spec
                         and all((spec, s, m) in by for m in READOUTS)})
        if splits:
            cells[spec, ev] = {m: [by[spec, s, m]["scores"][ev]["f1_macro"] for s in splits]
                               for m in READOUTS}
    if not cells:
        return "(no complete split yet)\n"
    blocks = np.array([[cells[c][m][i] for m in READOUTS]
                       for c in cells for i in range(len(cells[c][DEFAULT]))])
    ranks = average_ranks(blocks).mean(axis=0)
    pair_ranks = {m: average_ranks(blocks[:, [0, READOUTS.index(m)]]).mean(axis=0)[1]
                  for m in READOUTS[1:]}
    head = " | ".join(f"{spec} {ev} (n = {len(v[DEFAULT])})" for (spec, ev), v in cells.items())
    lines = [f"| | {head} | mean rank (of 3) | mean rank against the default (of 2) |",
             "| --- " * (len(cells) + 3) + "|"]
    tests = {}
    for m in READOUTS[1:]:
        diffs = [100 * (np.array(v[m]) - np.array(v[DEFAULT])) for v in cells.values()]
        tests[m] = (diffs, holm([wilcoxon_p(d) for d in diffs]))
    for j, m in enumerate(READOUTS):
        row = []
        for i, v in enumerate(cells.values()):
            text = f"{100 * np.mean(v[m]):.1f}"
            if m != DEFAULT:
                d, p = tests[m][0][i], tests[m][1][i]
                text += (f" ({np.mean(d):+.1f}, {int(np.sum(d > 0))}/{int(np.sum(d < 0))}"
                         + (f", p {p:.3f}" if p < 0.2 else "") + ")")
            row.append(text)
        paired = f"{pair_ranks[m]:.3f}" if m != DEFAULT else "—"
        lines.append(f"| {m} | " + " | ".join(row) + f" | {ranks[j]:.3f} | {paired} |")
    lines += ["", f"N = {len(blocks)} blocks. In brackets: the mean paired difference to the "
              "default in points, wins/losses over the splits, and the Wilcoxon p, Holm over "
              "the columns, where below 0.2.", ""]
    return "\n".join(lines)


def tail_summary(records: Sequence[Mapping[str, Any]], spec: str,
                 evaluation: str = "balanced") -> str:
    """The mean :func:`tail_false_positives` per fold of each readout on one setting.

    Parameters
    ----------
    records : sequence of dict
        From :func:`split_records`.
    spec : str
        The setting spec.
    evaluation : str, default="balanced"
        The evaluation set counted.

    Returns
    -------
    line : str
        Markdown, or ``""`` without a complete split.
    """
    by = {(r["split"], r["method"]): r["tail_false_positives"][evaluation]
          for r in records if r["setting"] == spec}
    splits = sorted({s for s, _ in by if all((s, m) in by for m in READOUTS)})
    if not splits:
        return ""
    counts = {m: np.array([by[s, m] for s in splits]) for m in READOUTS}
    parts = [f"{DEFAULT} {counts[DEFAULT].mean():.2f}"]
    for m in READOUTS[1:]:
        d = counts[m] - counts[DEFAULT]
        parts.append(f"{m} {counts[m].mean():.2f} (fewer on {int(np.sum(d < 0))}, more on "
                     f"{int(np.sum(d > 0))} of {len(splits)} splits)")
    return (f"False positives into the three rarest classes per {evaluation} fold of {spec}: "
            + "; ".join(parts) + ".\n")


def main(argv: Sequence[str] | None = None) -> str:
    """Run the screen (or its smoke test) and write its records and tables.

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
    parser.add_argument("--out", default="benchmarks/results/late_averaging")
    parser.add_argument("--only", choices=list(BLOCKS),
                        help="fit this block set only (processes may share --out)")
    parser.add_argument("--start", type=float, default=0.75)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "records.jsonl")
    protocol = "quick" if args.quick else "full"
    tables = QUICK_BLOCKS if args.quick else BLOCKS
    blocks = tables if args.quick else {
        name: sets for name, sets in tables.items() if args.only in (None, name)}
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for sets in blocks.values():
            for spec, first, n in sets:
                done = {(r["setting"], r["split"]) for r in load_records(path, protocol)}
                setting = like_for_like_setting(spec, args.rosmap)
                for _, split in settings_splits([(setting, n)], first):
                    if (spec, split.index) not in done:
                        for rec in split_records(spec, setting, split, args.start, args.quick):
                            _append_line(path, rec)
                        print(f"{spec} #{split.index}", flush=True)
    records = load_records(path, protocol)
    command = ("python benchmarks/late_averaging.py --quick" if args.quick else
               "python benchmarks/late_averaging.py --rosmap ../shared/data/ROSMAP --only "
               "main  # and --only wide, in a second process sharing --out")
    parts = [f"# Averaging the default's late epochs (research round 47)\n\nCommand: "
             f"`{command}`. A rerun fits only the splits missing from the records. Ran on: "
             f"{json.dumps(machine_info())}.\n"]
    long_tailed = ("balanced", "long-tailed, expected")
    evaluations = {"rosmap:1": ("untouched",), "synthetic:10": long_tailed,
                   "mfeat:10": long_tailed, "mfeat:100": long_tailed}
    for name, sets in tables.items():
        columns = [(spec, ev) for spec, _, _ in sets
                   for ev in evaluations.get(spec, ("untouched", "matched, expected"))]
        parts += [f"## {name}\n", summarize(records, columns),
                  *(tail_summary(records, spec) for spec, _, _ in sets
                    if spec.startswith("mfeat"))]
    markdown = "\n".join(parts)
    with open(os.path.join(args.out, "late_averaging.md"), "w") as fh:
        fh.write(markdown)
    print(markdown)
    return markdown


if __name__ == "__main__":
    main()
