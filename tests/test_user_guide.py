"""The user guide's code blocks run as written, on small data of the shape they describe."""

import re
import textwrap
from pathlib import Path

import numpy as np
import sklearn
from sklearn.base import clone

from climd_sklearn._variants import VARIANT_PARAMS
from climd_sklearn.datasets import make_multimodal_classification

USER_GUIDE = Path(__file__).resolve().parents[1] / "docs" / "user_guide"


def python_blocks(rst: str) -> list[str]:
    """The ``.. code-block:: python`` bodies of an rst text, dedented, in order."""
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:(?: {4}.*)?\n)+)", rst)
    return [textwrap.dedent(block) for block in blocks]


def test_python_blocks_are_found_and_dedented():
    rst = ("text\n\n.. code-block:: python\n\n    a = 1\n\n    b = [a,\n         2]\n\nprose\n"
           "    not code\n\n.. code-block:: python\n\n    c = 3\n")
    assert python_blocks(rst) == ["a = 1\n\nb = [a,\n     2]\n\n", "c = 3\n"]


def test_wide_data_recipes_run():
    # modalities wider than the training set and a 3:1 binary target: the page's case
    X, y = make_multimodal_classification(80, n_modalities=2, n_features=[90, 120],
                                          weights=[0.75], random_state=0)
    namespace = {"X": X, "y": y}
    blocks = python_blocks((USER_GUIDE / "wide_data.rst").read_text())
    assert len(blocks) == 3
    for block in blocks:
        exec(compile(block, "wide_data.rst", "exec"), namespace)
    scores = namespace["scores"]
    assert set(scores) == {"default", "linear path and heads", "balanced LR",
                           "chosen by inner CV"}
    for name, values in scores.items():
        assert values.shape == (5,) and np.all((values >= 0) & (values <= 1)), name
    wide_options = namespace["wide_options"]
    assert wide_options.linear_path == "auto" == wide_options.heads_in_prediction
    # the search chooses between the default's settings and those two options
    chosen = namespace["chosen"]
    assert chosen.param_grid == [{"linear_path": [False], "heads_in_prediction": [False]},
                                 {"linear_path": ["auto"], "heads_in_prediction": ["auto"]}]
    assert chosen.scoring == "f1_macro" and chosen.cv.n_splits == 3
    # the page's case is wide (120 features for 80 patients, 64 per training fold), so both act
    fitted = clone(wide_options).set_params(max_epochs=2).fit(X, y)
    assert fitted.variant_params_["linear_path"] is True
    assert fitted.variant_params_["heads_in_prediction"] is True
    tuned = namespace["tuned"]
    assert 0 < tuned.best_threshold_ < 1
    assert tuned.estimator_.net_.module_.linear is None  # the default network, refitted


def test_input_forms_blocks_run_in_order(monkeypatch):
    # the page builds its own data in its first block; two epochs are enough to run it
    monkeypatch.setitem(VARIANT_PARAMS["improved"], "max_epochs", 2)
    blocks = python_blocks((USER_GUIDE / "input_forms.rst").read_text())
    assert len(blocks) == 11
    namespace = {}
    with sklearn.config_context():  # the routing block enables metadata routing
        for block in blocks:
            block = re.sub(r"max_epochs=\d+", "max_epochs=2", block)
            exec(compile(block, "input_forms.rst", "exec"), namespace)
    # the absence modality: methylation (the second column) absent for the first 50 samples
    absent = namespace["X_absent"]["absent"]
    assert absent.shape == (300, 3) and absent[:50, 1].all() and absent.sum() == 50
    # the last blocks' objects: the routed search, and the NaN form of the mask
    X_nan, present = namespace["X_nan"], namespace["present"]
    assert present.shape == (300, 3) and not present[:50, 1].any()
    assert np.isnan(X_nan[:50, 20:50]).all() and not np.isnan(X_nan[50:]).any()
    assert namespace["search"].best_estimator_.predict(namespace["X_all"]).shape == (300,)
