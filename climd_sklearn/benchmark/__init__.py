"""Benchmark engine: methods, data settings, runner, statistics, figures and protocols.

The scripts in ``benchmarks/`` and the ``climd-bench`` command are thin layers over this
subpackage.
"""

from ._data import DEFAULT_ROSMAP, Setting, Split, make_setting
from ._methods import REGIMES, Method, get_method, list_methods, modality_columns
from ._runner import (
    METRICS,
    ProgressLine,
    aggregate,
    fit_and_score,
    machine_info,
    paired_wilcoxon,
    run_benchmark,
    score,
    summary_markdown,
    write_results,
)

__all__ = [
    "DEFAULT_ROSMAP",
    "METRICS",
    "REGIMES",
    "Method",
    "ProgressLine",
    "Setting",
    "Split",
    "aggregate",
    "fit_and_score",
    "get_method",
    "list_methods",
    "machine_info",
    "make_setting",
    "modality_columns",
    "paired_wilcoxon",
    "run_benchmark",
    "score",
    "summary_markdown",
    "write_results",
]
