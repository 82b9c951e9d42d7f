"""Scale sweep: time per epoch, the curriculum's share of it, and peak memory, as N, C, M grow.

One *point* is one fit (plain or CLIMD) on synthetic data
(:func:`~climd_sklearn.datasets.make_multimodal_classification`). :func:`run_point` measures
it in the calling process; :func:`run_point_subprocess` runs it in a fresh Python process
(``python -m climd_sklearn.benchmark._scale '<json>'``), so that each point's peak resident
set size is its own. ``benchmarks/scale.py`` drives the grid and writes the tables and the plot.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from skorch.callbacks import Callback

__all__ = ["CurriculumTimer", "grid", "run_point", "run_point_subprocess"]

#: The two fits of every point: the plain baseline and CLIMD with the scoring pass every epoch.
METHODS = ("plain", "climd")


def grid(
    sizes: Sequence[int],
    classes: Sequence[int],
    modalities: Sequence[int],
    *,
    base_n: int,
    base_c: int = 5,
    base_m: int = 3,
) -> list[dict[str, Any]]:
    """The sweep's points: N grows at (C, M) = (base_c, base_m), then C at N = base_n, then M.

    Parameters
    ----------
    sizes, classes, modalities : sequence of int
        The values of N, C and M of each sweep.
    base_n, base_c, base_m : int
        The fixed values while another one grows.

    Returns
    -------
    points : list of dict
        ``{"sweep", "n_samples", "n_classes", "n_modalities"}``; a point shared by two
        sweeps is listed once, in the first.
    """
    points, seen = [], set()
    for sweep, values in (("N", sizes), ("C", classes), ("M", modalities)):
        for value in values:
            n, c, m = base_n, base_c, base_m
            if sweep == "N":
                n = value
            elif sweep == "C":
                c = value
            else:
                m = value
            if (n, c, m) not in seen:
                seen.add((n, c, m))
                points.append({"sweep": sweep, "n_samples": n, "n_classes": c,
                               "n_modalities": m})
    return points


class CurriculumTimer(Callback):
    """Record in the history (``curriculum_s``) how long each epoch's start took.

    Placed after the curriculum callback (a user callback always is), it measures from
    skorch's epoch timer to the end of the curriculum's ``on_epoch_begin``: the scoring
    pass, the selection and the history records.
    """

    def on_epoch_begin(self, net: Any, **kwargs: Any) -> None:
        """Record the seconds since the epoch started.

        Parameters
        ----------
        net : skorch.NeuralNet
            The net being trained.
        **kwargs : dict
            Other skorch callback arguments, unused.
        """
        start = dict(net.callbacks_)["epoch_timer"].epoch_start_time_
        net.history.record("curriculum_s", time.time() - start)


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (Linux); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


#: Above this many latent entries (N x max(10, C)), :func:`_data` draws the rows itself.
LATENT_LIMIT = 2 * 10**8


def _lean_data(n_samples: int, weights: np.ndarray, n_modalities: int, n_features: int,
               seed: int, latent: int = 16, chunk: int = 100_000
               ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Class centroids in a ``latent``-dimensional space, projected per modality, plus noise.

    The same kind of data as ``make_multimodal_classification`` with every latent dimension
    shared, drawn in float32, ``chunk`` rows at a time: for large N and C, whose generator
    holds ``N x max(10, C)`` latent codes in float64 (44 GB at N = 10^6, C = 1,000).
    """
    rng = np.random.default_rng(seed)
    y = rng.choice(len(weights), size=n_samples, p=weights)
    y[: len(weights)] = np.arange(len(weights))  # every class present
    centroids = rng.standard_normal((len(weights), latent), dtype=np.float32)
    projections = [rng.standard_normal((latent, n_features), dtype=np.float32) / latent**0.5
                   for _ in range(n_modalities)]
    X = {f"m{m}": np.empty((n_samples, n_features), dtype=np.float32)
         for m in range(n_modalities)}
    for start in range(0, n_samples, chunk):
        rows = slice(start, min(start + chunk, n_samples))
        z = centroids[y[rows]] + rng.standard_normal((len(y[rows]), latent), dtype=np.float32)
        for m, W in enumerate(projections):
            X[f"m{m}"][rows] = z @ W + rng.standard_normal((len(y[rows]), n_features),
                                                            dtype=np.float32)
    return X, y


