"""The progress report as a PDF in the state format for administrative documents (Nghị định 30/2020).

Built from a ReportContent (reports/content.py), like the Excel workbook. WeasyPrint lays out the
HTML of templates/reports/report_pdf.html: A4, the official header, the summary with a status bar,
the target table by criterion with a sparkline per target, the tasks, the schools' narratives,
"Nơi nhận" and the signature block. The serif is the bundled Liberation Serif (metric-compatible with
Times New Roman, full Vietnamese), so a PDF looks the same on every machine.

A dense page costs WeasyPrint about 0.3 s, so the PDF holds what a reader reads: the tasks are
summarised by lead unit (the full list is in the Excel workbook), and a province's consolidation
gives per target the aggregate, the communes by status and those behind, not the whole matrix.
"""

from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from plans.models import TaskStatus
from targets.fields import format_percent

from .consolidation import BEHIND_NAMES_SHOWN, consolidate
from .content import (
    COMPLETION_NOTE,
    ReportCover,
    own_section_blocks,
    projection_cells,
    projection_scale_lines,
)
from .queries import ReportingRate

TEMPLATE = "reports/report_pdf.html"
CONSOLIDATED_TEMPLATE = "reports/report_pdf_consolidated.html"
FONT_DIR = "fonts/liberation-serif"
FONT_FILES = [("LiberationSerif-Regular.ttf", "normal", "normal"), ("LiberationSerif-Bold.ttf", "bold", "normal"),
              ("LiberationSerif-Italic.ttf", "normal", "italic"), ("LiberationSerif-BoldItalic.ttf", "bold", "italic")]
STATUS_COLOURS = {"met": "#1e7b34", "on_track": "#2e6da4", "at_risk": "#d49a1f", "behind": "#b42318",
                  "no_data": "#9aa3ad"}
TASK_ORDER = [TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.LATE, TaskStatus.NOT_STARTED]
LATE_TASKS_SHOWN = 15
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
ACHIEVEMENTS = "Kết quả đạt được"


def write_report_pdf(content) -> bytes:
    """The PDF of one unit's report, ready to sign and send up."""
    rows = content.rows
    leads = {row.lead for row in rows}
    context = {
        "c": content,
        "fonts": font_faces(),
        "summary": _summary(content.summary, content.summary_labels),
        "total": sum(content.summary.values()),
        "status_bar": mark_safe(status_bar_svg(content.summary, [key for key, _label in content.summary_labels])),
        "reporting_rate": _rate_text(content.reporting_rate),
        "common_lead": leads.pop() if len(leads) == 1 else None,
        "groups": [{"label": group.label, "rows": [_row(row) for row in group.rows]} for group in content.groups],
        "tasks": _tasks(content.tasks),
        "completion_note": COMPLETION_NOTE,
        "projection": _projection(content.projections),
        **_own_sections(content),
    }
    return HTML(string=render_to_string(TEMPLATE, context), base_url=str(settings.BASE_DIR),
                url_fetcher=FontsOnly()).write_pdf()


def write_consolidated_pdf(contents, title) -> bytes:
    """A parent's PDF across its communes: per target the aggregate, the communes by status and the
    names of those behind (the full commune x target matrix is in the consolidated Excel). `title`: the
    report's cover (content.ReportCover: official header, which communes sent, "Nơi nhận", signature),
    or a bare title."""
    labels = contents[0].summary_labels if contents else []
    summary = Counter()
    for content in contents:
        summary.update(content.summary)
    rate = ReportingRate(sum(c.submitted for c in contents), sum(c.schools for c in contents))
    context = {
        "title": str(title),
        "c": title if isinstance(title, ReportCover) else None,  # a bare title: no official blocks
        "fonts": font_faces(),
        "period_name": contents[0].period_name if contents else "",
        "communes": len(contents),
        # how the units consolidated are named: a province's communes, the country's provinces (a bare title: communes)
        "below": title.below if isinstance(title, ReportCover) else "xã, phường",
        "below_one": title.below_one if isinstance(title, ReportCover) else "xã",
        "summary": _summary(summary, labels),
        "total": sum(summary.values()),
        "status_bar": mark_safe(status_bar_svg(summary, [key for key, _label in labels])),
        "schools": rate.schools,
        "submitted": rate.submitted,
        "reporting_rate": _rate_text(rate),
        "groups": _consolidated_groups(contents, [key for key, _label in labels]),
        "status_labels": labels,
    }
    return HTML(string=render_to_string(CONSOLIDATED_TEMPLATE, context), base_url=str(settings.BASE_DIR),
                url_fetcher=FontsOnly()).write_pdf()


class FontsOnly(URLFetcher):
    """What a report's PDF may read besides its own HTML: the bundled font files and data: URLs, nothing else. The
    text of a report is the users' (plan titles, schools' narratives) and escaped; should any of it ever reach the
    HTML as markup, WeasyPrint's default fetcher would read any file of the server (file://) or any address its
    network reaches (http://, the internal services' included). Refused, a resource is left out with a warning."""

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.lower().startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if path not in _font_paths():
                raise ValueError(f"not a file a report may read: {url}")
        return super().fetch(url, headers)


def _font_paths():
    return {path for path, _weight, _style in _font_files()}


def font_faces():
    """The bundled serif as @font-face sources: absolute file:// URLs that WeasyPrint reads directly."""
    return [{"url": path.as_uri(), "weight": weight, "style": style} for path, weight, style in _font_files()]


def _font_files():
    files = []
    for name, weight, style in FONT_FILES:
        path = finders.find(f"{FONT_DIR}/{name}")
        if path is None:
            raise FileNotFoundError(f"static/{FONT_DIR}/{name} is missing: the PDF reports need their font")
        files.append((Path(path).resolve(), weight, style))
    return files


