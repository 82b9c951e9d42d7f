"""Build ``data/mfeat.npz`` from the UCI Multiple Features CSV files.

Run from the repository root::

    python -m climd_sklearn.datasets._build_mfeat [--source DIR] [--output FILE]

``--source`` defaults to ``../shared/data/mfeat`` next to the repository and ``--output`` to the
package file ``climd_sklearn/datasets/data/mfeat.npz``. Each ``mfeat-<view>.csv`` has a header
row of column indices and the class label in its last column; the six files must agree on the
labels. A view is stored as float32 when every value survives the float32 round trip exactly
(its shortest float32 decimal text parses back to the same float64 as the CSV text), else as
float64. The labels are stored as ``target`` (uint8).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from climd_sklearn.datasets._base import EXACT_FLOATS

__all__: list[str] = []

#: View names in the order used by :func:`climd_sklearn.datasets.load_mfeat`.
VIEWS: tuple[str, ...] = ("fou", "fac", "kar", "pix", "zer", "mor")
#: Number of features of each view.
N_FEATURES: dict[str, int] = {"fou": 76, "fac": 216, "kar": 64, "pix": 240, "zer": 47, "mor": 6}

_REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = _REPO_ROOT.parent / "shared" / "data" / "mfeat"
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "data" / "mfeat.npz"


def _smallest_exact_float(values: np.ndarray) -> np.ndarray:
    """Return ``values`` as float32 if no value changes through float32, else as float64."""
    distinct = np.unique(values)  # the text conversion is slow: check each value once
    if np.array_equal(distinct.astype(np.float32).astype(str).astype(np.float64), distinct):
        return values.astype(np.float32)
    return values


def read_mfeat_csvs(source: str | Path = DEFAULT_SOURCE) -> dict[str, np.ndarray]:
    """Read the six ``mfeat-<view>.csv`` files into arrays.

    Parameters
    ----------
    source : str or Path, default=DEFAULT_SOURCE
        Folder holding ``mfeat-fou.csv`` ... ``mfeat-mor.csv``.

    Returns
    -------
    dict of str to ndarray
        One float array per view (float32 when lossless, else float64) and ``"target"``, the
        uint8 labels.

    Raises
    ------
    FileNotFoundError
        If a CSV file is missing.
    ValueError
        If a file has an unexpected shape, non-integral labels, or labels that differ from
        those of the first file.
    """
    source = Path(source)
    arrays: dict[str, np.ndarray] = {}
    target: np.ndarray | None = None
    for view in VIEWS:
        path = source / f"mfeat-{view}.csv"
        if not path.is_file():
            raise FileNotFoundError(f"Missing mfeat file: {path}")
        table = pd.read_csv(
            path, header=None, skiprows=1, dtype=np.float64, **EXACT_FLOATS
        ).to_numpy()
        expected = (2000, N_FEATURES[view] + 1)
        if table.shape != expected:
            raise ValueError(f"{path} has shape {table.shape}; expected {expected}.")
        labels = table[:, -1]
        if not np.array_equal(labels, np.round(labels)):
            raise ValueError(f"{path}: the labels in the last column are not integers.")
        labels = labels.astype(np.uint8)
        if target is None:
            target = labels
        elif not np.array_equal(labels, target):
            n_diff = int(np.sum(labels != target))
            raise ValueError(
                f"{path}: the labels differ from those of mfeat-{VIEWS[0]}.csv in {n_diff} rows."
            )
        arrays[view] = _smallest_exact_float(table[:, :-1])
    assert target is not None
    arrays["target"] = target
    return arrays


def build(source: str | Path = DEFAULT_SOURCE, output: str | Path = DEFAULT_OUTPUT) -> Path:
    """Convert the mfeat CSV files into one compressed ``.npz`` file.

    Parameters
    ----------
    source : str or Path, default=DEFAULT_SOURCE
        Folder holding the six ``mfeat-<view>.csv`` files.
    output : str or Path, default=DEFAULT_OUTPUT
        Path of the ``.npz`` file to write.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    FileNotFoundError
        If a CSV file is missing.
    ValueError
        If the files are malformed or disagree on the labels.
    """
    arrays = read_mfeat_csvs(source)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(output, **arrays)
    return output


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point: build the package's ``mfeat.npz``.

    Parameters
    ----------
    argv : list of str or None, default=None
        Command-line arguments; ``None`` reads ``sys.argv``.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    path = build(args.source, args.output)
    with np.load(path) as npz:
        dtypes = ", ".join(f"{k} {npz[k].shape} {npz[k].dtype}" for k in npz.files)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB): {dtypes}")


if __name__ == "__main__":
    main()
