"""Validate outputs against their published standards (schemas vendored in tests/standards/).

Each validator raises ``AssertionError`` listing every violation, so a test can simply call it:

- ``validate_odf(path)``: an ODF 1.2 package (``.odt``, ``.ods``, ...): ``content.xml``,
  ``styles.xml``, ``meta.xml`` and ``settings.xml`` against the OASIS RELAX NG schema,
  ``META-INF/manifest.xml`` against the manifest schema (lxml's RelaxNG compiles both);
- ``validate_junit(xml_text)``: the Jenkins xUnit plugin's strict JUnit XSD (lxml XMLSchema);
- ``validate_sarif(obj)``: the OASIS SARIF 2.1.0 JSON Schema (jsonschema, draft-04);
- ``validate_report(obj)``: the project's own ``schemas/report.schema.json`` (draft 2020-12).
"""

from __future__ import annotations

import json
import zipfile
from functools import cache
from pathlib import Path
from typing import IO, Any

STANDARDS = Path(__file__).resolve().parent / "standards"
ROOT = Path(__file__).resolve().parent.parent
ODF_PARTS = ("content.xml", "styles.xml", "meta.xml", "settings.xml")


@cache
def _relaxng(name: str) -> Any:
    from lxml import etree

    return etree.RelaxNG(etree.parse(str(STANDARDS / name)))


@cache
def _xsd(name: str) -> Any:
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(STANDARDS / name)))


def _fail(what: str, errors: list[str]) -> None:
    if errors:
        raise AssertionError(f"{what} is not valid:\n" + "\n".join(errors[:20]))


def validate_odf(path: str | Path | IO[bytes]) -> None:
    """Every XML part of an ODF 1.2 package, and its mimetype entry, as the standard requires."""
    from lxml import etree

    errors: list[str] = []
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        if not names or names[0] != "mimetype":
            errors.append("mimetype: must be the first entry of the package")
        elif package.getinfo("mimetype").compress_type != zipfile.ZIP_STORED:
            errors.append("mimetype: must be stored uncompressed")
        checks = [(part, "OpenDocument-v1.2-os-schema.rng") for part in ODF_PARTS if part in names]
        checks.append(("META-INF/manifest.xml", "OpenDocument-v1.2-os-manifest-schema.rng"))
        for part, schema in checks:
            validator = _relaxng(schema)
            try:
                doc = etree.fromstring(package.read(part))
            except (KeyError, etree.XMLSyntaxError) as exc:
                errors.append(f"{part}: {exc}")
                continue
            if not validator.validate(doc):
                errors += [f"{part}:{e.line}:{e.column}: {e.message}" for e in validator.error_log]
    _fail(str(path), errors)


def validate_junit(xml_text: str) -> None:
    from lxml import etree

    schema = _xsd("jenkins-junit-10.xsd")
    doc = etree.fromstring(xml_text.encode("utf-8"))
    if not schema.validate(doc):
        _fail("JUnit XML", [f"{e.line}:{e.column}: {e.message}" for e in schema.error_log])


def _json_errors(schema: dict[str, Any], obj: Any) -> list[str]:
    import jsonschema

    cls = jsonschema.validators.validator_for(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.path)))]


@cache
def _json_schema(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def validate_sarif(obj: Any) -> None:
    _fail("SARIF log", _json_errors(_json_schema(STANDARDS / "sarif-schema-2.1.0.json"), obj))


def validate_report(obj: Any) -> None:
    """A JSON report against the checked-in ``schemas/report.schema.json``."""
    _fail("JSON report", _json_errors(_json_schema(ROOT / "schemas" / "report.schema.json"), obj))
