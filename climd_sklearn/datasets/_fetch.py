"""Download MOGONET's BRCA and ROSMAP folders once, verified, into a local cache."""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import tempfile
import urllib.error
import urllib.request
from importlib import resources
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ._mogonet import _check_labels, load_mogonet

__all__ = ["fetch_mogonet"]

_DATA_PACKAGE = "climd_sklearn.datasets"
_MANIFEST_NAME = "mogonet_manifest.tsv"
#: Environment variable naming the cache folder (``data_home``).
DATA_HOME_ENV = "CLIMD_SKLEARN_DATA"
#: Environment variable naming the base URL under which ``<NAME>/<file>`` is downloaded.
URL_ENV = "CLIMD_SKLEARN_MOGONET_URL"
_TIMEOUT_S = 60.0
_CHUNK = 1 << 16

#: What the pinned MOGONET commit says about each folder (its ``<NAME>/README.md``).
_DATASETS: dict[str, dict[str, object]] = {
    "BRCA": {
        "title": "TCGA breast invasive carcinoma (BRCA), PAM50 subtype classification",
        "target_names": ["Normal-like", "Basal-like", "HER2-enriched", "Luminal A", "Luminal B"],
        "caveat": "",
    },
    "ROSMAP": {
        "title": "ROSMAP, Alzheimer's disease (AD) patients versus normal control (NC)",
        "target_names": ["Normal Control", "Alzheimer's Disease"],
        "caveat": (
            "The underlying ROSMAP data come from the AMP-AD Knowledge Portal and carry its "
            "data-use terms; they are not bundled with this package."
        ),
    },
}
#: MOGONET's three modalities, in file order ``1_*``, ``2_*``, ``3_*``, for both sets.
_MODALITY_NAMES = ["mRNA", "meth", "miRNA"]


def _read_manifest() -> tuple[str, dict[str, list[tuple[str, str, int | None]]]]:
    """Return the pinned commit and ``{NAME: [(file, git blob sha1, size or None), ...]}``."""
    text = (resources.files(_DATA_PACKAGE) / "data" / _MANIFEST_NAME).read_text("utf-8")
    commit = re.search(r"commit ([0-9a-f]{40})", text)
    if commit is None:  # pragma: no cover - the shipped manifest has it
        raise RuntimeError(f"{_MANIFEST_NAME} does not name the MOGONET commit.")
    files: dict[str, list[tuple[str, str, int | None]]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        path, sha1, size = line.split("\t")
        name, _, filename = path.partition("/")
        # README.md documents the folder; load_mogonet reads the CSV files only.
        if filename.endswith(".csv"):
            files.setdefault(name, []).append(
                (filename, sha1, None if size == "unknown" else int(size)))
    return commit.group(1), files


def _data_home(data_home: str | os.PathLike[str] | None) -> Path:
    """``data_home``, else ``$CLIMD_SKLEARN_DATA``, else ``~/climd_sklearn_data``."""
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENV) or os.path.join("~", "climd_sklearn_data")
    return Path(data_home).expanduser()


def _base_url(commit: str) -> str:
    """``$CLIMD_SKLEARN_MOGONET_URL``, else the pinned commit's raw files on GitHub."""
    default = f"https://raw.githubusercontent.com/txWang/MOGONET/{commit}/"
    return (os.environ.get(URL_ENV) or default).rstrip("/") + "/"


def _git_blob_sha1(path: Path) -> str:
    """``sha1(b"blob <size>\\0" + data)``: what ``git hash-object`` prints for the file."""
    digest = hashlib.sha1(b"blob %d\0" % path.stat().st_size)
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _is_valid(path: Path, sha1: str, size: int | None) -> bool:
    """Whether ``path`` exists and has the expected size (when known) and blob SHA-1."""
    try:
        if size is not None and path.stat().st_size != size:
            return False
        return _git_blob_sha1(path) == sha1
    except FileNotFoundError:
        return False


def _network_error(exc: BaseException, label: str, url: str, advice: str) -> ConnectionError:
    """The :class:`ConnectionError` raised when ``label`` cannot be read from ``url``."""
    plain_url_error = isinstance(exc, urllib.error.URLError) and not isinstance(
        exc, urllib.error.HTTPError)
    reason = exc.reason if plain_url_error else exc
    return ConnectionError(f"Could not download {label} from {url}: {reason}. {advice}")


