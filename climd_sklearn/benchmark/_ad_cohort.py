"""The Knight ADRC biomarker cohort, read out of the R lazy-load database of a Debian package.

**AD biomarkers** (:func:`ad_biomarkers_setting`): 333 participants of the Knight Alzheimer's
Disease Research Center (Craig-Schapiro et al., PLoS ONE 2011), 91 of them cognitively
impaired (clinical dementia rating above 0), with the cerebrospinal fluid (CSF) levels of 124
proteins of a multiplexed immunoassay panel and of the three established CSF markers (tau,
phosphorylated tau and amyloid beta 42), age, sex and APOE genotype. It is the data frame
``ad_data`` of the MIT-licensed R package modeldata 1.1.0, the version of Kuhn and Johnson's
*Applied Predictive Modeling* (a modified version of the published values, already
transformed: ``age``, for one, is 1 - 1 / age in years), read from Debian's package of it,
``r-cran-modeldata`` 1.1.0-1. It is not bundled with this package: :data:`AD_HOWTO` fetches
the package file and :func:`load_ad_biomarkers` checks it against :data:`AD_SHA256`; on
Debian 12 ``apt-get download r-cran-modeldata=1.1.0-1`` fetches the same file.

No R is needed. A Debian package is an ``ar`` archive whose ``data.tar.*`` member holds the
installed files; an R package's data sit there as a lazy-load database: ``Rdata.rdx``, an
RDS file whose ``variables`` map each object's name to the (offset, length) of its blob in
``Rdata.rdb``, and whose ``compressed`` says how the blobs are compressed. A blob is the
length of the serialized object (4 bytes, big-endian) followed, for ``compressed`` 2 and 3,
by a type byte (``Z`` xz as a raw LZMA2 stream, ``2`` bzip2, ``1`` zlib, ``0`` none) and
the compressed object, for ``compressed`` 1 directly by a zlib stream (0: the serialized
object alone). The serialized object itself is parsed by the package rdata
(``pip install rdata``).
"""

from __future__ import annotations

import bz2
import io
import lzma
import os
import posixpath
import tarfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._cohorts import _check_sha256, _cohort_as_it_comes, _describe_cohort
from ._data import _REPO_ROOT, Setting

__all__ = ["AD_CLASSES", "AD_HOWTO", "AD_SHA256", "DEFAULT_AD", "ad_biomarkers_setting",
           "load_ad_biomarkers"]

#: The Debian package file that holds the cohort (r-cran-modeldata 1.1.0-1).
AD_FILE = "r-cran-modeldata_1.1.0-1_all.deb"
#: SHA-256 of :data:`AD_FILE` as Debian's archive serves it.
AD_SHA256 = "66c2e08bb4bf695d972b1e72ea44d5af9ada3c42841793d3871017f7b896bf95"
#: Where the benchmark looks by default: ``benchmarks/data/`` of the repository (ignored by git).
DEFAULT_AD = os.path.join(_REPO_ROOT, "benchmarks", "data", AD_FILE)
#: Shell commands that put the file at :data:`DEFAULT_AD` (run from the repository root).
AD_HOWTO = (
    "mkdir -p benchmarks/data && curl -fL -o benchmarks/data/" + AD_FILE
    + " https://deb.debian.org/debian/pool/main/r/r-cran-modeldata/" + AD_FILE
)
#: The lazy-load database inside the package, without its ``.rdx`` / ``.rdb`` suffix.
AD_DATABASE = "usr/lib/R/site-library/modeldata/data/Rdata"
#: The object of :data:`AD_DATABASE` that holds the cohort (a tibble).
AD_OBJECT = "ad_data"
#: The diagnosis of each label code: 0 = ``"Control"``, 1 = ``"Impaired"``.
AD_CLASSES = ("Control", "Impaired")

_CSF = ("tau", "p_tau", "Ab_42")
_CLINICAL_NUMERIC = ("age", "male")
_GENOTYPE, _LABEL = "Genotype", "Class"
#: The columns that are not analytes of the multiplexed panel.
_NOT_PANEL = (*_CSF, *_CLINICAL_NUMERIC, _GENOTYPE, _LABEL)


@dataclass(frozen=True)
class _Factor:
    """An R factor as stored: 1-based codes (masked where NA) and the levels."""

    codes: np.ndarray
    levels: tuple[str, ...]


@dataclass(frozen=True)
class _Frame:
    """An R data frame (or tibble): its columns by name, in order, and its row names."""

    columns: dict[str, Any]
    row_names: list[str]


def _as_factor(value: Any, attrs: Mapping[str, Any]) -> _Factor:
    return _Factor(np.ma.asarray(value), tuple(str(level) for level in attrs["levels"]))


def _as_frame(value: Any, attrs: Mapping[str, Any]) -> _Frame:
    if not isinstance(value, dict):
        raise ValueError(f"A data frame without column names: {type(value).__name__}.")
    names = attrs["row.names"]
    if len(names) == 2 and np.ma.getmaskarray(names)[0]:  # R's compact c(NA, -n): 1 to n
        rows = [str(i + 1) for i in range(abs(int(names[1])))]
    else:
        rows = [str(name) for name in np.asarray(names)]
    return _Frame({str(k): v for k, v in value.items()}, rows)


