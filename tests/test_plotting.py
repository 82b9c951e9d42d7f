"""Tests of climd_sklearn.plotting: every plot is rendered to a PNG and its artists checked."""

import sys

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from conftest import FAST, make_multimodal  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

from climd_sklearn import CLIMDClassifier  # noqa: E402
from climd_sklearn.curriculum import class_quotas  # noqa: E402
from climd_sklearn.plotting import (  # noqa: E402
    plot_curriculum,
    plot_difficulty,
    plot_schedule,
    plot_training_curves,
)

BRCA_COUNTS = [305, 103, 92, 80, 32]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _render(ax, path):
    """Save the figure of ``ax`` as PNG and check that a non-empty image was written."""
    ax.figure.savefig(path, format="png")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 1000


def _bar_heights(container):
    return np.array([patch.get_height() for patch in container.patches])


def _bar_bottoms(container):
    return np.array([patch.get_y() for patch in container.patches])


def _bar_centers(container):
    return np.array([patch.get_x() + patch.get_width() / 2 for patch in container.patches])


def _twin_of(ax):
    others = [other for other in ax.figure.axes if other is not ax]
    assert len(others) == 1
    return others[0]


# ----------------------------------------------------------------------------- plot_schedule
@pytest.mark.parametrize(
    "class_counts, n_epochs, gamma, alpha",
    [
        (BRCA_COUNTS, 10, 0.3, None),
        ([200, 154, 119, 92, 71, 55, 43, 33, 25, 20], 7, 0.3, 5.0),
        ([5, 40, 12], 4, 0.5, None),  # counts not sorted by frequency
        ([50, 50], 3, 0.3, None),  # balanced: uniform at every epoch
        ([9, 1], 1, 0.3, None),  # T = 1: all data at once
    ],
)
def test_plot_schedule_bars_equal_class_quotas(tmp_path, class_counts, n_epochs, gamma, alpha):
    ax = plot_schedule(class_counts, n_epochs, gamma=gamma, alpha=alpha)
    _render(ax, tmp_path / "schedule.png")

    containers = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(containers) == len(class_counts)
    expected = np.array(
        [
            class_quotas(class_counts, t, n_epochs, gamma=gamma, alpha=alpha)
            for t in range(1, n_epochs + 1)
        ]
    )
    bottom = np.zeros(n_epochs)
    for c, container in enumerate(containers):
        assert len(container.patches) == n_epochs
        np.testing.assert_array_equal(_bar_heights(container), expected[:, c])
        np.testing.assert_array_equal(_bar_bottoms(container), bottom)
        np.testing.assert_allclose(_bar_centers(container), np.arange(1, n_epochs + 1))
        bottom = bottom + expected[:, c]
    # the stacks reach the subset size, and the last epoch trains on everything
    np.testing.assert_array_equal(bottom, expected.sum(axis=1))
    assert bottom[-1] == sum(class_counts)


def test_plot_schedule_first_epoch_is_uniform_and_last_is_everything():
    ax = plot_schedule(BRCA_COUNTS, 10)
    first = np.array([_bar_heights(c)[0] for c in ax.containers])
    last = np.array([_bar_heights(c)[-1] for c in ax.containers])
    assert first.sum() == round(sum(BRCA_COUNTS) / 10)
    assert first.max() - first.min() <= 1
    np.testing.assert_array_equal(last, BRCA_COUNTS)


def test_plot_schedule_legend_title_and_given_axes(tmp_path):
    fig, (left, right) = plt.subplots(1, 2)
    ax = plot_schedule([30, 10], 5, ax=right, class_names=["common", "rare"])
    assert ax is right
    assert not left.containers
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["common (n=30)", "rare (n=10)"]
    assert "gamma=0.3" in ax.get_title()
    assert "T=5" in ax.get_title()
    _render(ax, tmp_path / "schedule.png")


def test_plot_schedule_balanced_title_says_alpha_inf():
    ax = plot_schedule([20, 20, 20], 3)
    assert "alpha(T)=inf" in ax.get_title()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(class_counts=[10, 0], n_epochs=3), "class_counts"),
        (dict(class_counts=[10, 5], n_epochs=0), "n_epochs"),
        (dict(class_counts=[10, 5], n_epochs=2.5), "n_epochs"),
        (dict(class_counts=[10, 5], n_epochs=3, gamma=0), "gamma"),
        (dict(class_counts=[10, 5], n_epochs=3, class_names=["a"]), "class_names"),
    ],
)
def test_plot_schedule_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_schedule(**kwargs)


# --------------------------------------------------------------------------- plot_curriculum
@pytest.fixture(scope="module")
def fitted():
    X, y = make_multimodal()
    clf = CLIMDClassifier(
        **{**FAST, "max_epochs": 7},
        curriculum_epochs=5,
        rescore_every=2,
        order="asc",  # scored: the figure's score line is drawn
        validation_fraction=0.25,
        random_state=0,
    )
    return clf.fit(X, y)


