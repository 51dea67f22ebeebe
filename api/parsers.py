"""The API's request bodies: JSON, always read as UTF-8."""

from rest_framework.parsers import JSONParser


class UTF8JSONParser(JSONParser):
    """JSON read as UTF-8 whatever charset the Content-Type names: JSON has no other encoding between systems (RFC
    8259 defines no charset parameter), and a client that labels its UTF-8 body "charset=iso-8859-1" would
    otherwise have "Ghi chú" saved as "Ghi chÃº". A byte-order mark is skipped; a body that is not UTF-8 is
    refused as unreadable (400 parse_error), never saved garbled."""

    def parse(self, stream, media_type=None, parser_context=None):
        return super().parse(stream, media_type, {**(parser_context or {}), "encoding": "utf-8-sig"})