def _download(url: str, dest: Path, sha1: str, size: int | None, label: str) -> None:
    """Download ``url`` into a temporary file next to ``dest``, verify it, then rename it.

    The temporary file has a unique hidden ``.part`` name, so an interrupted download never
    leaves a file under the final name, and concurrent downloads of the same file do not
    write into each other's files: each one replaces ``dest`` atomically with a verified copy.
    """
    advice = (f"Check the connection and retry, set {URL_ENV} to a mirror holding "
              f"<name>/<file> (a file:// URL works), or copy the verified file to {dest}.")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        received = 0
        with os.fdopen(fd, "wb") as out:
            try:
                response = urllib.request.urlopen(url, timeout=_TIMEOUT_S)
            except (OSError, http.client.HTTPException) as exc:
                raise _network_error(exc, label, url, advice) from exc
            with response:
                length = response.headers.get("Content-Length")
                while True:
                    try:
                        chunk = response.read(_CHUNK)
                    except (OSError, http.client.HTTPException) as exc:
                        raise _network_error(exc, label, url, advice) from exc
                    if not chunk:
                        break
                    out.write(chunk)
                    received += len(chunk)
        if length is not None and received != int(length):
            raise ConnectionError(
                f"The download of {label} from {url} was cut after {received} of {length} "
                f"bytes; nothing was saved. {advice}")
        if not _is_valid(tmp, sha1, size):
            expected = sha1 if size is None else f"{sha1}, {size} bytes"
            raise OSError(
                f"{label} downloaded from {url} does not match MOGONET's pinned file "
                f"({received} bytes, git blob SHA-1 {_git_blob_sha1(tmp)}; expected "
                f"{expected}). The bad file was deleted. "
                f"Retry, or check that {URL_ENV} points to a copy of the pinned commit.")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _fetch_folder(
    name: str,
    data_home: str | os.PathLike[str] | None = None,
    download_if_missing: bool = True,
) -> Path:
    """Make sure ``<data_home>/mogonet/<NAME>/`` holds verified copies of the CSV files.

    Returns the folder (for :func:`~climd_sklearn.datasets.load_mogonet`).
    """
    commit, manifest = _read_manifest()
    key = name.upper() if isinstance(name, str) else None
    if key not in _DATASETS or key not in manifest:
        raise ValueError(f"Unknown MOGONET data set {name!r}; fetch_mogonet knows "
                         f"{', '.join(repr(k) for k in sorted(_DATASETS))}.")
    folder = _data_home(data_home) / "mogonet" / key
    todo = [entry for entry in manifest[key] if not _is_valid(folder / entry[0], *entry[1:])]
    if not todo:
        return folder
    if not download_if_missing:
        absent = [f for f, *_ in todo if not (folder / f).exists()]
        corrupt = [f for f, *_ in todo if (folder / f).exists()]
        details = []
        if absent:
            details.append(f"missing: {', '.join(absent)}")
        if corrupt:
            details.append(f"not matching MOGONET's checksums: {', '.join(corrupt)}")
        raise FileNotFoundError(
            f"{key} is not in the cache {folder} ({'; '.join(details)}) and "
            "download_if_missing=False. Call fetch_mogonet with download_if_missing=True "
            "(the default) to download it, or pass the data_home that holds it.")
    folder.mkdir(parents=True, exist_ok=True)
    base = _base_url(commit)
    for filename, sha1, size in todo:
        _download(f"{base}{key}/{filename}", folder / filename, sha1, size, f"{key}/{filename}")
    return folder


