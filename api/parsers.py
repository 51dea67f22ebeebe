"""The API's request bodies: JSON, always read as UTF-8, holding only text a database can keep."""

import re

from rest_framework import exceptions
from rest_framework.parsers import JSONParser

# what JSON's \u escapes can write and no PostgreSQL text or jsonb column can hold: NUL, and half of a UTF-16 pair
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class UnstorableText(exceptions.ParseError):
    default_detail = ("Nội dung gửi lên có ký tự không lưu được (ký tự NUL hoặc nửa cặp UTF-16, “\\u0000”, "
                      "“\\ud800”…): hãy bỏ ký tự đó rồi gửi lại.")
    default_code = "parse_error"


class UTF8JSONParser(JSONParser):
    """JSON read as UTF-8 whatever charset the Content-Type names: JSON has no other encoding between systems (RFC
    8259 defines no charset parameter), and a client that labels its UTF-8 body "charset=iso-8859-1" would
    otherwise have "Ghi chú" saved as "Ghi chÃº". A byte-order mark is skipped; a body that is not UTF-8 is
    refused as unreadable (400 parse_error), never saved garbled. So is a body whose text (a key or a value) holds
    a character no database column can keep: echoed in a refusal (an unknown field is named) and kept with its
    Idempotency-Key, it made the server fail (500) instead of answering."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, {**(parser_context or {}), "encoding": "utf-8-sig"})
        refuse_unstorable(data)
        return data


def refuse_unstorable(data):
    """UnstorableText if any key or string of the parsed JSON holds a character no database column can keep."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                raise UnstorableText()
        elif isinstance(item, dict):
            for key, value in item.items():
                if isinstance(key, str) and UNSTORABLE.search(key):
                    raise UnstorableText()
                pending.append(value)
        elif isinstance(item, list):
            pending.extend(item)
