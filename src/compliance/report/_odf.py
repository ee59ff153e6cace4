"""What every OpenDocument file the project writes needs, whatever its kind (text, spreadsheet).

- ``declare_language``: the document's language in its default styles and metadata, so
  LibreOffice shapes 戶 and 臺 with Traditional Chinese glyphs (with no language, a CJK
  font falls back to its Japanese forms), plus a Traditional Chinese font for CJK text.
- ``keep_together``: dates that never break across lines (CJK text may break between any two
  characters, which would split 112年6月14日 after 月).
- ``write_package``: odfpy's package made valid ODF 1.2 (odfpy leaves out
  ``manifest:version``) and reproducible (fixed entry times instead of the clock).
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from typing import IO

from odf.dc import Language
from odf.opendocument import OpenDocument
from odf.style import DefaultStyle, FontFace, TextProperties

CJK_FONT = "Noto Sans CJK TC"  # fonts-noto-cjk, installed by .ci/run
_LOCALE = {"zh-TW": ("zh", "TW"), "en": ("en", "US")}
_ENTRY_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can carry
_MANIFEST = b"<manifest:manifest "
_VERSIONED = b'<manifest:manifest manifest:version="1.2" '
_WORD_JOINER = "\u2060"
# Only dates written with 年月日 can break: digits and slashes (112/06/14) are one word to
# the line breaker, but a line may break before or after any CJK character.
_LONG_DATE = re.compile(r"\d{1,4}年\d{1,2}月\d{1,2}日")
_BOUNDARY = re.compile(r"(?<=\d)(?=[年月日])|(?<=[年月])(?=\d)")


def declare_language(doc: OpenDocument, lang: str) -> None:
    """Western text in ``lang``; Asian text always Traditional Chinese (names and titles in
    an English document are still written in Chinese)."""
    language, country = _LOCALE[lang]
    doc.fontfacedecls.addElement(FontFace(name=CJK_FONT, fontfamily=f"'{CJK_FONT}'",
                                          fontfamilygeneric="swiss", fontpitch="variable"))
    for family in ("paragraph", "table-cell"):
        default = DefaultStyle(family=family)
        default.addElement(TextProperties(language=language, country=country, languageasian="zh",
                                          countryasian="TW", fontnameasian=CJK_FONT))
        doc.styles.addElement(default)
    doc.meta.addElement(Language(text=lang))


def keep_together(text: str) -> str:
    """``text`` with a word joiner (U+2060, LibreOffice's "no-width no break") wherever a line
    could break inside a date, so none does."""
    return _LONG_DATE.sub(lambda m: _BOUNDARY.sub(_WORD_JOINER, m.group(0)), text)


def write_package(doc: OpenDocument, stream: IO[bytes]) -> None:
    raw = BytesIO()
    doc.write(raw)
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(stream, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "META-INF/manifest.xml" and b"manifest:version=" not in data:
                data = data.replace(_MANIFEST, _VERSIONED, 1)
            entry = zipfile.ZipInfo(info.filename, _ENTRY_TIME)
            entry.compress_type = info.compress_type  # mimetype stays first and stored
            entry.external_attr = info.external_attr
            target.writestr(entry, data)
