"""Pickles stamped with the climd-sklearn version that wrote them."""

from __future__ import annotations

import warnings

from ._version import __version__

__all__ = ["VersionedPickleMixin"]


class VersionedPickleMixin:
    """Stamp the pickled state with the package version and warn when another one loads it.

    A fitted model holds a torch module whose behaviour may change between releases, so a
    model saved by one version and loaded by another says so instead of silently predicting
    differently (scikit-learn does the same for its own version).
    """

    def __getstate__(self) -> dict:
        """Pickle state, stamped with the climd-sklearn version that wrote it.

        Returns
        -------
        state : dict
            The estimator's state.
        """
        return dict(super().__getstate__(), _climd_sklearn_version=__version__)

    def __setstate__(self, state: dict) -> None:
        """Restore a pickled estimator, warning when another package version wrote it.

        Parameters
        ----------
        state : dict
            The state written by :meth:`__getstate__`.
        """
        saved = state.pop("_climd_sklearn_version", "unknown")
        if saved != __version__:
            warnings.warn(
                f"This {type(self).__name__} was saved with climd-sklearn {saved} and is "
                f"loaded with {__version__}; results may differ. Refit it, or load it with "
                f"climd-sklearn {saved}.",
                UserWarning,
                stacklevel=2,
            )
        super().__setstate__(state)
