"""Helpers of the sphinx-gallery configuration (kept out of conf.py so the config pickles)."""

from __future__ import annotations

from typing import Any


def reset_torch(gallery_conf: dict[str, Any], fname: str) -> None:
    """Before each example: one torch thread (CI has 2 shared cores) and a fixed seed.

    Parameters
    ----------
    gallery_conf : dict
        The sphinx-gallery configuration.
    fname : str
        The example's file name.
    """
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)


class ExampleOrder:
    """Sort key of the gallery: the examples in reading order, any others after them by name.

    Parameters
    ----------
    src_dir : str
        The gallery's source folder (passed by sphinx-gallery, unused).
    """

    ORDER = (
        "plot_quickstart.py",
        "plot_resampling_vs_climd.py",
        "plot_column_transformer.py",
        "plot_grid_search_curriculum.py",
        "plot_custom_module.py",
        "plot_curriculum.py",
    )

    def __init__(self, src_dir: str) -> None:
        self.src_dir = src_dir

    def __call__(self, filename: str) -> tuple[int, str]:
        """Return the sort key of ``filename``."""
        rank = self.ORDER.index(filename) if filename in self.ORDER else len(self.ORDER)
        return rank, filename

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"