#: rdata's constructors for the R classes of ``ad_data``: the values are kept as R stores
#: them (factor codes, masked NAs) instead of pandas' conversions.
_CONSTRUCTORS = {"tbl_df": _as_frame, "tbl": _as_frame, "data.frame": _as_frame,
                 "factor": _as_factor}


def _rdata() -> Any:
    try:
        import rdata
    except ImportError as exc:
        raise ImportError("Reading an R lazy-load database needs the package rdata: "
                          "pip install rdata (or the test or bench extra).") from exc
    return rdata


def _deb_files(path: str, wanted: tuple[str, ...]) -> dict[str, bytes]:
    """The named files of a Debian package's ``data.tar.*`` member, by installed path."""
    with open(path, "rb") as fh:
        if fh.read(8) != b"!<arch>\n":
            raise ValueError(f"{path!r} is not a Debian package (no ar archive header).")
        while header := fh.read(60):
            if len(header) != 60 or header[58:60] != b"`\n":
                raise ValueError(f"{path!r}: a damaged ar member header {header!r}.")
            name, size = header[:16].decode("ascii").strip().rstrip("/"), int(header[48:58])
            if name.startswith("data.tar"):
                member = fh.read(size)
                break
            fh.seek(size + size % 2, os.SEEK_CUR)  # members are padded to an even length
        else:
            raise ValueError(f"{path!r} has no data.tar member.")
    try:
        archive = tarfile.open(fileobj=io.BytesIO(member), mode="r:*")
    except tarfile.ReadError as exc:
        raise ValueError(f"{path!r}: its {name} cannot be read ({exc}).") from exc
    found = {}
    with archive:
        for info in archive:
            installed = posixpath.normpath(info.name).lstrip("/")
            if installed in wanted and info.isfile():
                found[installed] = archive.extractfile(info).read()
    missing = [w for w in wanted if w not in found]
    if missing:
        raise ValueError(f"{path!r} lacks the file(s) {missing}.")
    return found


def _unpack_blob(blob: bytes, compressed: int) -> bytes:
    """A lazy-load blob's serialized object (R's ``R_decompress1/2/3``)."""
    if compressed == 0:
        return blob
    if len(blob) < 5:
        raise ValueError(f"A lazy-load blob of {len(blob)} bytes.")
    size = int.from_bytes(blob[:4], "big")
    if compressed == 1:
        payload = zlib.decompress(blob[4:])
    elif compressed in (2, 3):
        kind, body = blob[4:5], blob[5:]
        if kind == b"Z":  # no match reaches further back than the object's own length
            dictionary = max(size, 4096)  # (liblzma's smallest dictionary)
            payload = lzma.decompress(body, format=lzma.FORMAT_RAW, filters=[
                {"id": lzma.FILTER_LZMA2, "dict_size": dictionary}])
        elif kind == b"2":
            payload = bz2.decompress(body)
        elif kind == b"1":
            payload = zlib.decompress(body)
        elif kind == b"0":
            payload = body
        else:
            raise ValueError(f"A lazy-load blob of unknown compression type {kind!r}.")
    else:
        raise ValueError(f"Unknown lazy-load compression {compressed}.")
    if len(payload) != size:
        raise ValueError(f"A lazy-load blob unpacks to {len(payload)} bytes, not the "
                         f"{size} it declares.")
    return payload


def _lazy_load_object(rdx: bytes, rdb: bytes, name: str) -> Any:
    """One object of an R lazy-load database, converted by :data:`_CONSTRUCTORS`."""
    rdata = _rdata()
    index = rdata.conversion.convert(rdata.parser.parse_data(rdx, extension=".rds"))
    if name not in index["variables"]:
        raise ValueError(f"The lazy-load database has no object {name!r}; it has "
                         f"{sorted(index['variables'])}.")
    offset, length = (int(v) for v in index["variables"][name])
    if offset < 0 or length <= 0 or offset + length > len(rdb):
        raise ValueError(f"Object {name!r} at bytes {offset} to {offset + length} lies "
                         f"outside the database's {len(rdb)} bytes.")
    compressed = int(np.asarray(index["compressed"]).item())
    blob = _unpack_blob(rdb[offset:offset + length], compressed)
    return rdata.conversion.convert(rdata.parser.parse_data(blob, extension=".rds"),
                                    constructor_dict=_CONSTRUCTORS)


def _column(frame: _Frame, name: str, where: str) -> np.ndarray:
    """A numeric column as floats; a missing value (NA or NaN) is an error."""
    value = frame.columns[name]
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "iuf":
        raise ValueError(f"{where}: column {name!r} is not numeric "
                         f"({type(value).__name__}).")
    missing = np.ma.getmaskarray(value) | np.isnan(np.ma.getdata(value).astype(float))
    _check_present(frame, name, missing, where)
    return np.ma.getdata(value).astype(float)


