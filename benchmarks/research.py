"""Levers toward a default that wins on imbalanced data (docs/research.md).

Each lever is a CLIMDClassifier variant run on the comparison benchmark's own splits, next to
the controls (random order, no curriculum) and the strongest anchors, so that a gain can be
credited to the lever and not to the schedule or the heads. Nothing is chosen on test data:
every variant's settings are fixed in advance here.

    python benchmarks/research.py --round 3 --out benchmarks/results/research   # one round
    python benchmarks/research.py --quick --out /tmp/r                          # smoke test
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

import torch
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import EarlyStopping

from climd_sklearn import CLIMDClassifier
from climd_sklearn.benchmark import (
    ProgressLine,
    aggregate,
    fit_and_score,
    get_method,
    make_setting,
    modality_columns,
    write_results,
)

#: Shared by every CLIMDClassifier variant (the benchmark's "fast" regime).
BASE = {"lr": 1e-3, "max_epochs": 30, "batch_size": 32}

#: name -> CLIMDClassifier parameters on top of BASE.
VARIANTS: dict[str, dict[str, Any]] = {
    "CE": {"curriculum": None, "aux_weight": 0.0},
    "CE + LA": {"curriculum": None, "aux_weight": 0.0, "logit_adjustment": 1.0},
    "CLIMD": {"curriculum": "climd"},
    "CLIMD + LA": {"curriculum": "climd", "logit_adjustment": 1.0},
    "CLIMD + BS": {"curriculum": "climd", "loss": "balanced_softmax"},
    "CLIMD + BS, random order": {"curriculum": "climd", "loss": "balanced_softmax",
                                 "order": "random"},
    "CLIMD + BS, asc": {"curriculum": "climd", "loss": "balanced_softmax", "order": "asc"},
    "Heads + BS, no curriculum": {"curriculum": None, "loss": "balanced_softmax"},
}

_ES = {"validation_fraction": 0.2, "max_epochs": 100, "curriculum_epochs": 20,
       "callbacks": [("early_stop", EarlyStopping(monitor="valid_f1_macro", patience=10,
                                                  lower_is_better=False, load_best=True))]}
_REG = {"weight_decay": 1e-2, "dropout": 0.5}

#: Round 2: the nets memorise the training set, so regularise or stop early.
VARIANTS.update({
    "Heads + BS + reg": {"curriculum": None, "loss": "balanced_softmax", **_REG},
    "CLIMD asc + BS + reg": {"curriculum": "climd", "order": "asc", "loss": "balanced_softmax",
                             **_REG},
    "Heads + BS + ES": {"curriculum": None, "loss": "balanced_softmax", **_ES},
    "CLIMD asc + BS + ES": {"curriculum": "climd", "order": "asc", "loss": "balanced_softmax",
                            **_ES},
    "CLIMD desc + BS + ES": {"curriculum": "climd", "loss": "balanced_softmax", **_ES},
    "CLIMD random + BS + ES": {"curriculum": "climd", "order": "random",
                               "loss": "balanced_softmax", **_ES},
})
#: Round 3: combine what helped, and check the regularised variants on mfeat.
VARIANTS.update({
    "Heads + BS + reg + ES": {"curriculum": None, "loss": "balanced_softmax", **_REG, **_ES},
    "CLIMD asc + BS + reg + ES": {"curriculum": "climd", "order": "asc",
                                  "loss": "balanced_softmax", **_REG, **_ES},
    "CLIMD asc + BS + reg + LA": {"curriculum": "climd", "order": "asc",
                                  "loss": "balanced_softmax", "logit_adjustment": 1.0, **_REG},
    "CLIMD random + BS + reg": {"curriculum": "climd", "order": "random",
                                "loss": "balanced_softmax", **_REG},
})

#: Round 5: the curriculum's own levers (cause 2 of the issue): warm-up and score averaging.
_CL = {"curriculum": "climd", "loss": "balanced_softmax", **_REG}
VARIANTS.update({
    "CLIMD desc + BS + reg": {**_CL},
    "CLIMD asc + BS + reg + EMA": {**_CL, "order": "asc", "score_momentum": 0.9},
    "CLIMD asc + BS + reg + warm-up": {**_CL, "order": "asc", "warmup_epochs": 5},
    "CLIMD desc + BS + reg + warm-up + EMA": {**_CL, "warmup_epochs": 5,
                                             "score_momentum": 0.9},
    "CLIMD asc + BS + reg + warm-up + EMA": {**_CL, "order": "asc", "warmup_epochs": 5,
                                            "score_momentum": 0.9},
})

#: Round 6: choose the prior correction and the weight decay by inner CV on training data.
VARIANTS["CLIMD asc + BS, inner-CV LA / wd"] = {
    **_CL, "order": "asc", "grid": {"logit_adjustment": [0.0, 1.0], "weight_decay": [0.0, 1e-2]}}

#: Registered benchmark methods run alongside, with the "fast" regime's lr and epochs.
ANCHORS = ("Weighted CE", "RUS", "LogReg (balanced)", "RUS + MLP")

SETTINGS = ("rosmap:1", "rosmap:5", "rosmap:10", "mfeat:100")
_ROSMAP = ("rosmap:1", "rosmap:5", "rosmap:10")

#: The recorded rounds of docs/research.md: round -> (settings, variants, anchors).
ROUNDS: dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    1: (SETTINGS, ("CE", "CE + LA", "CLIMD", "CLIMD + LA", "CLIMD + BS",
                   "CLIMD + BS, random order", "CLIMD + BS, asc", "Heads + BS, no curriculum"),
        ANCHORS),
    2: (_ROSMAP, ("Heads + BS + reg", "CLIMD asc + BS + reg", "Heads + BS + ES",
                  "CLIMD asc + BS + ES", "CLIMD desc + BS + ES", "CLIMD random + BS + ES"), ()),
    3: (_ROSMAP, ("Heads + BS + reg + ES", "CLIMD asc + BS + reg + ES",
                  "CLIMD asc + BS + reg + LA", "CLIMD random + BS + reg"), ()),
    4: (("mfeat:100",), ("Heads + BS + reg", "CLIMD asc + BS + reg",
                         "CLIMD asc + BS + reg + LA", "CLIMD random + BS + reg"), ("SMOTE",)),
    5: (SETTINGS, ("CLIMD desc + BS + reg", "CLIMD asc + BS + reg + EMA",
                   "CLIMD asc + BS + reg + warm-up", "CLIMD desc + BS + reg + warm-up + EMA",
                   "CLIMD asc + BS + reg + warm-up + EMA"), ()),
    6: (SETTINGS, ("CLIMD asc + BS, inner-CV LA / wd",), ()),
}


def _variant(layout: dict[str, int], params: dict[str, Any], seed: int) -> Any:
    """The variant's pipeline; a ``"grid"`` entry wraps it in an inner-CV search."""
    params = dict(params)
    grid = params.pop("grid", None)
    clf = CLIMDClassifier(modalities=modality_columns(layout), random_state=seed,
                          **{**BASE, **params})
    pipe = Pipeline([("scale", StandardScaler()), ("clf", clf)])
    if grid is None:
        return pipe
    cv = StratifiedKFold(3, shuffle=True, random_state=seed)
    return GridSearchCV(pipe, {f"clf__{k}": v for k, v in grid.items()}, cv=cv,
                        scoring="f1_macro", error_score="raise")


