"""Plug-and-play: two fusion architectures with and without CLIMD (the paper's Table 3 analog).

Usage::

    python benchmarks/plug_and_play.py           # full protocol (benchmarks/results/)
    python benchmarks/plug_and_play.py --quick   # tiny smoke run (1 split, 2 epochs)

The protocol (settings, methods, regimes, splits) is defined in
``climd_sklearn.benchmark._protocols.PROTOCOLS["plug_and_play"]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from climd_sklearn.benchmark._protocols import protocol_main


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the plug_and_play benchmark.

    Parameters
    ----------
    argv : sequence of str or None
        Command-line arguments (see ``--help``).

    Returns
    -------
    result : dict
        Records, summary rows and the paths written.
    """
    return protocol_main("plug_and_play", argv)


if __name__ == "__main__":
    main()
