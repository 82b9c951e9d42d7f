"""Comparison with resampling, loss and non-neural baselines (the paper's Table 2 analog).

Usage::

    python benchmarks/comparison.py           # full protocol (benchmarks/results/)
    python benchmarks/comparison.py --quick   # tiny smoke run (1 split, 2 epochs)

The protocol (settings, methods, regimes, splits) is defined in
``climd_sklearn.benchmark._protocols.PROTOCOLS["comparison"]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from climd_sklearn.benchmark._protocols import protocol_main


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the comparison benchmark.

    Parameters
    ----------
    argv : sequence of str or None
        Command-line arguments (see ``--help``).

    Returns
    -------
    result : dict
        Records, summary rows and the paths written.
    """
    return protocol_main("comparison", argv)


if __name__ == "__main__":
    main()
