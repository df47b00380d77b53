"""Reading an uploaded script: plain text (UTF-8 or GB18030) or a Word .docx, with limits on size.

Pure: no Flask, no database. A .docx is a zip: its entries and their unpacked sizes are checked before
python-docx opens it, so a zip bomb is refused rather than unpacked.
"""

from __future__ import annotations

import io
import zipfile

from lms.messages import N_

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 2000


class DocumentError(ValueError):
    pass


def read_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(N_("the file is neither UTF-8 nor GB18030 text"))


def read_docx(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocumentError(N_("the file is not a valid .docx (Word) document")) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            raise DocumentError(N_("the .docx unpacks to more than 20 MB; save the script as a smaller file"))
        if "word/document.xml" not in archive.namelist():
            raise DocumentError(N_("the file is not a valid .docx (Word) document"))
    import docx  # python-docx and lxml (about 10 MiB per worker) load with the first .docx, not at start

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds for a broken package
        raise DocumentError(N_("the file is not a valid .docx (Word) document")) from None
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def read_upload(filename: str, data: bytes) -> str:
    """The script text of an uploaded file named ``filename``."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise DocumentError(N_("the file is larger than 2 MB"))
    name = filename.lower()
    if name.endswith(".txt"):
        return read_text(data)
    if name.endswith(".docx"):
        return read_docx(data)
    raise DocumentError(N_("only .txt and .docx files can be checked"))
