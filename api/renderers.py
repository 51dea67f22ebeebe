import csv
import io

from rest_framework.renderers import BaseRenderer

from .exchange import COLUMNS


class CSVRenderer(BaseRenderer):
    """The export's rows as CSV, in the exchange format's column order (api/exchange.py)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        stream = io.StringIO()
        write_csv(data, stream)
        return stream.getvalue().encode(self.charset)


def write_csv(rows, stream):
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if row.get(key) is None else row[key] for key in COLUMNS})
