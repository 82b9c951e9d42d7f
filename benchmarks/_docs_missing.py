"""Section 5 of Part 2 of docs/benchmarks.md: missing modalities.

``benchmarks/make_docs.py`` loads this file and places the section; the protocol's prose is fixed
text, and every number comes from ``missing_modalities.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from climd_sklearn.benchmark._missing import (
    missing_markdown,
    missing_notes,
    parse_missing_setting,
)

MISSING_TEXT = """\
This section compares CLIMD's own handling of missing modalities (a row of NaN in a modality:
the encoders and the measurer skip it) with the two usual workarounds. For each rate
r, each (sample, modality) cell of the training data and, independently, of each evaluation
set is removed with probability r (the modality's columns set to NaN for that row; the draw is
seeded by split, rate and data part and is the same for every strategy). **A sample left with
no modality gets one modality back, chosen uniformly at random**, since a sample without any
modality can be neither trained on nor predicted. r = 0 is the reference with nothing removed.
Every strategy is the same CLIMDClassifier (lr 1e-3, 30 epochs, batch 32, `curriculum="climd"`,
the rest default) behind a `StandardScaler`, which ignores NaN when it is fitted and keeps it
when it transforms. *native*: the classifier gets the NaN rows. *drop incomplete*: trained on
the training samples with every modality present; the test samples still need predictions, so
their missing modalities are filled with the means of those complete training samples; it is
not fitted (and the table says so) in a split where a class has fewer than
{min_complete} complete training samples. *mean imputation*: `SimpleImputer(strategy="mean")`
fitted on the training data, before the classifier, at training and test time. Anchor for
scale, not a neural net: *{anchor}* (C = 0.1).
At r = 0 nothing is missing and the three strategies are the same model (same steps, data and
seed, the imputer passing the data through; a one-off check gave identical probabilities on
ROSMAP and the synthetic set), so it is fitted once per split and recorded under each name.
Settings: ROSMAP IR 1 evaluated on its balanced test split, and mfeat LT rho 10 evaluated on
the balanced and the long-tailed held-out fold; {n_splits} splits each. p is the two-sided
Wilcoxon test against *native* over the splits on macro F1; "native wins/losses" counts the
splits where native's macro F1 is higher / lower.

This table ran on 2026-11-27, before `variant="improved"` became the default: its classifier
is the paper's configuration (one early-fusion network, cross-entropy, highest score first) at
lr 1e-3 and 30 epochs, which `benchmarks/missing_modalities.py` now names as
`variant="paper"`. Today's default on missing modalities, against mean imputation and tuned
anchors on 25 splits, is in Part 1, section *missing modalities under today's default*.
"""


def missing_section(data: Mapping[str, Any]) -> str:
    """The missing-modality section: protocol, shares of missing data, winners, tables.

    Parameters
    ----------
    data : mapping
        The loaded ``missing_modalities.json``.

    Returns
    -------
    text : str
        Markdown.
    """
    config, rows = data["config"], data["summary"]
    methods = config["methods"]
    strategies, anchor = methods[:3], methods[3] if len(methods) > 3 else None
    skipped = config.get("skipped", [])
    text = [MISSING_TEXT.format(min_complete=config.get("min_complete_per_class", 2),
                                anchor=anchor, n_splits=config["splits"])]
    shares: dict[tuple[str, float], list[float]] = {}
    for info in config.get("missingness", []):
        parsed = parse_missing_setting(info["setting"])
        if parsed is not None and parsed[1] > 0:
            shares.setdefault(parsed, []).append(info["train_complete"])
    if shares:
        text.append("Share of training samples left complete (all modalities present), mean "
                    "over splits: " + "; ".join(
                        f"{base} at {100 * rate:g} %: {100 * sum(v) / len(v):.1f} %"
                        for (base, rate), v in shares.items()) + ".\n")
    if skipped:
        by: dict[str, int] = {}
        for s in skipped:
            by[s["setting"]] = by.get(s["setting"], 0) + 1
        text.append("*drop incomplete* could not be fitted (a class with fewer than "
                    f"{config.get('min_complete_per_class', 2)} complete training samples) in: "
                    + "; ".join(f"{k}, {v} of {config['splits']} splits"
                                for k, v in sorted(by.items())) + ".\n")
    text.append("**Which strategy wins where** (mean macro F1, %, over the splits; only "
                "strategies fitted on every split compete; with "
                f"{config['splits']} splits no p below 0.0625 is possible):\n")
    text.append("\n".join(missing_notes(rows, strategies, anchor, skipped)) + "\n")
    text.append(missing_markdown(rows, methods, skipped, config["splits"]))
    return "\n".join(text)
