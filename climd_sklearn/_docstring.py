"""Docstring sharing: the :class:`Substitution` decorator and :func:`join_blocks`.

:class:`Substitution` works like imbalanced-learn's ``imblearn.utils._docstring.Substitution``:
it fills the ``{name}`` fields of a docstring with ``str.format``, so a docstring decorated
with it writes its literal braces doubled (``{{`` and ``}}``); the texts filled in are inserted
verbatim (their own braces single). A shared text starts at the column of a section header or
parameter name and indents its continuation lines as the docstrings it serves do (a class's
parameter description at 8 spaces, a method's at 12), so it can replace a field standing alone
on its line.

The texts live beside the names that use them: :mod:`climd_sklearn.curriculum._docstrings` for
the schedulers and pacing functions, the top of :mod:`climd_sklearn.modules`,
:mod:`climd_sklearn.losses` and :mod:`climd_sklearn.estimator` for theirs, and
:mod:`climd_sklearn._fit_options` for the estimator parameters it resolves.
"""

from __future__ import annotations

import string
from typing import TypeVar

__all__ = ["Substitution", "join_blocks"]

_T = TypeVar("_T")


class Substitution:
    """Decorator filling the ``{name}`` fields of a function's or class's docstring.

    Robust to ``__doc__`` being None (``python -OO``): the object is returned unchanged.

    Parameters
    ----------
    **params : str
        Texts keyed by field name. A field of the docstring without a text raises a
        KeyError, a text that no field of the docstring asks for a ValueError, both when the
        decorator is applied (at import).
    """

    def __init__(self, **params: str) -> None:
        self.params = params

    def __call__(self, obj: _T) -> _T:
        doc = getattr(obj, "__doc__", None)
        if not doc:
            return obj
        fields = {
            field.split(".")[0].split("[")[0]
            for _, field, _, _ in string.Formatter().parse(doc)
            if field
        }
        name = getattr(obj, "__qualname__", repr(obj))
        missing = sorted(fields - set(self.params))
        if missing:
            raise KeyError(f"The docstring of {name} has fields without a text: {missing}.")
        unused = sorted(set(self.params) - fields)
        if unused:
            raise ValueError(f"The docstring of {name} has no field for the texts {unused}.")
        obj.__doc__ = doc.format(**self.params)
        return obj


def join_blocks(*blocks: str) -> str:
    """Join docstring blocks into one text, one block a line, trailing white space dropped.

    Parameters
    ----------
    *blocks : str
        The blocks, each already indented as in the docstring it goes into (but the first
        line of the first block).

    Returns
    -------
    text : str
        The blocks joined by newlines.
    """
    return "\n".join(block.rstrip() for block in blocks)
