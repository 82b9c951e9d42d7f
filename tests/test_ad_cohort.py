"""The AD cohort's reader and setting, on a hand-made Debian package in r-cran-modeldata's
layout: an ``ar`` archive whose ``data.tar.xz`` holds an R lazy-load database written with
rdata's writer, ``ad_data`` (a tibble) stored behind another object. The real package is
not bundled; the test on it runs only where it is present."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import os
import re
import sys
import tarfile
import zlib
from dataclasses import dataclass, field

import numpy as np
import pytest

from climd_sklearn.benchmark import _ad_cohort as ad
from climd_sklearn.benchmark import _like_for_like as l4l

N = 20
#: The fake frame's columns in file order: panel analytes interleaved with the named columns,
#: ``Ab_42`` before ``tau``, so that the reader must select by name and keep the file's order.
_ORDER = ("IL_6", "Betacellulin", "age", "Ab_42", "VEGF", "tau", "p_tau", "male", "Genotype",
          "Class")
#: ``E2E2`` is a level no patient has: it still gets its (all-zero) indicator.
_GENOTYPES = ("E2E2", "E2E3", "E3E3", "E3E4", "E4E4")
_IMPAIRED = np.arange(N) % 4 == 0  # 5 of 20


@dataclass
class _RFactor:
    """An R factor for the writer: 1-based codes (NA where ``missing``) and levels."""

    codes: np.ndarray
    levels: tuple[str, ...]
    missing: np.ndarray = field(default_factory=lambda: np.zeros(N, bool))


@dataclass
class _RTibble:
    """An R tibble for the writer: columns by name, in order."""

    columns: dict


def _columns():
    i = np.arange(N)
    return {
        "IL_6": 0.5 + i,
        "Betacellulin": (100 + i).astype(np.int32),  # an integer column, as in the real file
        "age": 0.98 + i / 1000,
        "Ab_42": 10.0 + i,
        "VEGF": -1.0 * i,
        "tau": 5 + i / 10,
        "p_tau": 4 + i / 100,
        "male": (i % 2).astype(float),
        "Genotype": _RFactor((1 + i % 4 + 1).astype(np.int32), _GENOTYPES),  # E2E3 .. E4E4
        "Class": _RFactor(np.where(_IMPAIRED, 1, 2).astype(np.int32), ("Impaired", "Control")),
    }


def _r_constructors(rdata):
    from rdata.conversion.to_r import build_r_object
    from rdata.missing import R_INT_NA
    from rdata.parser import RObjectType

    def factor(data, converter):
        codes = np.ma.array(np.where(data.missing, R_INT_NA, data.codes).astype(np.int32),
                            mask=data.missing, fill_value=R_INT_NA)
        attrs = converter.convert_to_r_attributes(
            {"levels": np.array(data.levels), "class": "factor"})
        return build_r_object(RObjectType.INT, value=codes, is_object=True, attributes=attrs)

    def tibble(data, converter):
        # the columns first: rdata numbers a repeated symbol ("class") by when it is
        # converted, R's stream by when it is written, and the columns come first there
        values = [converter.convert_to_r_object(v) for v in data.columns.values()]
        attrs = converter.convert_to_r_attributes({
            "names": np.array(list(data.columns)),
            "row.names": np.ma.array(np.array([R_INT_NA, -len(values[0].value)], np.int32),
                                     mask=[True, False], fill_value=R_INT_NA),  # c(NA, -n)
            "class": np.array(["tbl_df", "tbl", "data.frame"])})
        return build_r_object(RObjectType.VEC, value=values, is_object=True, attributes=attrs)

    return {_RFactor: factor, _RTibble: tibble}


def _serialize(rdata, obj):
    r_data = rdata.conversion.convert_python_to_r_data(
        obj, constructor_dict=_r_constructors(rdata), file_type="rds")
    return rdata.unparser.unparse_data(r_data, file_format="xdr", file_type="rds")


def _blob(raw, compressed):
    """A lazy-load blob as R's ``R_compress1/2/3`` write it."""
    body = {1: zlib.compress(raw), 2: b"2" + bz2.compress(raw),
            3: b"Z" + lzma.compress(raw, format=lzma.FORMAT_RAW,
                                    filters=[{"id": lzma.FILTER_LZMA2, "preset": 6}])}
    return len(raw).to_bytes(4, "big") + body[compressed]