def _check_present(frame: _Frame, name: str, missing: np.ndarray, where: str) -> None:
    if missing.any():
        row = frame.row_names[int(np.flatnonzero(missing)[0])]
        raise ValueError(f"{where} has a missing value (patient row {row}, column {name!r}).")


def _factor(frame: _Frame, name: str, where: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """A factor column's 0-based codes and levels; a missing value is an error."""
    value = frame.columns[name]
    if not isinstance(value, _Factor):
        raise ValueError(f"{where}: column {name!r} is not a factor "
                         f"({type(value).__name__}).")
    _check_present(frame, name, np.ma.getmaskarray(value.codes), where)
    codes = np.ma.getdata(value.codes).astype(int) - 1
    if ((codes < 0) | (codes >= len(value.levels))).any():
        raise ValueError(f"{where}: column {name!r} has codes outside its "
                         f"{len(value.levels)} levels.")
    return codes, value.levels


def load_ad_biomarkers(
    path: str = DEFAULT_AD, checksum: bool = True
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Read the Knight ADRC cohort as three modalities and a binary label.

    Parameters
    ----------
    path : str, default=DEFAULT_AD
        The Debian package file (see :data:`AD_HOWTO`).
    checksum : bool, default=True
        Check the file against :data:`AD_SHA256`.

    Returns
    -------
    X : dict of str to ndarray
        ``"panel"``: the analytes of the multiplexed immunoassay panel, in the data frame's
        order (every column but those named here); ``"csf"``: the established CSF markers
        ``tau``, ``p_tau`` and ``Ab_42``; ``"clinical"``: ``age``, ``male`` and one indicator
        per APOE genotype, the levels of the R factor ``Genotype`` in their order. One row
        per patient, in the data frame's order.
    y : ndarray of int
        ``Class``, coded as :data:`AD_CLASSES` lists them: 1 = impaired, 0 = control.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist (the message gives :data:`AD_HOWTO`).
    ValueError
        If the checksum differs, the file is not the package expected, a column is missing
        or of the wrong type, a value is missing, ``male`` is not 0 or 1, or a class is
        neither of :data:`AD_CLASSES`.
    ImportError
        If the package rdata is not installed.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"The AD cohort's package not found at {path!r}; from the repository root run: "
            f"{AD_HOWTO}")
    if checksum:
        _check_sha256(path, AD_SHA256, f"Debian's {AD_FILE}")
    rdx, rdb = AD_DATABASE + ".rdx", AD_DATABASE + ".rdb"
    files = _deb_files(path, (rdx, rdb))
    frame = _lazy_load_object(files[rdx], files[rdb], AD_OBJECT)
    where = f"{AD_OBJECT} in {path!r}"
    if not isinstance(frame, _Frame):
        raise ValueError(f"{where} is not a data frame ({type(frame).__name__}).")
    missing = [n for n in _NOT_PANEL if n not in frame.columns]
    if missing:
        raise ValueError(f"{where} lacks the column(s) {missing}.")
    panel = [n for n in frame.columns if n not in _NOT_PANEL]
    male = _column(frame, "male", where)
    if not np.isin(male, (0.0, 1.0)).all():
        raise ValueError(f"{where}: column 'male' holds {np.unique(male)}, not 0 or 1.")
    genotype, genotypes = _factor(frame, _GENOTYPE, where)
    label, classes = _factor(frame, _LABEL, where)
    names = np.asarray(classes)[label]
    if not np.isin(names, AD_CLASSES).all():
        raise ValueError(f"{where}: unexpected class label(s) "
                         f"{sorted(set(names.tolist()) - set(AD_CLASSES))}; expected "
                         f"{AD_CLASSES}.")
    X = {
        "panel": np.column_stack([_column(frame, n, where) for n in panel]),
        "csf": np.column_stack([_column(frame, n, where) for n in _CSF]),
        "clinical": np.column_stack(
            [_column(frame, "age", where), male]
            + [(genotype == k).astype(float) for k in range(len(genotypes))]),
    }
    return X, (names == AD_CLASSES[1]).astype(int)


def ad_biomarkers_setting(path: str = DEFAULT_AD, n_folds: int = 5) -> Setting:
    """The AD cohort as it comes: repeated stratified CV, evaluated on the held-out fold.

    Parameters
    ----------
    path : str, default=DEFAULT_AD
        The Debian package file of :func:`load_ad_biomarkers`.
    n_folds : int, default=5
        Folds per repeat of ``RepeatedStratifiedKFold(random_state=0)``.

    Returns
    -------
    setting : Setting
        Named ``"AD biomarkers impairment"``; one evaluation, ``"untouched"`` (the held-out
        fold at the cohort's own ratio of 242 controls to 91 impaired), as GSE7390's.
    """
    Xd, y = load_ad_biomarkers(path)
    return _cohort_as_it_comes(
        "AD biomarkers impairment", Xd, y, n_folds,
        _describe_cohort("Knight ADRC AD biomarkers",
                         [f"{y.size} patients, {int(y.sum())} impaired"], Xd))
