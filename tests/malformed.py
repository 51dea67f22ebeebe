"""The corpus of malformed inputs, shared by tests/targets/test_malformed_values.py,
tests/targets/test_malformed_evidence.py and tests/reports/test_malformed_school_reports.py.

Every case is generated here or in those files, in code and with fixed seeds; each is sent through the real
view as the persona who would send it, and must end in a page with a Vietnamese message saying what is wrong,
no server error, and not one row changed in the tables the view writes (compared whole, before and after).
Each case runs in a savepoint that is rolled back, so that one wrongly accepted case does not hide the next.
"""

import html
import io
import random
import zipfile
from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class Case:
    """One malformed input: a name to report it by, what is sent, the message the page must show."""

    name: str
    data: object
    message: str


def rows(models):
    """Every row of the tables, every column, in a comparable form (archived rows too: the base manager)."""
    return [list(model._base_manager.order_by("pk").values_list()) for model in models]


def page_text(response):
    return html.unescape(response.content.decode())


def flashed(response):
    """The messages a view left for the page it redirects to (shown there by the base template)."""
    from django.contrib.messages import get_messages

    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def check_refused(subtests, cases, send, models, shown=page_text):
    """Send each case; each must be refused with its message, without a server error or a changed row."""
    for case in cases:
        with subtests.test(msg=case.name):
            with transaction.atomic():
                before = rows(models)
                response = send(case)  # a server error raises here (the test client re-raises it)
                after = rows(models)
                transaction.set_rollback(True)
            assert response.status_code < 500
            assert after == before, f"{case.name}: rows changed"
            assert case.message in shown(response), f"{case.name}: “{case.message}” not shown"


# --- numbers as typed --------------------------------------------------------------------------------


TOO_LARGE = [
    "1000000000000", "1.000.000.000.000", "9" * 10_000, "999999999999999999", "1,000,000,000,000",
    "1000000000000,5", "123456789012345678901234567890", "1" + "0" * 400, "10.000.000.000.000.000",
]
NOT_A_NUMBER = [
    "1e400", "1E5", "2e-3", "NaN", "nan", "Infinity", "-Infinity", "inf", "0x10", "1_000", "١٢", "１２", "²", "½",
    "12abc", "abc", "--5", "5-", "+5", "1..2", "1,,2", "1.2.3,4", "mười hai", "5 học sinh", "1/2", "∞", "−5",
    "1\x002", "\ufeff5", "<script>alert(1)</script>", "'; DROP TABLE targets_progressvalue; --", "(5)", "5đ",
    "x" * 50_000, "5\u202e",
]
NEGATIVE = ["-1", "-0,5", "-1.318", "-999999999999"]
FRACTION = ["2,5", "0,1", "1.318,5", "12.5"]
PERCENT = ["50%", "50 %", "%", "100%", "0%", "%50"]


def number_cases(prefix, make, messages):
    """Cases for one figure: each list of bad numbers with the message it must get (make: text -> data)."""
    lists = {"too_large": TOO_LARGE, "not_a_number": NOT_A_NUMBER, "negative": NEGATIVE, "fraction": FRACTION,
             "percent": PERCENT}
    return [Case(f"{prefix} {kind} {text[:24]!r}", make(text), messages[kind])
            for kind, texts in lists.items() if kind in messages for text in texts]


# --- damaged zips --------------------------------------------------------------------------------------


def member_payloads(content):
    """(start, end) of each member's compressed bytes, the last two left out: the padding bits of a deflate
    stream's last byte may change without changing what it decompresses to."""
    spans = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            header = content[info.header_offset:info.header_offset + 30]
            start = info.header_offset + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(
                header[28:30], "little")
            if info.compress_size > 4:
                spans.append((start, start + info.compress_size - 2))
    return spans


def flipped(content, count, seed):
    """`count` copies of a zip with one byte of a member's compressed data changed, at seeded positions: each
    must fail its checksum (or its decompression) when read."""
    rng = random.Random(seed)
    spans = member_payloads(content)
    copies = []
    for _ in range(count):
        start, end = rng.choice(spans)
        position = rng.randrange(start, end)
        copy = bytearray(content)
        copy[position] ^= rng.randrange(1, 256)
        copies.append((position, bytes(copy)))
    return copies


def truncated(content, count, seed):
    """`count` prefixes of a file, at seeded lengths (the first byte, the half and all but the last among them)."""
    rng = random.Random(seed)
    lengths = sorted({1, len(content) // 2, len(content) - 1, *(rng.randrange(2, len(content) - 1)
                                                              for _ in range(count))})[:count]
    return [(length, content[:length]) for length in lengths]


def rewrite_zip(content, replace=None, add=None, drop=()):
    """The zip with some members' bytes replaced (name -> bytes or function of bytes), others added or dropped."""
    source, buffer = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename in drop:
                continue
            body = source.read(info)
            change = (replace or {}).get(info.filename)
            if change is not None:
                body = change(body) if callable(change) else change
            archive.writestr(info.filename, body)
        for name, body in (add or {}).items():
            archive.writestr(name, body)
    return buffer.getvalue()


def bomb(content, member, size):
    """A zip whose member is `size` zero bytes (it deflates a thousandfold)."""
    return rewrite_zip(content, add={member: b"\0" * size})


def lying_sizes(content, member):
    """A zip whose member says, in both its headers, that it unzips to 100 bytes: it unzips to more."""
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(member)
    name = member.encode()
    local = info.header_offset
    data[local + 22:local + 26] = (100).to_bytes(4, "little")
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = int.from_bytes(data[central + 28:central + 30], "little")
        if bytes(data[central + 46:central + 46 + name_length]) == name:
            data[central + 24:central + 28] = (100).to_bytes(4, "little")
            break
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)
