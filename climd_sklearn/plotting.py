"""Plots of CLIMD's schedule, of a fitted curriculum and of the training curves.

matplotlib is an optional dependency (``pip install climd-sklearn[plot]``); it is imported
inside the functions, so importing this module never needs it. Every function draws on the
given :class:`matplotlib.axes.Axes` (a new figure when ``ax`` is None) and returns that Axes,
so the plots compose with any figure layout and work with any backend, headless ``Agg``
included.

- :func:`plot_schedule`: the per-epoch class counts that the schedule prescribes, as stacked
  bars (the paper's Fig. 2), computed with :func:`climd_sklearn.curriculum.class_quotas`.
- :func:`plot_curriculum`: what a fitted :class:`~climd_sklearn.CLIMDClassifier` actually
  trained on: per-class counts per epoch, the subset size, and the mean curriculum score.
- :func:`plot_training_curves`: ``train_loss``, ``valid_loss`` and ``valid_f1_macro``.
- :func:`plot_difficulty`: per-class distributions of the per-sample score of
  :meth:`~climd_sklearn.CLIMDClassifier.difficulty`, with the hardest samples named.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Integral
from typing import Any

import numpy as np

from .curriculum import class_quotas, fit_power_law_alpha

__all__ = ["plot_curriculum", "plot_difficulty", "plot_schedule", "plot_training_curves"]

_INSTALL_HINT = (
    "climd_sklearn.plotting needs matplotlib, which is not installed. "
    "Install it with `pip install climd-sklearn[plot]` (or `pip install matplotlib`)."
)


def _pyplot() -> Any:
    """Import and return ``matplotlib.pyplot``, or raise an ImportError naming the extra."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised by monkeypatching sys.modules
        raise ImportError(_INSTALL_HINT) from exc
    return plt


def _get_ax(ax: Any) -> Any:
    """Return ``ax``, or the Axes of a new figure when ``ax`` is None."""
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots()
    elif not isinstance(ax, plt.Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}.")
    return ax