def test_plot_curriculum_matches_the_history(tmp_path, fitted):
    history = fitted.net_.history
    ax = plot_curriculum(fitted)
    _render(ax, tmp_path / "curriculum.png")

    curriculum_rows = [row for row in history if "class_counts" in row]
    assert len(curriculum_rows) == len(history)  # recorded every epoch, also after T
    counts = np.array([row["class_counts"] for row in curriculum_rows])
    containers = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(containers) == len(fitted.classes_) == counts.shape[1]
    for c, container in enumerate(containers):
        np.testing.assert_array_equal(_bar_heights(container), counts[:, c])
        epochs = [row["epoch"] for row in curriculum_rows]
        np.testing.assert_allclose(_bar_centers(container), epochs)

    # the subset-size line covers every epoch, the curriculum ones and the later ones
    (size_line,) = ax.get_lines()
    np.testing.assert_array_equal(size_line.get_xdata(), history[:, "epoch"])
    np.testing.assert_array_equal(size_line.get_ydata(), history[:, "subset_size"])
    np.testing.assert_array_equal(counts.sum(axis=1), history[:, "subset_size"])

    # the score is on the twin axis, at the rescoring epochs only (1, 3, 5)
    (score_line,) = _twin_of(ax).get_lines()
    scored = [row for row in history if "score_mean" in row]
    assert [row["epoch"] for row in scored] == [1, 3, 5]
    np.testing.assert_array_equal(score_line.get_xdata(), [1, 3, 5])
    np.testing.assert_allclose(score_line.get_ydata(), [row["score_mean"] for row in scored])

    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[: len(fitted.classes_)] == [f"class {c}" for c in fitted.classes_]
    assert "subset size" in legend
    assert "mean score r" in legend


def test_plot_curriculum_accepts_net_and_history(fitted):
    heights = []
    for source in (fitted, fitted.net_, fitted.net_.history, list(fitted.net_.history)):
        ax = plot_curriculum(source)
        heights.append([_bar_heights(c).tolist() for c in ax.containers])
        plt.close(ax.figure)
    assert all(h == heights[0] for h in heights)


def test_plot_curriculum_without_curriculum_draws_the_full_class_counts(tmp_path, data):
    X, y = data
    clf = CLIMDClassifier(**{**FAST, "max_epochs": 3}, curriculum=None, random_state=0).fit(X, y)
    ax = plot_curriculum(clf)
    _render(ax, tmp_path / "baseline.png")
    # every epoch trains on every sample: the bars are the class counts, every epoch
    containers = [c for c in ax.containers if isinstance(c, BarContainer)]
    for c, container in enumerate(containers):
        np.testing.assert_array_equal(_bar_heights(container), [np.sum(y == c)] * 3)
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_ydata(), [len(y)] * 3)
    assert len(ax.figure.axes) == 1  # no score was recorded, so no twin axis


def test_plot_curriculum_hand_made_history_with_uneven_class_lists(tmp_path):
    history = [
        {"epoch": 1, "subset_size": 3, "class_counts": [2, 1], "score_mean": 0.2},
        {"epoch": 2, "subset_size": 6, "class_counts": [3, 2, 1]},
        {"epoch": 3, "subset_size": 9},
    ]
    ax = plot_curriculum(history)
    _render(ax, tmp_path / "hand.png")
    assert len(ax.containers) == 3
    np.testing.assert_array_equal(_bar_heights(ax.containers[2]), [0, 1])
    np.testing.assert_array_equal(_bar_bottoms(ax.containers[2]), [3, 5])


def test_plot_curriculum_errors():
    with pytest.raises(NotFittedError):
        plot_curriculum(CLIMDClassifier())
    with pytest.raises(ValueError, match="empty"):
        plot_curriculum([])
    with pytest.raises(TypeError, match="history"):
        plot_curriculum({"epoch": 1})
    with pytest.raises(TypeError):
        plot_curriculum([1, 2, 3])
    # a history without any curriculum key drew an empty Axes
    with pytest.raises(ValueError, match="neither class_counts nor subset_size"):
        plot_curriculum([{"epoch": 1, "train_loss": 0.5}])


@pytest.mark.parametrize("plot", [
    lambda ax: plot_schedule([5, 3], 3, ax=ax),
    lambda ax: plot_curriculum([{"epoch": 1, "subset_size": 3}], ax=ax),
    lambda ax: plot_training_curves([{"epoch": 1, "train_loss": 0.5}], ax=ax),
    lambda ax: plot_difficulty(pd.DataFrame({"score": [0.1, 0.2]}), [0, 1], ax=ax),
])
def test_an_ax_that_is_not_an_axes_is_a_type_error(plot):
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None, got str"):
        plot("nope")


# ---------------------------------------------------------------------- plot_training_curves
def test_plot_training_curves_matches_the_history(tmp_path, fitted):
    history = fitted.net_.history
    ax = plot_training_curves(fitted)
    _render(ax, tmp_path / "curves.png")
    train, valid = ax.get_lines()
    np.testing.assert_allclose(train.get_ydata(), history[:, "train_loss"])
    np.testing.assert_allclose(valid.get_ydata(), history[:, "valid_loss"])
    np.testing.assert_array_equal(train.get_xdata(), np.arange(1, 8))
    (f1,) = _twin_of(ax).get_lines()
    np.testing.assert_allclose(f1.get_ydata(), history[:, "valid_f1_macro"])
    assert _twin_of(ax).get_ylim() == (0.0, 1.0)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["train loss", "valid loss", "valid macro F1"]


