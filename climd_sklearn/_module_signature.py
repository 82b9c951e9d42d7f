"""What a torch module class takes: its keywords and their defaults, through its bases.

The estimator accepts any module class (``module=``); before it passes a lever's keyword
(``linear_path``, ``modality_dropout``, ``n_members``) it asks the class's signature whether
the class names it, and what its default is.
"""

from __future__ import annotations

import inspect
from typing import Any

__all__ = ["argument_default", "names_argument", "takes_argument"]


def takes_argument(module: Any, name: str) -> bool:
    """Whether ``module(...)`` accepts the keyword ``name`` (or any keyword)."""
    parameters = inspect.signature(module).parameters.values()
    return any(p.name == name or p.kind is p.VAR_KEYWORD for p in parameters)


def _named_parameter(module: Any, name: str) -> inspect.Parameter | None:
    """The parameter ``name`` of ``module``'s signature, itself or through a base; or None.

    A class whose ``__init__`` passes ``**kwargs`` on takes the parameter of the first base
    class whose ``__init__`` names ``name``.
    """
    parameters = inspect.signature(module).parameters
    if name in parameters:
        return parameters[name]
    if not inspect.isclass(module) or not any(
            p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return None
    for base in module.__mro__[1:]:
        if "__init__" in vars(base) and name in inspect.signature(base.__init__).parameters:
            return inspect.signature(base.__init__).parameters[name]
    return None


def names_argument(module: Any, name: str) -> bool:
    """Whether ``module``'s signature names the keyword ``name``, itself or through a base.

    For a lever the module must implement, such as ``modality_dropout``, a bare ``**kwargs``
    is not enough: it would take the value and might ignore it. A class whose ``__init__``
    passes ``**kwargs`` on counts when a base class's ``__init__`` names ``name`` (a
    subclass of :class:`~climd_sklearn.modules.EnsembleFusionNet`, say).
    """
    return _named_parameter(module, name) is not None


def argument_default(module: Any, name: str) -> Any:
    """The default of ``module``'s keyword ``name``, itself or through a base; None if none.

    As in :func:`names_argument`, a class whose ``__init__`` passes ``**kwargs`` on takes the
    default of the first base class whose ``__init__`` names ``name``: a subclass of
    :class:`~climd_sklearn.modules.EnsembleFusionNet` that adds one argument still has the
    parent's ten members.
    """
    parameter = _named_parameter(module, name)
    if parameter is None or parameter.default is inspect.Parameter.empty:
        return None
    return parameter.default