def fetch_mogonet(
    name: str,
    *,
    data_home: str | os.PathLike[str] | None = None,
    download_if_missing: bool = True,
) -> Bunch:
    """Load MOGONET's preprocessed BRCA or ROSMAP set, downloading it once into a cache.

    MOGONET (Wang et al., Nature Communications 2021) shares its preprocessed sets as folders
    of CSV files (:func:`load_mogonet` describes the layout). This function downloads the CSV
    files of one folder, as they are at the MOGONET commit pinned in the package's
    ``datasets/data/mogonet_manifest.tsv``, into ``<data_home>/mogonet/<NAME>/`` and reads
    them with :func:`load_mogonet`. Nothing is bundled with the package.

    Every file is checked against the manifest's git blob SHA-1
    (``sha1(b"blob <size>\\0" + data)``, what ``git hash-object`` prints) and its size where
    the manifest knows it, on download and on every later call; a cached file that does not
    match is downloaded again. A download goes to a hidden temporary file in the same folder
    that is renamed into place (``os.replace``) once verified, so an interrupted download
    never leaves a file under its final name, and processes that fetch at the same time all
    end up with valid files.

    ROSMAP's underlying data come from the AMP-AD Knowledge Portal and carry its data-use
    terms: read them before using the data, and do not redistribute the files.

    Parameters
    ----------
    name : {"BRCA", "ROSMAP"}
        The data set (case-insensitive).
    data_home : str or path-like or None, default=None
        The cache folder. ``None`` uses the environment variable ``CLIMD_SKLEARN_DATA``, or
        ``~/climd_sklearn_data`` when it is unset or empty.
    download_if_missing : bool, default=True
        If False, raise a :class:`FileNotFoundError` instead of downloading what is not in
        the cache.

    Returns
    -------
    :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        data : dict of str to ndarray of shape (n_samples, n_features_k)
            The modalities ``"mRNA"``, ``"meth"`` (DNA methylation) and ``"miRNA"`` (files
            ``1_*``, ``2_*`` and ``3_*``), float64, the training rows first, then the test
            rows.
        target : ndarray of shape (n_samples,)
            Integer class labels (int64), ``0 .. n_classes - 1``.
        train_index, test_index : ndarray of int
            MOGONET's fixed split: the rows of its ``*_tr.csv`` and ``*_te.csv`` files.
        feature_names : dict of str to list of str
            The feature names of each modality, in column order.
        modality_names : list of str
            ``["mRNA", "meth", "miRNA"]``.
        target_names : ndarray of str
            The class of each label, from the folder's README at the pinned commit. BRCA
            (PAM50 subtypes): 0 Normal-like, 1 Basal-like, 2 HER2-enriched, 3 Luminal A,
            4 Luminal B. ROSMAP: 0 Normal Control, 1 Alzheimer's Disease.
        DESCR : str
            The source, the modalities, the class counts per split and the cache folder.

    Raises
    ------
    ValueError
        If ``name`` is not a known data set (the message lists the known ones).
    FileNotFoundError
        If ``download_if_missing=False`` and a file is missing from the cache or does not
        match its checksum.
    ConnectionError
        If a file cannot be downloaded (no connection, an HTTP error, or a connection cut
        before the announced length); nothing is left under the file's name.
    OSError
        If a downloaded file does not match its checksum (the file is deleted).

    Notes
    -----
    The files come from ``$CLIMD_SKLEARN_MOGONET_URL/<NAME>/<file>`` when that environment
    variable is set (an HTTP(S) mirror, or ``file:///path/to/folder`` for a local copy whose
    ``<NAME>/`` subfolders hold the files), else from
    ``https://raw.githubusercontent.com/txWang/MOGONET/<commit>/<NAME>/<file>``. Only the CSV
    files are fetched (about 6 MB for ROSMAP).

    Examples
    --------
    >>> from climd_sklearn.datasets import fetch_mogonet
    >>> rosmap = fetch_mogonet("ROSMAP")  # doctest: +SKIP
    >>> X_train = {k: v[rosmap.train_index] for k, v in rosmap.data.items()}  # doctest: +SKIP
    >>> y_train = rosmap.target[rosmap.train_index]  # doctest: +SKIP
    >>> {k: v.shape for k, v in X_train.items()}  # doctest: +SKIP
    {'mRNA': (245, 200), 'meth': (245, 200), 'miRNA': (245, 200)}
    """
    folder = _fetch_folder(name, data_home, download_if_missing)
    key = folder.name
    commit, _ = _read_manifest()
    raw = load_mogonet(folder, modality_names=_MODALITY_NAMES)
    info = _DATASETS[key]
    target_names = np.asarray(info["target_names"])
    target = np.concatenate([raw.y_train, raw.y_test])
    _check_labels(target, folder, n_classes=target_names.size)
    n_train, n_test = raw.y_train.shape[0], raw.y_test.shape[0]
    descr = [
        f"{info['title']}.",
        "",
        f"MOGONET's preprocessed files (github.com/txWang/MOGONET, commit {commit}, MIT "
        "licence), Wang et al., Nature Communications 12, 3445 (2021).",
    ]
    if info["caveat"]:
        descr.append(str(info["caveat"]))
    descr += ["", "Classes: " + ", ".join(f"{i} {c}" for i, c in enumerate(target_names)),
              "", raw.DESCR]
    return Bunch(
        data={m: np.vstack([raw.X_train[m], raw.X_test[m]]) for m in raw.modality_names},
        target=target,
        train_index=np.arange(n_train),
        test_index=np.arange(n_train, n_train + n_test),
        feature_names=raw.feature_names,
        modality_names=raw.modality_names,
        target_names=target_names,
        DESCR="\n".join(descr),
    )