def test_plot_training_curves_without_validation(tmp_path, data):
    X, y = data
    clf = CLIMDClassifier(**{**FAST, "max_epochs": 2}, random_state=0).fit(X, y)
    fig, ax_in = plt.subplots()
    ax = plot_training_curves(clf, ax=ax_in)
    assert ax is ax_in
    _render(ax, tmp_path / "curves.png")
    (train,) = ax.get_lines()
    np.testing.assert_allclose(train.get_ydata(), clf.net_.history[:, "train_loss"])
    assert fig.axes == [ax]


def test_plot_training_curves_needs_train_loss():
    with pytest.raises(ValueError, match="train_loss"):
        plot_training_curves([{"epoch": 1, "subset_size": 3}])


# -------------------------------------------------------------------------- no matplotlib
def test_missing_matplotlib_names_the_extra(monkeypatch):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install climd-sklearn\[plot\]"):
        plot_schedule([3, 1], 2)
    with pytest.raises(ImportError, match=r"pip install climd-sklearn\[plot\]"):
        plot_training_curves([{"train_loss": 1.0}])


# --------------------------------------------------------------------------- plot_difficulty
def test_plot_difficulty_draws_quartiles_per_class_and_names_the_hardest(tmp_path):
    rng = np.random.RandomState(0)
    labels = np.array(["benign", "malignant", "rare"])[np.repeat([0, 1, 2], [30, 12, 6])]
    index = pd.Index([f"p{i}" for i in range(len(labels))], name="patient")
    frame = pd.DataFrame({"phi": 0.0, "score": rng.rand(len(labels))}, index=index)
    fig, ax_in = plt.subplots()
    ax = plot_difficulty(frame, labels, n_hardest=4, ax=ax_in)
    assert ax is ax_in
    _render(ax, tmp_path / "difficulty.png")

    assert [t.get_text() for t in ax.get_yticklabels()] == ["benign", "malignant", "rare"]
    (boxes,) = ax.containers
    for c, name in enumerate(["benign", "malignant", "rare"]):
        q1, q3 = np.percentile(frame["score"][labels == name], [25, 75])
        patch = boxes.patches[c]
        assert patch.get_x() == pytest.approx(q1)
        assert patch.get_x() + patch.get_width() == pytest.approx(q3)
        assert patch.get_y() + patch.get_height() / 2 == pytest.approx(c)
    hardest = frame["score"].nsmallest(4)
    offsets = ax.collections[-1].get_offsets()
    np.testing.assert_allclose(offsets[:, 0], hardest.to_numpy())
    rows = np.searchsorted(["benign", "malignant", "rare"], labels[frame.index.get_indexer(
        hardest.index)])
    np.testing.assert_array_less(np.abs(offsets[:, 1] - rows), 0.25)  # on their class's row
    assert [t.get_text() for t in ax.texts] == hardest.index.tolist()
    all_points = ax.collections[-2].get_offsets()
    np.testing.assert_allclose(all_points[:, 0], frame["score"])


def test_plot_difficulty_of_a_fitted_classifier(tmp_path, data):
    X, y = data
    clf = CLIMDClassifier(**{**FAST, "max_epochs": 2}, random_state=0).fit(X, y)
    frame = clf.difficulty(X, y)
    ax = plot_difficulty(frame, y)
    _render(ax, tmp_path / "fitted.png")
    assert len(ax.texts) == 10
    ax = plot_difficulty(frame, y, n_hardest=0)
    assert len(ax.texts) == 0 and len(ax.collections) == 3  # whiskers, medians, points


@pytest.mark.parametrize(
    "frame, y, n_hardest, match",
    [
        (pd.DataFrame({"phi": [0.1, 0.2]}), [0, 1], 1, "score"),
        (pd.DataFrame({"score": [0.1, 0.2]}), [0, 1, 1], 1, "one label per row"),
        (pd.DataFrame({"score": [0.1, 0.2]}), [0, 1], -1, "n_hardest"),
        (pd.DataFrame({"score": [0.1, 0.2]}), [0, 1], 1.5, "n_hardest"),
        (pd.DataFrame({"score": []}), [], 1, "frame has no rows"),  # was an IndexError
        (pd.DataFrame({"score": [0.1, np.nan]}, index=["a", "b"]), [0, 1], 1,
         r"'score' is NaN in rows \['b'\]"),
        (pd.DataFrame({"score": [0.1, "a"]}), [0, 1], 1, "'score' column must hold numbers"),
    ],
)
def test_plot_difficulty_rejects_bad_arguments(frame, y, n_hardest, match):
    with pytest.raises(ValueError, match=match):
        plot_difficulty(frame, y, n_hardest=n_hardest)