def _integer_epochs(ax: Any) -> None:
    """Put ticks of the x axis (epochs) on integers only."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _class_colors(n_classes: int) -> list[Any]:
    """One color per class: ``tab10`` up to 10 classes, ``viridis`` beyond."""
    import matplotlib

    if n_classes <= 10:
        cmap = matplotlib.colormaps["tab10"]
        return [cmap(c) for c in range(n_classes)]
    cmap = matplotlib.colormaps["viridis"]
    return [cmap(x) for x in np.linspace(0.0, 1.0, n_classes)]


def _stacked_bars(
    ax: Any, epochs: np.ndarray, counts: np.ndarray, names: Sequence[str]
) -> list[Any]:
    """Draw ``counts`` (n_epochs, n_classes) as bars stacked per epoch, one container a class."""
    bottom = np.zeros(counts.shape[0])
    containers = []
    for c, (name, color) in enumerate(zip(names, _class_colors(counts.shape[1]))):
        containers.append(
            ax.bar(epochs, counts[:, c], bottom=bottom, color=color, label=name, width=0.8)
        )
        bottom = bottom + counts[:, c]
    return containers


def _class_names(class_names: Sequence[Any] | None, n_classes: int) -> list[str]:
    if class_names is None:
        return [f"class {c}" for c in range(n_classes)]
    names = [str(name) for name in class_names]
    if len(names) != n_classes:
        raise ValueError(
            f"class_names must hold one name per class ({n_classes}), got {len(names)}."
        )
    return names


def plot_schedule(
    class_counts: Sequence[int],
    n_epochs: int,
    gamma: float = 0.3,
    alpha: float | None = None,
    ax: Any = None,
    *,
    class_names: Sequence[Any] | None = None,
    exponent_rule: str = "zipf",
) -> Any:
    """Plot CLIMD's schedule: each epoch's per-class sample counts as stacked bars.

    The counts are those of :func:`climd_sklearn.curriculum.class_quotas` for epochs
    ``t = 1..n_epochs``: the subset grows linearly to the whole training set while its class
    distribution moves from uniform to the fitted power law (Eq. 5-7; the paper's Fig. 2).
    They depend only on the class counts, not on the data or the model.

    Parameters
    ----------
    class_counts : sequence of int
        Number of training samples of each class (integers >= 1), in label order.
    n_epochs : int
        ``T``, the number of curriculum epochs (>= 1).
    gamma : float, default=0.3
        Smoothing hyperparameter of the power law, > 0.
    alpha : float or None, default=None
        ``alpha(T)``; None fits it to ``class_counts`` with
        :func:`~climd_sklearn.curriculum.fit_power_law_alpha` (Eq. 6).
    ax : matplotlib.axes.Axes or None, default=None
        Axes to draw on; None creates a new figure.
    class_names : sequence or None, default=None
        Legend names of the classes, in label order; None uses ``"class 0"``, ...
    exponent_rule : {"zipf", "eq6"}, default="zipf"
        The power-law exponent rule of :func:`~climd_sklearn.curriculum.class_quotas`:
        ``"zipf"`` (the default variant's) or ``"eq6"`` (the paper's Eq. 6-7 exactly, as in
        its Fig. 2).

    Returns
    -------
    ax : matplotlib.axes.Axes
        The Axes, holding one bar container per class (in label order, stacked bottom-up).

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    ValueError
        If an argument is invalid (see :func:`~climd_sklearn.curriculum.class_quotas`) or
        ``class_names`` does not hold one name per class.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from climd_sklearn.plotting import plot_schedule
    >>> ax = plot_schedule([305, 103, 92, 80, 32], n_epochs=10)
    >>> len(ax.containers)
    5
    """
    counts = np.asarray(class_counts)
    if isinstance(n_epochs, bool) or not isinstance(n_epochs, Integral) or n_epochs < 1:
        raise ValueError(f"n_epochs must be an int >= 1, got {n_epochs!r}.")
    epochs = np.arange(1, int(n_epochs) + 1)
    quotas = np.array([
        class_quotas(counts, t, n_epochs, gamma=gamma, alpha=alpha, exponent_rule=exponent_rule)
        for t in epochs
    ])
    names = _class_names(class_names, quotas.shape[1])
    alpha_T = fit_power_law_alpha(counts, gamma) if alpha is None else float(alpha)
    names = [f"{name} (n={int(n)})" for name, n in zip(names, counts)]
    ax = _get_ax(ax)
    _stacked_bars(ax, epochs, quotas, names)
    alpha_text = "inf" if math.isinf(alpha_T) else f"{alpha_T:.3g}"
    ax.set_title(
        f"CLIMD schedule ({exponent_rule}, T={n_epochs}, gamma={gamma:g}, alpha(T)={alpha_text})"
    )
    ax.set_xlabel("epoch t")
    _integer_epochs(ax)
    ax.set_ylabel("training samples per class")
    ax.legend(loc="upper left", fontsize="small")
    return ax


def _history_of(estimator_or_history: Any) -> tuple[list[Mapping[str, Any]], Any]:
    """The history rows and the class labels (or None) of an estimator, net or history."""
    obj = estimator_or_history
    classes = None
    if hasattr(obj, "get_params") and hasattr(obj, "curriculum"):  # a CLIMDClassifier
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(obj, "net_")
        classes = obj.classes_
        obj = obj.net_.history
    elif hasattr(obj, "history") and hasattr(obj, "module"):  # a skorch net
        obj = obj.history
    if isinstance(obj, Mapping) or not isinstance(obj, Sequence):
        raise TypeError(
            "Expected a fitted CLIMDClassifier, a skorch net or its history (a list of "
            f"per-epoch dicts), got {type(estimator_or_history).__name__}."
        )
    rows = list(obj)
    if not rows:
        raise ValueError("The history is empty: fit the estimator first.")
    if not all(isinstance(row, Mapping) for row in rows):
        raise TypeError("A history must be a list of per-epoch dicts.")
    return rows, classes


def _series(rows: list[Mapping[str, Any]], key: str) -> tuple[np.ndarray, list[Any]]:
    """Epoch numbers and values of the rows that hold ``key``."""
    epochs, values = [], []
    for i, row in enumerate(rows):
        if key in row:
            epochs.append(row.get("epoch", i + 1))
            values.append(row[key])
    return np.asarray(epochs, dtype=np.int64), values


def plot_curriculum(estimator_or_history: Any, ax: Any = None) -> Any:
    """Plot the curriculum a fitted estimator trained on.

    Draws, per epoch, the number of training samples of each class as stacked bars (from the
    history's ``class_counts``, recorded during the curriculum epochs), the subset size as a
    black line (``subset_size``, every epoch), and the mean curriculum score ``r`` (Eq. 4,
    ``score_mean``, recorded at each rescoring) as a red dashed line on a twin y axis.
    Epochs after the curriculum, and every epoch of a fit with ``curriculum=None``, have only
    a subset size.

    Parameters
    ----------
    estimator_or_history : CLIMDClassifier, skorch.NeuralNet or skorch.history.History
        A fitted estimator (its ``net_.history`` is plotted and its ``classes_`` name the
        classes), a fitted skorch net, or a history: a list of per-epoch dicts.
    ax : matplotlib.axes.Axes or None, default=None
        Axes to draw on; None creates a new figure.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The Axes with the bars (one container per class) and the subset-size line. The
        score line, if the history has ``score_mean``, is on a twin Axes that shares the x
        axis (``ax.figure.axes`` lists it after ``ax``).

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    sklearn.exceptions.NotFittedError
        If an estimator is given that is not fitted.
    TypeError
        If ``estimator_or_history`` is none of the accepted types, or ``ax`` is neither None
        nor a matplotlib Axes.
    ValueError
        If the history is empty, or holds no curriculum (neither ``class_counts`` nor
        ``subset_size``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from climd_sklearn.plotting import plot_curriculum
    >>> history = [
    ...     {"epoch": 1, "subset_size": 4, "class_counts": [2, 2], "score_mean": 0.4},
    ...     {"epoch": 2, "subset_size": 8, "class_counts": [6, 2], "score_mean": 0.6},
    ... ]
    >>> ax = plot_curriculum(history)
    >>> [float(bar.get_height()) for bar in ax.containers[0]]
    [2.0, 6.0]
    """
    rows, classes = _history_of(estimator_or_history)
    if not any("class_counts" in row or "subset_size" in row for row in rows):
        raise ValueError(
            "The history holds neither class_counts nor subset_size: it is not the history "
            "of a fit with a curriculum."
        )
    ax = _get_ax(ax)
    handles = []

    bar_epochs, counts = _series(rows, "class_counts")
    if counts:
        n_classes = max(len(c) for c in counts)
        matrix = np.zeros((len(counts), n_classes))
        for i, row_counts in enumerate(counts):
            matrix[i, : len(row_counts)] = row_counts
        if classes is not None and len(classes) == n_classes:
            names = [f"class {c}" for c in classes]
        else:
            names = [f"class {c}" for c in range(n_classes)]
        handles += _stacked_bars(ax, bar_epochs, matrix, names)

    size_epochs, sizes = _series(rows, "subset_size")
    if sizes:
        (line,) = ax.plot(
            size_epochs, sizes, color="black", marker=".", linewidth=1.5, label="subset size"
        )
        handles.append(line)
    ax.set_xlabel("epoch")
    _integer_epochs(ax)
    ax.set_ylabel("training samples")

    score_epochs, scores = _series(rows, "score_mean")
    if scores:
        twin = ax.twinx()
        (score_line,) = twin.plot(
            score_epochs,
            scores,
            color="tab:red",
            linestyle="--",
            marker="o",
            markersize=3,
            label="mean score r",
        )
        twin.set_ylabel("mean curriculum score r (Eq. 4)")
        handles.append(score_line)
    ax.set_title("Curriculum: per-class training samples per epoch")
    if handles:
        ax.legend(handles=handles, loc="upper left", fontsize="small")
    return ax


def plot_training_curves(estimator_or_history: Any, ax: Any = None) -> Any:
    """Plot the training curves recorded in the history.

    ``train_loss`` (always recorded by skorch) and ``valid_loss`` (when the estimator was
    fitted with ``validation_fraction``) on ``ax``; ``valid_f1_macro`` (also only with
    ``validation_fraction``) on a twin y axis from 0 to 1.

    Parameters
    ----------
    estimator_or_history : CLIMDClassifier, skorch.NeuralNet or skorch.history.History
        A fitted estimator, a fitted skorch net, or a history: a list of per-epoch dicts.
    ax : matplotlib.axes.Axes or None, default=None
        Axes to draw on; None creates a new figure.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The Axes with the loss lines. The F1 line, if recorded, is on a twin Axes that shares
        the x axis (``ax.figure.axes`` lists it after ``ax``).

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    sklearn.exceptions.NotFittedError
        If an estimator is given that is not fitted.
    TypeError
        If ``estimator_or_history`` is none of the accepted types.
    ValueError
        If the history is empty or holds no ``train_loss``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from climd_sklearn.plotting import plot_training_curves
    >>> history = [{"epoch": 1, "train_loss": 1.2}, {"epoch": 2, "train_loss": 0.9}]
    >>> ax = plot_training_curves(history)
    >>> ax.lines[0].get_ydata().tolist()
    [1.2, 0.9]
    """
    rows, _ = _history_of(estimator_or_history)
    train_epochs, train_loss = _series(rows, "train_loss")
    if not train_loss:
        raise ValueError("The history holds no train_loss.")
    ax = _get_ax(ax)
    handles = []
    (line,) = ax.plot(train_epochs, train_loss, color="tab:blue", label="train loss")
    handles.append(line)
    valid_epochs, valid_loss = _series(rows, "valid_loss")
    if valid_loss:
        (line,) = ax.plot(valid_epochs, valid_loss, color="tab:orange", label="valid loss")
        handles.append(line)
    ax.set_xlabel("epoch")
    _integer_epochs(ax)
    ax.set_ylabel("loss")
    f1_epochs, f1 = _series(rows, "valid_f1_macro")
    if f1:
        twin = ax.twinx()
        (line,) = twin.plot(
            f1_epochs, f1, color="tab:green", linestyle="--", label="valid macro F1"
        )
        twin.set_ylim(0.0, 1.0)
        twin.set_ylabel("macro F1")
        handles.append(line)
    ax.set_title("Training curves")
    ax.legend(handles=handles, loc="best", fontsize="small")
    return ax


def plot_difficulty(frame: Any, y: Any, *, n_hardest: int = 10, ax: Any = None) -> Any:
    """Plot the per-class distribution of the per-sample score and name the hardest samples.

    One row per class (in sorted label order): every sample's ``score`` as a grey dot
    (jittered vertically, seeded), a box from the class's first to third quartile with a
    black tick at its median and a thin line from its minimum to its maximum. The
    ``n_hardest`` samples with the lowest scores over all classes (low = hard, see
    :meth:`~climd_sklearn.CLIMDClassifier.difficulty`) are drawn as red crosses and labelled
    with their index in ``frame``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :meth:`~climd_sklearn.CLIMDClassifier.difficulty` (only its ``score``
        column and its index are used).
    y : array-like of shape (n_samples,)
        The labels the frame was computed with, in its row order.
    n_hardest : int, default=10
        How many of the lowest-scoring samples to highlight (all of them if fewer); 0 for
        none.
    ax : matplotlib.axes.Axes or None, default=None
        Axes to draw on; None creates a new figure.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The Axes: one bar container (the quartile boxes, one bar per class, bottom-up in
        label order; the y tick labels name the classes), the collections of all samples and,
        when ``n_hardest > 0``, of the hardest ones (the last collection, in increasing
        score), and one text annotation per hardest sample (``ax.texts``, in the same order).

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    ValueError
        If ``frame`` has no rows or no ``score`` column, a score is NaN or not a number,
        ``y`` does not hold one label per row, or ``n_hardest`` is not an int >= 0.
    TypeError
        If ``ax`` is neither None nor a matplotlib Axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from climd_sklearn.plotting import plot_difficulty
    >>> frame = pd.DataFrame({"score": [1.2, 0.3, 1.1, 0.9]}, index=["a", "b", "c", "d"])
    >>> ax = plot_difficulty(frame, ["x", "x", "y", "y"], n_hardest=2)
    >>> [text.get_text() for text in ax.texts]
    ['b', 'd']
    """
    if not hasattr(frame, "columns") or "score" not in frame.columns:
        raise ValueError(
            "frame must be a DataFrame with a 'score' column (CLIMDClassifier.difficulty)."
        )
    if len(frame) == 0:
        raise ValueError("frame has no rows: there is nothing to plot.")
    try:
        scores = np.asarray(frame["score"], dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"frame's 'score' column must hold numbers: {exc}") from None
    missing = np.flatnonzero(np.isnan(scores))
    if missing.size:
        raise ValueError(
            f"frame's 'score' is NaN in rows {frame.index[missing[:10]].tolist()}; a sample "
            "without a score cannot be placed."
        )
    labels = np.asarray(y)
    if labels.ndim != 1 or len(labels) != len(scores):
        raise ValueError(
            f"y must hold one label per row of frame ({len(scores)}), got shape {labels.shape}."
        )
    if isinstance(n_hardest, bool) or not isinstance(n_hardest, Integral) or n_hardest < 0:
        raise ValueError(f"n_hardest must be an int >= 0, got {n_hardest!r}.")
    classes, codes = np.unique(labels, return_inverse=True)
    ax = _get_ax(ax)
    quartiles = np.array([np.percentile(scores[codes == c], [0, 25, 50, 75, 100])
                          for c in range(len(classes))])
    rows = np.arange(len(classes))
    colors = _class_colors(len(classes))
    ax.barh(rows, quartiles[:, 3] - quartiles[:, 1], left=quartiles[:, 1], height=0.5,
            color=colors, alpha=0.35, edgecolor="black")
    ax.hlines(rows, quartiles[:, 0], quartiles[:, 4], color="black", linewidth=0.8)
    ax.vlines(quartiles[:, 2], rows - 0.25, rows + 0.25, color="black", linewidth=2)
    jitter = np.random.default_rng(0).uniform(-0.18, 0.18, len(scores))
    ax.scatter(scores, codes + jitter, s=8, color="0.4", alpha=0.6, label="sample")
    hardest = np.argsort(scores, kind="stable")[: int(n_hardest)]
    if hardest.size:
        ax.scatter(scores[hardest], codes[hardest] + jitter[hardest], s=40, marker="x",
                   color="tab:red", zorder=3, label=f"{hardest.size} hardest (lowest score)")
        for i in hardest:
            ax.annotate(str(frame.index[i]), (scores[i], codes[i] + jitter[i]),
                        xytext=(3, 3), textcoords="offset points", fontsize="x-small",
                        color="tab:red")
    ax.set_yticks(rows)
    ax.set_yticklabels([str(c) for c in classes])
    ax.set_ylabel("class")
    ax.set_xlabel("score r (Eq. 4; low = hard)")
    ax.set_title("Per-sample score by class")
    ax.legend(loc="best", fontsize="small")
    return ax