def status_bar_svg(counts, order, *, height_mm=6):
    """A horizontal bar split by status, in the colours of the legend; empty statuses take no room."""
    total = sum(counts.get(key, 0) for key in order)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height_mm}mm" '
             f'viewBox="0 0 1000 40" preserveAspectRatio="none" role="img">']
    if not total:
        parts.append('<rect x="0" y="0" width="1000" height="40" fill="#eef0f3"/>')
    x = 0.0
    for key in order:
        share = counts.get(key, 0) * 1000 / total if total else 0
        if share:
            colour = STATUS_COLOURS.get(key, "#777")
            parts.append(f'<rect x="{x:.1f}" y="0" width="{share:.1f}" height="40" fill="{colour}"/>')
            x += share
    parts.append("</svg>")
    return "".join(parts)


def sparkline_svg(values, *, width_mm=18, height_mm=6):
    """A small line of a target's figures over the last periods (gaps stay gaps), last point marked.

    None when fewer than two figures are known: a single dot tells nothing a table cell does not.
    """
    points = [(index, value) for index, value in enumerate(values) if value is not None]
    if len(points) < 2:
        return None
    width, height, pad = 100.0, 30.0, 4.0
    low, high = min(v for _i, v in points), max(v for _i, v in points)
    span = high - low

    def xy(index, value):
        x = pad + (width - 2 * pad) * index / max(len(values) - 1, 1)
        y = height / 2 if not span else height - pad - (height - 2 * pad) * (value - low) / span
        return f"{x:.1f},{y:.1f}"

    line = " ".join(xy(i, v) for i, v in points)
    last_x, last_y = xy(*points[-1]).split(",")
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_mm}mm" height="{height_mm}mm" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img">'
        f'<polyline points="{line}" fill="none" stroke="#1f4e79" stroke-width="2.5" stroke-linejoin="round"/>'
        f'<circle cx="{last_x}" cy="{last_y}" r="4" fill="#1f4e79"/></svg>')


def _consolidated_groups(contents, statuses):
    """Per target across communes, grouped by criterion (reports.consolidation): the aggregate, the
    range, the communes by status (in the order of `statuses`) and the names of those behind."""
    groups = []
    for label, items in consolidate(contents):
        rows = []
        for item in items:
            by_status = Counter(row.status for _name, row in item.rows)
            behind = item.behind
            rows.append({
                "number": item.number, "indicator": item.indicator, "goal": item.goal,
                "overall": item.overall_text(), "spread": item.spread_text(),
                "with_data": len(item.known), "communes": len(item.rows),
                "by_status": [by_status.get(key, 0) for key in statuses],
                "behind": behind[:BEHIND_NAMES_SHOWN], "behind_more": max(len(behind) - BEHIND_NAMES_SHOWN, 0),
            })
        groups.append({"label": label, "rows": rows})
    return groups


def _rate_text(rate):
    return format_percent(rate.percent) if rate.schools else None


def _summary(counts, labels):
    total = sum(counts.get(key, 0) for key, _label in labels)
    return [{"key": key, "label": label, "count": counts.get(key, 0), "colour": STATUS_COLOURS.get(key, "#777"),
             "share": format_percent(Decimal(counts.get(key, 0)) * 100 / total) if total else "—"}
            for key, label in labels]


def _row(row):
    return {
        "number": row.number, "indicator": row.indicator, "goal": row.goal, "lead": row.lead,
        "sections": "; ".join(row.sections), "result_note": row.result_note,
        "baseline": row.baseline_text,
        "result": row.result_text, "expected": row.expected_text,
        "completion": format_percent(row.completion), "status": row.status,
        "status_label": row.status_label, "colour": STATUS_COLOURS.get(row.status, "#777"),
        "trend": sparkline_svg([value for _period, value in row.trend], width_mm=10),  # in its 12 mm column
    }


def _own_sections(content):
    """The unit's own sections: "Kết quả đạt được" opens part I; the others follow the schools' texts (part IV)
    as parts V, VI, VII, each a list of paragraphs."""
    blocks = own_section_blocks(content)
    achievements = [text for label, text in blocks if label == ACHIEVEMENTS]
    others = [(label, text) for label, text in blocks if label != ACHIEVEMENTS]
    return {
        "achievements": _paragraphs(achievements[0]) if achievements else [],
        "own_parts": [{"number": ROMAN[4 + index], "title": label.upper(), "paragraphs": _paragraphs(text)}
                      for index, (label, text) in enumerate(others)],
    }


def _paragraphs(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def _projection(table):
    """The plan's projection figures as the plan prints them (school years as columns), or None."""
    if not table:
        return None
    cells = projection_cells(table)
    return {"header": cells[0], "rows": cells[1:], "scale": projection_scale_lines(table)}


def _tasks(tasks):
    """The tasks by lead unit and status, and the late ones in full: what a reader acts on."""
    labels = [status.label for status in TASK_ORDER]
    by_lead = defaultdict(Counter)
    for task in tasks:
        by_lead[task["lead"] or "Chưa phân công"][task["status"]] += 1
    totals = Counter(task["status"] for task in tasks)
    late = [task for task in tasks if task["status"] == TaskStatus.LATE.label]
    return {
        "count": len(tasks), "labels": labels,
        "totals": [(label, totals.get(label, 0)) for label in labels],
        "by_lead": [{"lead": lead, "count": sum(counter.values()), "cells": [counter.get(label, 0) for label in labels]}
                    for lead, counter in by_lead.items()],
        "late": late[:LATE_TASKS_SHOWN], "late_more": max(len(late) - LATE_TASKS_SHOWN, 0),
    }
