"""Real files of each type an evidence may be, made in code (pypdf, Pillow, python-docx, openpyxl, and an OLE
compound file by hand), for the evidence tests to upload as they are or damaged."""

import io
import struct

from docx import Document
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter


def pdf(pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="mat-khau", owner_password="chu-so-huu")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image(image_format, size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, image_format)
    return buffer.getvalue()


def png():
    return image("PNG")


def jpeg():
    return image("JPEG")


def docx():
    document = Document()
    document.add_paragraph("Biên bản kiểm tra cơ sở vật chất, học kỳ I.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx():
    workbook = Workbook()
    workbook.active.append(["Trường", "Số phòng học thông minh"])
    workbook.active.append(["Tiểu học A1", 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ole(*names):
    """A minimal OLE compound file (.doc, .xls) whose directory holds a root and the given streams or storages:
    a 512-byte header, then one directory sector of four 128-byte entries, padded to three sectors."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = struct.pack("<H", 0x3E)
    header[26:28] = struct.pack("<H", 3)
    header[28:30] = b"\xfe\xff"
    header[30:32] = struct.pack("<H", 9)  # 512-byte sectors
    header[32:34] = struct.pack("<H", 6)
    header[48:52] = struct.pack("<I", 0)  # the directory starts at sector 0
    entries = b""
    for name, kind in [("Root Entry", 5), *[(n, 1 if n in ("Macros", "VBA") else 2) for n in names]]:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry = bytearray(128)
        entry[0:len(encoded)] = encoded
        entry[64:66] = struct.pack("<H", len(encoded))
        entry[66] = kind
        entries += bytes(entry)
    return bytes(header) + entries.ljust(512 * 3, b"\x00")