def _database(rdata, frame, compressed=3):
    """``Rdata.rdx`` and ``Rdata.rdb``: another object first, ``ad_data``, then a third."""
    objects = {"Chicago": np.arange(7.0), "ad_data": frame, "ames": np.arange(3.0)}
    rdb, variables = b"", {}
    for name, obj in objects.items():
        blob = _blob(_serialize(rdata, obj), compressed)
        variables[name] = np.array([len(rdb), len(blob)], np.int32)
        rdb += blob
    flag = np.array([True]) if compressed == 1 else np.array([compressed], np.int32)
    rdx = _serialize(rdata, {"variables": variables, "references": {}, "compressed": flag})
    return gzip.compress(rdx), rdb


def _tar_xz(files):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:xz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo("./" + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _deb(path, rdx, rdb):
    """An ``ar`` archive as dpkg-deb writes it, with an odd-sized member before the data."""
    data = _tar_xz({"usr/lib/R/site-library/modeldata/DESCRIPTION": b"Package: modeldata\n",
                    ad.AD_DATABASE + ".rdx": rdx, ad.AD_DATABASE + ".rdb": rdb})
    members = {"debian-binary": b"2.0\n", "control.tar.xz": _tar_xz({"control": b"x\n"}),
               "_odd": b"abc", "data.tar.xz": data}
    out = b"!<arch>\n"
    for name, content in members.items():
        out += f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{len(content):<10}`\n".encode()
        out += content + (b"\n" if len(content) % 2 else b"")
    path.write_bytes(out)
    return str(path)


def _write(tmp_path, columns=None, compressed=3, name="ad.deb"):
    rdata = pytest.importorskip("rdata")
    frame = _RTibble({k: (columns or _columns())[k] for k in _ORDER})
    return _deb(tmp_path / name, *_database(rdata, frame, compressed))


@pytest.mark.parametrize("compressed", [3, 2, 1], ids=["xz", "bzip2", "zlib"])
def test_reads_three_modalities_and_the_label(tmp_path, compressed):
    X, y = ad.load_ad_biomarkers(_write(tmp_path, compressed=compressed), checksum=False)
    i = np.arange(N)
    assert list(X) == ["panel", "csf", "clinical"]
    assert {k: v.shape for k, v in X.items()} == {"panel": (N, 3), "csf": (N, 3),
                                                   "clinical": (N, 7)}
    assert all(v.dtype == float for v in X.values())
    # panel: every other column, in file order (IL_6, Betacellulin, VEGF)
    np.testing.assert_array_equal(X["panel"], np.column_stack([0.5 + i, 100 + i, -1.0 * i]))
    # csf by name: tau, p_tau, Ab_42 (the file has Ab_42 first)
    np.testing.assert_array_equal(X["csf"], np.column_stack([5 + i / 10, 4 + i / 100,
                                                             10.0 + i]))
    np.testing.assert_array_equal(X["clinical"][:, 0], 0.98 + i / 1000)  # age
    np.testing.assert_array_equal(X["clinical"][:, 1], i % 2)  # male
    # one indicator per level of the factor, in level order; E2E2 has no patient
    onehot = np.zeros((N, 5))
    onehot[i, 1 + i % 4] = 1
    np.testing.assert_array_equal(X["clinical"][:, 2:], onehot)
    np.testing.assert_array_equal(y, _IMPAIRED)  # Impaired = 1, Control = 0
    assert y.dtype.kind == "i" and ad.AD_CLASSES == ("Control", "Impaired")


def test_checksum_and_missing_file_are_errors(tmp_path):
    path = _write(tmp_path)
    digest = hashlib.sha256((tmp_path / "ad.deb").read_bytes()).hexdigest()
    with pytest.raises(ValueError, match=rf"ad\.deb' has SHA-256 {digest}, expected "
                                         rf"{ad.AD_SHA256}"):
        ad.load_ad_biomarkers(path)
    with pytest.raises(FileNotFoundError, match=re.escape(ad.AD_HOWTO)):
        ad.load_ad_biomarkers(str(tmp_path / "absent.deb"))
    assert "r-cran-modeldata_1.1.0-1_all.deb https://deb.debian.org/debian/pool/main/r/" \
           "r-cran-modeldata/r-cran-modeldata_1.1.0-1_all.deb" in ad.AD_HOWTO
    assert ad.DEFAULT_AD.endswith(os.path.join("benchmarks", "data",
                                               "r-cran-modeldata_1.1.0-1_all.deb"))


@pytest.mark.parametrize("column", ["VEGF", "Betacellulin", "tau", "age", "Genotype", "Class"])
def test_a_missing_value_names_patient_row_and_column(tmp_path, column):
    missing = pytest.importorskip("rdata.missing")
    columns = _columns()
    value = columns[column]
    if isinstance(value, _RFactor):
        value.missing[6] = True
    elif value.dtype == np.int32:
        value[6] = missing.R_INT_NA  # R's NA_integer_
    else:
        value[6] = missing.R_FLOAT_NA  # R's NA_real_
    path = _write(tmp_path, columns)
    with pytest.raises(ValueError, match=rf"missing value \(patient row 7, column '{column}'\)"):
        ad.load_ad_biomarkers(path, checksum=False)


def test_an_unexpected_class_label_is_an_error(tmp_path):
    columns = _columns()
    codes = columns["Class"].codes
    codes[3] = 3
    columns["Class"] = _RFactor(codes, ("Impaired", "Control", "Demented"))
    with pytest.raises(ValueError, match=r"unexpected class label\(s\) \['Demented'\]"):
        ad.load_ad_biomarkers(_write(tmp_path, columns), checksum=False)
    columns = _columns()  # an unused extra level is no error
    columns["Class"] = _RFactor(columns["Class"].codes, ("Impaired", "Control", "Demented"))
    _, y = ad.load_ad_biomarkers(_write(tmp_path, columns, name="b.deb"), checksum=False)
    np.testing.assert_array_equal(y, _IMPAIRED)


def test_other_bad_contents_are_errors(tmp_path):
    columns = _columns()
    columns["male"][2] = 2.0
    with pytest.raises(ValueError, match=r"column 'male' holds \[0\. 1\. 2\.\], not 0 or 1"):
        ad.load_ad_biomarkers(_write(tmp_path, columns), checksum=False)
    columns = _columns()
    columns["Genotype"] = np.zeros(N)
    with pytest.raises(ValueError, match="column 'Genotype' is not a factor"):
        ad.load_ad_biomarkers(_write(tmp_path, columns, name="b.deb"), checksum=False)
    not_deb = tmp_path / "not.deb"
    not_deb.write_bytes(b"PK\x03\x04")
    with pytest.raises(ValueError, match="is not a Debian package"):
        ad.load_ad_biomarkers(str(not_deb), checksum=False)


def test_without_rdata_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    path = _deb(tmp_path / "ad.deb", b"rdx", b"rdb")  # rdata is never reached to parse them
    monkeypatch.setitem(sys.modules, "rdata", None)  # import rdata raises ImportError
    with pytest.raises(ImportError, match="pip install rdata"):
        ad.load_ad_biomarkers(path, checksum=False)


def test_setting_is_repeated_stratified_cv_on_the_untouched_cohort(tmp_path, monkeypatch):
    path = _write(tmp_path)
    real = ad.load_ad_biomarkers
    monkeypatch.setattr(ad, "load_ad_biomarkers", lambda p: real(p, checksum=False))
    setting = l4l.like_for_like_setting(f"ad_biomarkers:{path}")
    assert setting.name == l4l.setting_name("ad_biomarkers") == "AD biomarkers impairment"
    assert l4l.setting_name(f"ad_biomarkers:{path}") == setting.name
    assert setting.layout == {"panel": 3, "csf": 3, "clinical": 7}
    assert l4l.DEFAULT_SPLITS["ad_biomarkers"] == 25 == l4l.splits_of("ad_biomarkers")
    ages = 0.98 + np.arange(N) / 1000
    folds = []
    for split in setting.splits(10):
        X_te, y_te = split.evals["untouched"]
        assert list(split.evals) == ["untouched"]
        np.testing.assert_array_equal(np.bincount(y_te), [3, 1])  # stratified: 5 of 20
        np.testing.assert_array_equal(np.bincount(split.y_train), [12, 4])  # none dropped
        age_te = X_te[:, 6]  # layout order: panel 3, csf 3, then age
        np.testing.assert_array_equal(y_te, np.isin(age_te, ages[_IMPAIRED]))
        assert not set(age_te) & set(split.X_train[:, 6])
        folds.append(frozenset(age_te))
    assert len(set(folds)) == 10 and set().union(*folds[:5]) == set(ages)


@pytest.mark.skipif(not os.path.isfile(ad.DEFAULT_AD),
                    reason="r-cran-modeldata not fetched (see AD_HOWTO)")
def test_the_real_package_matches_its_description():
    pytest.importorskip("rdata")
    X, y = ad.load_ad_biomarkers()  # checksum checked
    assert {k: v.shape for k, v in X.items()} == {"panel": (333, 124), "csf": (333, 3),
                                                  "clinical": (333, 8)}
    np.testing.assert_array_equal(np.bincount(y), [242, 91])
    # APOE E2E2, E2E3, E2E4, E3E3, E3E4, E4E4
    np.testing.assert_array_equal(X["clinical"][:, 2:].sum(0), [2, 37, 8, 167, 106, 13])
    assert not np.isnan(np.hstack(list(X.values()))).any()
