"""Ablation of CLIMD's measurer, scheduler and ordering (the paper's Table 4 analog).

Usage::

    python benchmarks/ablation.py           # full protocol (benchmarks/results/)
    python benchmarks/ablation.py --quick   # tiny smoke run (1 split, 2 epochs)

The protocol (settings, methods, regimes, splits) is defined in
``climd_sklearn.benchmark._protocols.PROTOCOLS["ablation"]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from climd_sklearn.benchmark._protocols import protocol_main


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the ablation benchmark.

    Parameters
    ----------
    argv : sequence of str or None
        Command-line arguments (see ``--help``).

    Returns
    -------
    result : dict
        Records, summary rows and the paths written.
    """
    return protocol_main("ablation", argv)


if __name__ == "__main__":
    main()