def run(settings: Sequence[str], variants: Sequence[str], anchors: Sequence[str],
        n_splits: int, overrides: dict[str, Any]) -> list[dict[str, Any]]:
    """Fit every variant and anchor on every split; return the benchmark's records.

    Parameters
    ----------
    settings : sequence of str
        Setting specs for :func:`climd_sklearn.benchmark.make_setting`.
    variants : sequence of str
        Keys of :data:`VARIANTS`.
    anchors : sequence of str
        Registered benchmark method names.
    n_splits : int
        Splits per setting.
    overrides : dict
        Replaces BASE values (used by ``--quick``).

    Returns
    -------
    records : list of dict
        One per (setting, split, method, evaluation).
    """
    records: list[dict[str, Any]] = []
    bar = ProgressLine(len(settings) * n_splits * (len(variants) + len(anchors)))
    for spec in settings:
        setting = make_setting(spec)
        for split in setting.splits(n_splits):
            builds = [(v, _variant(setting.layout, {**VARIANTS[v], **overrides}, split.index))
                      for v in variants]
            params = {"lr": BASE["lr"], "max_epochs": BASE["max_epochs"], "gamma": 0.3,
                      **overrides}
            builds += [(a, get_method(a).build(setting.layout, params, split.index))
                       for a in anchors]
            for name, est in builds:
                records += fit_and_score(est, setting.name, split, name, "fast")
                bar.update(f"{setting.name} #{split.index} {name}")
    return records


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the research experiments and write ``research.json`` / ``research.md``.

    Parameters
    ----------
    argv : sequence of str or None
        Command-line arguments.

    Returns
    -------
    payload : dict
        ``{"records": ..., "summary": ...}``.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round", type=int, choices=sorted(ROUNDS),
                        help="rerun one recorded round (its settings, variants and anchors)")
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS))
    parser.add_argument("--variants", nargs="+", default=list(ROUNDS[1][1]))
    parser.add_argument("--anchors", nargs="*", default=list(ANCHORS))
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1 split, 2 epochs, ROSMAP IR 5")
    parser.add_argument("--out", default="benchmarks/results")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    name = "research"
    if args.round is not None:
        args.settings, args.variants, args.anchors = map(list, ROUNDS[args.round])
        name = f"round{args.round}"
    overrides: dict[str, Any] = {}
    if args.quick:
        overrides = {"max_epochs": 2}
        args.splits, args.settings = 1, ["synthetic:10"]
    records = run(args.settings, args.variants, args.anchors, args.splits, overrides)
    rows = aggregate(records, reference="CLIMD")
    config = {"settings": args.settings, "variants": {v: repr(VARIANTS[v]) for v in args.variants},
              "anchors": args.anchors, "base": BASE, "overrides": overrides,
              "splits": args.splits, "command": "python " + " ".join(sys.argv)}
    write_results(args.out, name, records, rows, config)
    return {"records": records, "summary": rows}


if __name__ == "__main__":
    main()
