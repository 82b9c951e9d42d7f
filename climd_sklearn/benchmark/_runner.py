"""Run settings x splits x methods, score, aggregate, test and write the results."""

from __future__ import annotations

import json
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from ._data import Setting, Split
from ._methods import REGIMES, get_method

__all__ = [
    "METRICS",
    "ProgressLine",
    "aggregate",
    "cpu_model",
    "machine_info",
    "paired_wilcoxon",
    "run_benchmark",
    "score",
    "summary_markdown",
    "write_results",
]

#: Metric name -> display label.
METRICS = {"accuracy": "ACC", "f1_weighted": "weighted F1", "f1_macro": "macro F1"}


def score(y_true: Any, y_pred: Any) -> dict[str, float]:
    """Accuracy, weighted F1 and macro F1.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels.

    Returns
    -------
    scores : dict of str to float
        Keys of :data:`METRICS`, values in [0, 1].
    """
    labels = np.unique(y_true)
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "f1_weighted": float(f1_score(y_true, y_pred, average="weighted", labels=labels,
                                      zero_division=0)),
        "f1_macro": float(f1_score(y_true, y_pred, average="macro", labels=labels,
                                   zero_division=0)),
    }


def paired_wilcoxon(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided Wilcoxon signed-rank p-value of paired samples ``a`` and ``b``.

    Zero differences are split between the signs (``zero_method="zsplit"``). Identical
    samples give ``1.0``; fewer than two pairs give NaN.

    Parameters
    ----------
    a, b : sequence of float
        Paired scores (the same splits in the same order).

    Returns
    -------
    p_value : float
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size < 2:
        return float("nan")
    d = a - b
    if np.allclose(d, 0.0):
        return 1.0
    from scipy.stats import wilcoxon

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(wilcoxon(d, zero_method="zsplit").pvalue)


class ProgressLine:
    """A one-line text progress bar on stderr (no tqdm needed).

    Parameters
    ----------
    total : int
        Number of steps.
    stream : file-like or None, default=None
        Where to write; None means ``sys.stderr``.
    enabled : bool, default=True
        False writes nothing.
    """

    def __init__(self, total: int, stream: Any = None, enabled: bool = True) -> None:
        self.total = max(1, int(total))
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.start = time.perf_counter()

    def update(self, label: str = "") -> None:
        """Advance one step and redraw.

        Parameters
        ----------
        label : str
            What was just finished.
        """
        self.done += 1
        if not self.enabled:
            return
        frac = self.done / self.total
        bar = "#" * int(24 * frac)
        elapsed = time.perf_counter() - self.start
        eta = elapsed / frac - elapsed
        line = (f"\r[{bar:<24}] {self.done}/{self.total} {elapsed:6.0f}s "
                f"eta {eta:5.0f}s {label[:50]:<50}")
        self.stream.write(line)
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def cpu_model() -> str:
    """The model name of this machine's CPU, as ``/proc/cpuinfo`` gives it.

    The fits of some data sets differ between CPU models (the TCGA cohorts; research.md, the
    diagnostic after the inner-CV test of the heads' loss), so a record stores the CPU it was
    fitted on.

    Returns
    -------
    cpu : str
        The first ``model name`` of ``/proc/cpuinfo``; where there is none,
        ``platform.processor()``, or ``"unknown"``.
    """
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict[str, Any]:
    """Facts about the machine the benchmark runs on.

    Returns
    -------
    info : dict
        nproc, CPU model, torch threads and versions.
    """
    import sklearn
    import skorch
    import torch

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "skorch": skorch.__version__,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "platform": platform.platform(),
    }


def _build(method_name: str, setting: Setting, regime: str, seed: int,
           overrides: Mapping[str, Any] | None, grid: Callable[[Any], dict] | None) -> Any:
    method = get_method(method_name)
    params = dict(REGIMES[regime]) if regime == "quick" or not method.own_defaults else {}
    params.update(overrides or {})
    est = method.build(setting.layout, params, seed)
    param_grid = grid(method) if grid is not None else method.grid
    if regime == "tuned" and param_grid:
        cv = StratifiedKFold(3, shuffle=True, random_state=seed)
        est = GridSearchCV(est, param_grid, cv=cv, scoring="f1_macro", n_jobs=1,
                           error_score="raise")
    return est


