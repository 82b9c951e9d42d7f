"""Benchmark engine: methods, data settings, runner, statistics, figures and protocols.

The scripts in ``benchmarks/`` and the ``climd-bench`` command are thin layers over this
subpackage.
"""

from ._data import DEFAULT_ROSMAP, Setting, Split, make_setting
from ._like_for_like import run_like_for_like
from ._like_for_like_methods import CANDIDATES as LIKE_FOR_LIKE_CANDIDATES
from ._like_for_like_methods import DEFAULT_METHODS as LIKE_FOR_LIKE_METHODS
from ._like_for_like_report import write_like_for_like
from ._like_for_like_settings import DEFAULT_SETTINGS as LIKE_FOR_LIKE_SETTINGS
from ._methods import REGIMES, Method, get_method, list_methods, modality_columns
from ._records import load_records as load_like_for_like_records
from ._records import swap_in_refits
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
    "LIKE_FOR_LIKE_CANDIDATES",
    "LIKE_FOR_LIKE_METHODS",
    "LIKE_FOR_LIKE_SETTINGS",
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
    "load_like_for_like_records",
    "machine_info",
    "make_setting",
    "modality_columns",
    "paired_wilcoxon",
    "run_benchmark",
    "run_like_for_like",
    "score",
    "summary_markdown",
    "swap_in_refits",
    "write_like_for_like",
    "write_results",
]
