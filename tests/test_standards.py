"""The validators themselves: each accepts a conforming document and rejects a broken one,
so a test that calls them cannot pass vacuously."""

from __future__ import annotations

import io
import zipfile

import pytest

from _standards import validate_junit, validate_odf, validate_sarif

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"{version}>
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""
CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
 <office:body><office:text>{body}</office:text></office:body>
</office:document-content>"""


def _odt(tmp_path, *, version=' manifest:version="1.2"', body="<text:p>x</text:p>", stored=True):
    path = tmp_path / "t.odt"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                   compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", CONTENT.format(body=body))
        z.writestr("META-INF/manifest.xml", MANIFEST.format(version=version))
    return path


def test_odf_accepts_a_minimal_valid_package(tmp_path):
    validate_odf(_odt(tmp_path))


@pytest.mark.parametrize("broken, expected", [
    ({"version": ""}, "manifest.xml"),
    ({"body": "<text:bogus/>"}, "content.xml"),
    ({"stored": False}, "mimetype"),
])
def test_odf_rejects(tmp_path, broken, expected):
    with pytest.raises(AssertionError, match=expected):
        validate_odf(_odt(tmp_path, **broken))


JUNIT = ('<testsuites><testsuite name="s" tests="1" failures="0" errors="0" skipped="0">'
         '<testcase name="c" classname="k"{extra}/></testsuite></testsuites>')


def test_junit_accepts_and_rejects():
    validate_junit(JUNIT.format(extra=""))
    with pytest.raises(AssertionError, match="file"):
        validate_junit(JUNIT.format(extra=' file="x.yaml"'))


def test_sarif_accepts_and_rejects():
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "compliance"}}, "results": []}]}
    validate_sarif(log)
    log["runs"][0]["results"] = [{"message": {"text": "m"}, "level": "fatal"}]
    with pytest.raises(AssertionError, match="level"):
        validate_sarif(log)


def test_odf_reads_bytes_too(tmp_path):
    # validate_odf takes a path or a file object (zipfile accepts both).
    validate_odf(io.BytesIO(_odt(tmp_path).read_bytes()))