def fit_and_score(
    estimator: Any, setting_name: str, split: Split, method: str, regime: str
) -> list[dict[str, Any]]:
    """Fit a clone of ``estimator`` on one split and score it on each evaluation set.

    torch is seeded with the split index before the fit and warnings are silenced.

    Parameters
    ----------
    estimator : estimator
        Unfitted; it is cloned.
    setting_name : str
        Recorded as ``"setting"``.
    split : Split
        Training data and evaluation sets.
    method : str
        Recorded as ``"method"``.
    regime : str
        Recorded as ``"regime"``.

    Returns
    -------
    records : list of dict
        One per evaluation set: the metrics, the fit time and, for a search, the chosen
        parameters.
    """
    import torch

    est = clone(estimator)
    torch.manual_seed(split.index)
    records = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        est.fit(split.X_train, split.y_train)
        fit_time = time.perf_counter() - start
        best = getattr(est, "best_params_", None)
        for eval_name, (X_ev, y_ev) in split.evals.items():
            rec = {"setting": setting_name, "split": split.index, "method": method,
                   "eval": eval_name, "regime": regime, "fit_time": fit_time,
                   **score(y_ev, est.predict(X_ev))}
            if best is not None:
                rec["best_params"] = {k: float(v) for k, v in best.items()}
            records.append(rec)
    return records


