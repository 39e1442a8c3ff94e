"""
Small but real files of each type attachments accept, built in memory: the demo content
attaches them and the tests upload them. Each is a well-formed file of its kind (a PDF
with a page, an OOXML package, an OLE2 compound file with its main stream, ...), not just
the right first bytes.
"""

import io
import struct
import zipfile
import zlib

from PIL import Image


def pdf(text="乌达党建"):
    """A one-page PDF (the text is drawn in a standard font, ASCII only)."""
    label = "".join(c if ord(c) < 128 else "?" for c in text) or "PDF"
    stream = f"BT /F1 24 Tf 72 720 Td ({label}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def image(kind="png", size=(64, 48), color=(179, 20, 27)):
    """A PNG, JPEG or GIF image drawn by Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format={"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF"}[kind])
    return buffer.getvalue()


_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/{main}" ContentType="{main_type}"/>{extra}
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{main}"/>
</Relationships>"""


_FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def _member(name):
    """A zip entry with a fixed time, so that the same sample is the same bytes on every call."""
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def _package(main, main_type, parts, extra_types=""):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            _member("[Content_Types].xml"), _CONTENT_TYPES.format(main=main, main_type=main_type, extra=extra_types)
        )
        package.writestr(_member("_rels/.rels"), _ROOT_RELS.format(main=main))
        for name, content in parts.items():
            package.writestr(_member(name), content)
    return buffer.getvalue()


def docx(text="乌达党建"):
    """A Word document with one paragraph."""
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )
    return _package(
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        {"word/document.xml": document},
    )


def xlsx(text="乌达党建"):
    """An Excel workbook with one sheet and one cell."""
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c></row></sheetData></worksheet>'
    )
    return _package(
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        {"xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": rels, "xl/worksheets/sheet1.xml": sheet},
        extra_types='\n<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>',
    )


def pptx():
    """A PowerPoint package (presentation part only)."""
    presentation = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>'
    )
    return _package(
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        {"ppt/presentation.xml": presentation},
    )


_ENDOFCHAIN, _FATSECT, _FREESECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF
_SECTOR = 512
_STREAM_SECTORS = 8  # 4096 bytes: at the mini-stream cutoff, so the stream lives in the FAT


def _directory_entry(name, kind, child, start, size):
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", _NOSTREAM, _NOSTREAM, child)
        + b"\0" * 16  # CLSID
        + b"\0" * 4  # state bits
        + b"\0" * 16  # creation and modification times
        + struct.pack("<IQ", start, size)
    )


def ole(stream_name="WordDocument", payload=b"Wuda"):
    """
    An OLE2 compound file (the container of .doc, .xls, .ppt and WPS's .wps, .et, .dps)
    holding one stream, as Office's own files hold their main stream.
    """
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0)
    )
    header += struct.pack("<I", 0) + struct.pack("<I", _FREESECT) * 108  # DIFAT: FAT in sector 0
    fat = [_FATSECT, _ENDOFCHAIN] + [3 + i for i in range(_STREAM_SECTORS - 1)] + [_ENDOFCHAIN]
    fat += [_FREESECT] * (_SECTOR // 4 - len(fat))
    directory = (
        _directory_entry("Root Entry", 5, 1, _ENDOFCHAIN, 0)
        + _directory_entry(stream_name, 2, _NOSTREAM, 2, _STREAM_SECTORS * _SECTOR)
        + _directory_entry("", 0, _NOSTREAM, 0, 0) * 2
    )
    data = payload.ljust(_STREAM_SECTORS * _SECTOR, b"\0")
    return header + struct.pack(f"<{len(fat)}I", *fat) + directory + data


OLE_STREAMS = {
    "doc": "WordDocument",
    "wps": "WordDocument",
    "xls": "Workbook",
    "et": "Workbook",
    "ppt": "PowerPoint Document",
    "dps": "PowerPoint Document",
}


def zip_archive():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_member("说明.txt"), "乌达党建")
    return buffer.getvalue()


def _vint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _rar_block(header_type, *fields):
    body = _vint(header_type) + b"".join(_vint(f) for f in fields)
    sized = _vint(len(body)) + body
    return struct.pack("<I", zlib.crc32(sized)) + sized


def rar_archive():
    """An empty RAR 5 archive: signature, main header, end-of-archive header."""
    return b"Rar!\x1a\x07\x01\x00" + _rar_block(1, 0, 0) + _rar_block(5, 0, 0)


def seven_zip_archive():
    """An empty 7z archive: signature header with no next header."""
    next_header = struct.pack("<QQI", 0, 0, 0)
    return b"7z\xbc\xaf\x27\x1c\x00\x04" + struct.pack("<I", zlib.crc32(next_header)) + next_header


def text(content="乌达区委组织部 通知\n请各单位按时报送材料。\n"):
    return content.encode("utf-8")


def build(extension, label="乌达党建"):
    """A sample file for an allowed extension."""
    if extension in OLE_STREAMS:
        return ole(OLE_STREAMS[extension])
    builders = {
        "pdf": lambda: pdf(label),
        "docx": lambda: docx(label),
        "xlsx": lambda: xlsx(label),
        "pptx": pptx,
        "zip": zip_archive,
        "rar": rar_archive,
        "7z": seven_zip_archive,
        "txt": lambda: text(),
        "jpg": lambda: image("jpg"),
        "jpeg": lambda: image("jpg"),
        "png": lambda: image("png"),
        "gif": lambda: image("gif"),
    }
    return builders[extension]()