def _data(n_samples: int, n_classes: int, n_modalities: int, n_features: int,
          seed: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Synthetic data in float32, with the generator's float64 arrays freed."""
    from ..datasets import make_multimodal_classification

    # a mild long tail: the first class holds about 10x the last
    weights = np.geomspace(1.0, 0.1, n_classes)
    if n_samples * max(10, n_classes) > LATENT_LIMIT:
        return _lean_data(n_samples, weights / weights.sum(), n_modalities, n_features, seed)
    X, y = make_multimodal_classification(
        n_samples, n_modalities=n_modalities, n_features=n_features, n_classes=n_classes,
        weights=(weights / weights.sum()).tolist(), random_state=seed)
    X32 = {}
    for name in list(X):
        X32[name] = np.asarray(X.pop(name), dtype=np.float32)
    del X
    gc.collect()
    return X32, np.asarray(y)


def run_point(
    n_samples: int,
    n_classes: int,
    n_modalities: int,
    method: str,
    *,
    n_features: int = 100,
    epochs: int = 1,
    batch_size: int = 32,
    device: str = "cpu",
    seed: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    """Fit once and measure time per epoch, the curriculum's time per epoch and peak memory.

    The fit is ``CLIMDClassifier(variant="paper")`` (highest score first, so the training
    set is scored at every curriculum epoch; T = ``epochs``) for ``"climd"``, and the same
    with ``curriculum=None`` for ``"plain"``. The curriculum's time is read inside the fit:
    from the epoch's start (skorch's epoch timer) to the end of the curriculum callback's
    ``on_epoch_begin`` (scoring, selection, history records).

    Parameters
    ----------
    n_samples, n_classes, n_modalities : int
        N, C and M.
    method : {"plain", "climd"}
        Which fit.
    n_features : int, default=100
        Features per modality.
    epochs : int, default=1
        Epochs of the fit.
    batch_size : int, default=32
        Training batch size.
    device : str, default="cpu"
        The fit's device.
    seed : int, default=0
        Seed of the data and the fit.
    **extra : dict
        Ignored (the point's other keys, such as ``sweep``).

    Returns
    -------
    row : dict
        The point, ``fit_s``, ``epoch_s`` (mean over the epochs), ``last_epoch_s`` (the
        last, on all rows), ``curriculum_s`` (mean over the epochs), ``curriculum_share``
        (of the last epoch), ``data_mib`` (the float32 data), ``rss_before_fit_mib``,
        ``peak_rss_fit_mib`` (the peak RSS during the fit, or None where it cannot be
        reset), ``max_rss_mib`` (the process's lifetime peak) and ``cuda_peak_mib``.
    """
    import torch

    from ..estimator import CLIMDClassifier

    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}.")
    X, y = _data(n_samples, n_classes, n_modalities, n_features, seed)
    data_mib = sum(v.nbytes for v in X.values()) / 2**20
    cuda = device.startswith("cuda")
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    reset = _reset_peak_rss()
    rss_before = _status_kib("VmRSS")
    clf = CLIMDClassifier(
        variant="paper", curriculum=None if method == "plain" else "climd", lr=1e-3,
        max_epochs=epochs, batch_size=batch_size, device=device, random_state=seed,
        callbacks=[("timer", CurriculumTimer())])
    start = time.perf_counter()
    clf.fit(X, y)
    if cuda:
        torch.cuda.synchronize()
    fit_s = time.perf_counter() - start
    peak = _status_kib("VmHWM") if reset else None
    history = clf.net_.history
    durations = np.asarray(history[:, "dur"], dtype=float)
    curriculum = np.asarray(history[:, "curriculum_s"], dtype=float)
    mib = 1 / 1024
    return {
        "n_samples": n_samples, "n_classes": n_classes, "n_modalities": n_modalities,
        "n_features": n_features, "method": method, "epochs": epochs,
        "batch_size": batch_size, "device": device, "sweep": extra.get("sweep"),
        "data": ("lean" if n_samples * max(10, n_classes) > LATENT_LIMIT
                 else "make_multimodal_classification"),
        "fit_s": fit_s,
        "epoch_s": float(durations.mean()),
        "last_epoch_s": float(durations[-1]),
        "curriculum_s": float(curriculum.mean()),
        "curriculum_share": float(curriculum[-1] / durations[-1]),
        "data_mib": data_mib,
        "rss_before_fit_mib": None if rss_before is None else rss_before * mib,
        "peak_rss_fit_mib": None if peak is None else peak * mib,
        "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * mib,
        "cuda_peak_mib": torch.cuda.max_memory_allocated() / 2**20 if cuda else None,
    }


def run_point_subprocess(point: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    """:func:`run_point` in a fresh Python process, so that its peak memory is its own.

    Parameters
    ----------
    point : dict
        Keyword arguments of :func:`run_point`.
    timeout : float or None, default=None
        Seconds before the process is stopped.

    Returns
    -------
    row : dict
        The row of :func:`run_point`, or the point with ``"error"`` when the process
        failed or ran out of time.
    """
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"))
    try:
        run = subprocess.run([sys.executable, "-m", "climd_sklearn.benchmark._scale",
                              json.dumps(point)], capture_output=True, text=True,
                             timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {**point, "error": f"stopped after {timeout:.0f} s"}
    if run.returncode != 0:
        return {**point, "error": run.stderr.strip().splitlines()[-1] if run.stderr else
                f"exit status {run.returncode}"}
    return json.loads(run.stdout.strip().splitlines()[-1])


def _main(argv: Sequence[str]) -> None:
    import torch

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    print(json.dumps(run_point(**json.loads(argv[0]))))


if __name__ == "__main__":
    _main(sys.argv[1:])