def run_benchmark(
    settings: Sequence[Setting],
    methods: Sequence[str],
    *,
    n_splits: int = 5,
    regime: str = "paper",
    overrides: Mapping[str, Any] | None = None,
    grid: Callable[[Any], dict] | None = None,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Fit every method on every split of every setting and score every evaluation set.

    Hyperparameters come from the regime (fixed) or, for ``regime="tuned"``, from a
    ``GridSearchCV`` with an inner ``StratifiedKFold(3)`` on the training split only; the
    test split is never used to choose anything.

    Parameters
    ----------
    settings : sequence of Setting
        The data settings.
    methods : sequence of str
        Registered method names.
    n_splits : int, default=5
        Splits (seeds or folds) per setting.
    regime : {"paper", "tuned", "fast", "quick"}, default="paper"
        Hyperparameter regime.
    overrides : mapping or None, default=None
        Replaces regime values (``lr``, ``max_epochs``, ``gamma``).
    grid : callable or None, default=None
        ``grid(method)`` gives the parameter grid of the tuned regime instead of
        ``method.grid`` (used to shrink the search in quick runs).
    progress : bool, default=True
        Draw a progress line on stderr.
    log : callable or None, default=None
        Called with a line after each fit.

    Returns
    -------
    records : list of dict
        One per (setting, split, method, evaluation) with the metrics, the fit time and, for
        the tuned regime, the chosen parameters.
    """

    if regime not in REGIMES:
        raise ValueError(f"Unknown regime {regime!r}; known: {list(REGIMES)}")
    for name in methods:
        get_method(name)
    records: list[dict[str, Any]] = []
    bar = ProgressLine(len(settings) * n_splits * len(methods), enabled=progress)
    for setting in settings:
        for split in setting.splits(n_splits):
            for name in methods:
                est = _build(name, setting, regime, split.index, overrides, grid)
                records += fit_and_score(est, setting.name, split, name, regime)
                bar.update(f"{setting.name} #{split.index} {name}")
                if log is not None:
                    last = records[-1]
                    log(f"{setting.name} split {split.index} {name}: "
                        f"macro F1 {last['f1_macro']:.3f} ({last['fit_time']:.1f}s)")
    return records


def _ref_for(method: str, reference: str | Mapping[str, str] | None) -> str | None:
    if reference is None:
        return None
    if isinstance(reference, str):
        return reference if method != reference else None
    return reference.get(method)


def aggregate(
    records: Sequence[Mapping[str, Any]],
    reference: str | Mapping[str, str] | None = "CLIMD",
) -> list[dict[str, Any]]:
    """Mean and std of each metric per (regime, setting, eval, method), with paired tests.

    Parameters
    ----------
    records : sequence of dict
        Output of :func:`run_benchmark`.
    reference : str, dict or None, default="CLIMD"
        The method each other method is tested against (Wilcoxon over splits, on every
        metric); a dict maps a method to its own reference (plug-and-play pairs).

    Returns
    -------
    rows : list of dict
        ``mean_<metric>``, ``std_<metric>``, ``n``, ``fit_time``, and, where a reference
        applies, ``reference``, ``p_<metric>`` and ``wins`` (splits where the reference has
        the higher macro F1) / ``losses``.
    """
    groups: dict[tuple, dict[int, Mapping[str, Any]]] = {}
    order: list[tuple] = []
    for rec in records:
        key = (rec.get("regime", ""), rec["setting"], rec["eval"], rec["method"])
        if key not in groups:
            groups[key] = {}
            order.append(key)
        groups[key][rec["split"]] = rec
    rows = []
    for key in order:
        regime, setting, ev, method = key
        recs = groups[key]
        splits = sorted(recs)
        row: dict[str, Any] = {"regime": regime, "setting": setting, "eval": ev,
                               "method": method, "n": len(splits),
                               "fit_time": float(np.mean([recs[s]["fit_time"] for s in splits]))}
        for metric in METRICS:
            vals = np.array([recs[s][metric] for s in splits])
            row[f"mean_{metric}"] = float(vals.mean())
            row[f"std_{metric}"] = float(vals.std(ddof=1)) if vals.size > 1 else 0.0
        ref = _ref_for(method, reference)
        ref_recs = groups.get((regime, setting, ev, ref)) if ref else None
        if ref_recs:
            common = [s for s in splits if s in ref_recs]
            row["reference"] = ref
            for metric in METRICS:
                row[f"p_{metric}"] = paired_wilcoxon(
                    [ref_recs[s][metric] for s in common], [recs[s][metric] for s in common])
            diff = np.array([ref_recs[s]["f1_macro"] - recs[s]["f1_macro"] for s in common])
            row["wins"] = int(np.sum(diff > 0))
            row["losses"] = int(np.sum(diff < 0))
        rows.append(row)
    return rows


def _fmt(mean: float, std: float) -> str:
    return f"{100 * mean:.1f} ± {100 * std:.1f}"


def summary_markdown(rows: Sequence[Mapping[str, Any]], title_level: int = 3) -> str:
    """Markdown tables, one per (regime, setting, eval), best macro F1 in bold.

    Parameters
    ----------
    rows : sequence of dict
        Output of :func:`aggregate`.
    title_level : int, default=3
        Heading level of each table's title.

    Returns
    -------
    text : str
    """
    out: list[str] = []
    tables: dict[tuple, list[Mapping[str, Any]]] = {}
    for row in rows:
        tables.setdefault((row["regime"], row["setting"], row["eval"]), []).append(row)
    for (regime, setting, ev), group in tables.items():
        best = max(r["mean_f1_macro"] for r in group)
        n = max(r["n"] for r in group)
        out.append(f"{'#' * title_level} {setting} — eval: {ev} — regime: {regime} (n = {n})")
        out.append("")
        refs = {r["reference"] for r in group if "reference" in r}
        ref = refs.pop() if len(refs) == 1 else "ref"
        out.append(f"| Method | ACC | weighted F1 | macro F1 | p (macro F1) vs {ref} | "
                   f"{ref} wins/losses | fit s |")
        out.append("| --- | --- | --- | --- | --- | --- | --- |")
        for r in group:
            macro = _fmt(r["mean_f1_macro"], r["std_f1_macro"])
            if r["mean_f1_macro"] == best:
                macro = f"**{macro}**"
            p = r.get("p_f1_macro")
            ptxt = "—" if p is None else ("n/a" if np.isnan(p) else f"{p:.3f}")
            if "reference" in r and ref == "ref":
                ptxt += f" ({r['reference']})"
            wl = f"{r['wins']}/{r['losses']}" if "wins" in r else "—"
            out.append(f"| {r['method']} | {_fmt(r['mean_accuracy'], r['std_accuracy'])} | "
                       f"{_fmt(r['mean_f1_weighted'], r['std_f1_weighted'])} | {macro} | "
                       f"{ptxt} | {wl} | {r['fit_time']:.1f} |")
        out.append("")
    return "\n".join(out)


def write_results(
    out_dir: str,
    name: str,
    records: Sequence[Mapping[str, Any]],
    rows: Sequence[Mapping[str, Any]],
    config: Mapping[str, Any],
    extra_md: str = "",
) -> tuple[str, str]:
    """Write ``<name>.json`` and ``<name>.md`` into ``out_dir``.

    Parameters
    ----------
    out_dir : str
        Output folder (created).
    name : str
        Base name of the files.
    records, rows : sequence of dict
        Raw records and aggregated rows.
    config : mapping
        What was run (settings, methods, regime, splits, command line).
    extra_md : str, default=""
        Text appended to the markdown.

    Returns
    -------
    paths : tuple of str
        The JSON and markdown paths.
    """
    os.makedirs(out_dir, exist_ok=True)
    payload = {"name": name, "config": dict(config), "machine": machine_info(),
               "records": list(records), "summary": list(rows)}
    json_path = os.path.join(out_dir, f"{name}.json")
    with open(json_path, "w") as fh:
        json.dump(payload, fh, indent=1, default=float)
    md_path = os.path.join(out_dir, f"{name}.md")
    with open(md_path, "w") as fh:
        fh.write(summary_markdown(rows) + ("\n" + extra_md if extra_md else ""))
    return json_path, md_path
