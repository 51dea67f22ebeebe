"""The progress report as a Word document (.docx), for the offices that edit and sign in Word.

Built from the same ReportContent as the PDF and the workbook (reports/content.py), in the state format for
administrative documents (Nghị định 30/2020; domain.md): A4, margins 20 mm top and bottom, 30 mm left,
15 mm right; Times New Roman 13 pt (14 pt for the title); the header (issuing body under its parent line,
national title and motto, number, place and date), the title block, the body, "Nơi nhận" and the
signature; page numbers centred in the top margin from page 2. A consolidated report (a parent's across
its communes) takes the cover (content.ReportCover) for the same blocks.
"""

import io
import re
from collections import Counter
from decimal import Decimal

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from plans.models import TaskStatus
from targets.fields import format_number, format_percent
from units.textfields import xml_text

from .consolidation import consolidate
from .content import (
    COMPLETION_NOTE,
    ReportCover,
    own_section_blocks,
    projection_cells,
    projection_scale_lines,
)

FONT = "Times New Roman"
BODY_PT, TITLE_PT, TABLE_PT, SMALL_PT, NOTE_PT = 13, 14, 11, 11, 9.5
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
TASK_ORDER = [TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.LATE, TaskStatus.NOT_STARTED]
LATE_TASKS_SHOWN = 15
# the target table's columns across the 165 mm between the margins: STT, the target, its goal, the result, where it
# should be by now ("Cần đạt đến nay"), the completion, the status
TARGET_WIDTHS_MM = [12, 50, 29, 21, 18, 16, 19]
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]  # a portrait page's text, 165 mm
TASK_COUNT_MM = 20  # each count column of the tasks by lead unit
PROJECTION_NAME_MM = 50  # the projection table's column of what is projected ("Số học sinh mầm non")
LEFT_ALIGNED = {"Đánh giá", "Chỉ tiêu", "Đơn vị chủ trì", "Các xã chậm tiến độ"}  # columns of names, not figures


def write_report_docx(content) -> bytes:
    """The Word file of one unit's report: the same blocks and tables as its PDF."""
    doc = _new_document(landscape=False)
    _header(doc, content)
    _title(doc, content.title, content.subject)
    _paragraph(doc, content.opening, indent=True)

    own = dict((label, text) for label, text in own_section_blocks(content))
    _heading(doc, "I. KẾT QUẢ CHUNG")
    achievements = own.pop("Kết quả đạt được", "")
    if achievements:
        _heading(doc, "1. Kết quả đạt được")
        _paragraphs(doc, achievements)
        _heading(doc, "2. Kết quả theo dõi các chỉ tiêu")
    total = sum(content.summary.values())
    _paragraph(doc, f"Tổng số chỉ tiêu của kế hoạch được theo dõi: {format_number(total)}; kết quả đánh giá theo tiến độ như sau:",
               indent=True)
    labels = content.summary_labels
    # the same two rows as the PDF's: how many targets, and what share of them
    shares = [format_percent(Decimal(content.summary.get(key, 0)) * 100 / total) if total else "—" for key, _l in labels]
    _table(doc, [["Đánh giá", *[label for _key, label in labels], "Tổng số"],
                 ["Số chỉ tiêu", *[format_number(content.summary.get(key, 0)) for key, _label in labels],
                  format_number(total)],
                 ["Tỷ lệ", *shares, "100%" if total else "—"]],
           widths=None)
    if content.schools:
        _paragraph(doc, f"Số cơ sở giáo dục trực thuộc: {format_number(content.schools)} trường; tỷ lệ trường đã nộp báo cáo kỳ "
                        f"này: {format_percent(content.reporting_rate.percent)}.", indent=True)

    _heading(doc, "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")
    leads = {row.lead for row in content.rows}
    common_lead = leads.pop() if len(leads) == 1 else None  # as the PDF: once above the tables, else on each row
    if common_lead:
        _paragraph(doc, f"Đơn vị chủ trì theo dõi các chỉ tiêu: {common_lead}.", indent=True)
    _paragraph(doc, COMPLETION_NOTE, indent=True)
    for index, group in enumerate(content.groups, 1):
        _heading(doc, f"{index}. {group.label}")
        rows = [["STT", "Chỉ tiêu", "Chỉ tiêu theo mốc", "Kết quả kỳ báo cáo", "Cần đạt đến nay", "Tỷ lệ hoàn thành",
                 "Đánh giá"]]
        for row in group.rows:
            name = row.indicator + (f"\n(Kế hoạch nêu tại các mục: {'; '.join(row.sections)})" if row.sections else "")
            if not common_lead and row.lead:
                name += f"\n(Chủ trì: {row.lead})"
            # a result of an earlier period (nothing yet for this one) says which
            result = row.result_text + (f"\n({row.result_note})" if row.result_note else "")
            # the baseline under the goal, as in the PDF: "tăng 20% so với năm 2025" means nothing without it
            goal = row.goal + (f"\n(Giá trị nền: {row.baseline_text})" if row.baseline_text else "")
            rows.append([row.number, name, goal, result, row.expected_text, format_percent(row.completion),
                         row.status_label])
        _table(doc, rows, widths=TARGET_WIDTHS_MM)
    if content.projections:
        _heading(doc, f"{len(content.groups) + 1}. Quy mô trường, lớp, học sinh dự kiến theo kế hoạch")
        for line in projection_scale_lines(content.projections):
            _paragraph(doc, f"- {line}", indent=True)
        cells = projection_cells(content.projections)
        if len(cells) > 1:
            years = len(cells[0]) - 1  # the figures' columns share what the names leave
            _table(doc, cells, widths=[PROJECTION_NAME_MM, *[(TEXT_WIDTH_MM - PROJECTION_NAME_MM) / years] * years])

    _heading(doc, "III. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ")
    _tasks(doc, content.tasks)

    _heading(doc, "IV. Ý KIẾN CỦA CÁC CƠ SỞ GIÁO DỤC")
    for index, narrative in enumerate(content.narratives, 1):
        _paragraph(doc, f"{index}. {narrative.school}", bold=True)
        for label, text in (("Kết quả nổi bật", narrative.highlights), ("Khó khăn, vướng mắc", narrative.difficulties),
                            ("Đề xuất, kiến nghị", narrative.proposals)):
            if text:
                paragraph = _paragraph(doc, "", indent=True)
                paragraph.add_run(f"{label}: ").italic = True
                _run(paragraph, text)
    if not content.narratives:
        _paragraph(doc, "Chưa có báo cáo đã duyệt của cơ sở giáo dục nào có ý kiến trong kỳ này.", indent=True)
    for index, (label, text) in enumerate(own.items()):
        _heading(doc, f"{ROMAN[4 + index]}. {label.upper()}")
        _paragraphs(doc, text)

    _closing(doc, content)
    return _save(doc)


def write_consolidated_docx(contents, title) -> bytes:
    """A parent's Word file across its communes: per target the aggregate, the range and the communes behind,
    under the official blocks of its cover (or a bare title)."""
    cover = title if isinstance(title, ReportCover) else None
    plural, one = (cover.below, cover.below_one) if cover else ("xã, phường", "xã")  # the units consolidated
    doc = _new_document(landscape=True)
    if cover:
        _header(doc, cover)
        _title(doc, cover.title, cover.subject)
        _paragraph(doc, cover.opening, indent=True)
        _paragraph(doc, cover.sent_line, indent=True)
    else:
        _title(doc, str(title), contents[0].period_name if contents else "")
    labels = contents[0].summary_labels if contents else []
    summary = Counter()
    for content in contents:
        summary.update(content.summary)
    _heading(doc, "I. KẾT QUẢ CHUNG")
    total = sum(summary.values())
    # the same two rows as the PDF's: how many targets across the units, and what share of them
    _table(doc, [["Đánh giá", *[label for _key, label in labels], "Tổng số"],
                 ["Số lượt chỉ tiêu", *[format_number(summary.get(key, 0)) for key, _label in labels],
                  format_number(total)],
                 ["Tỷ lệ", *[format_percent(Decimal(summary.get(key, 0)) * 100 / total) if total else "—"
                             for key, _label in labels], "100%" if total else "—"]], widths=None)
    schools, submitted = sum(c.schools for c in contents), sum(c.submitted for c in contents)
    if schools:
        # the schools of the communes whose reports are consolidated, not of every commune: said so
        _paragraph(doc, f"Số trường thuộc {len(contents)} {plural} trong bản tổng hợp này: {format_number(schools)}; "
                        f"đã nộp báo cáo: {format_number(submitted)} "
                        f"({format_percent(submitted * 100 / schools)}).", indent=True)
    _heading(doc, "II. KẾT QUẢ THEO CHỈ TIÊU")
    _paragraph(doc, "Kết quả chung của tỷ lệ tính từ tổng tử số trên tổng mẫu số các trường báo cáo; kết quả từng "
                    f"{one} có trong biểu Excel tổng hợp.", indent=True)
    for index, (label, items) in enumerate(consolidate(contents), 1):
        _heading(doc, f"{index}. {label}")
        rows = [["STT", "Chỉ tiêu", "Chỉ tiêu theo mốc", "Kết quả chung", "Thấp nhất – cao nhất",
                 f"Các {one} chậm tiến độ"]]
        for item in items:
            rows.append([str(item.number), item.indicator, item.goal,
                         f"{item.overall_text()} ({len(item.known)}/{len(item.rows)} {one} có số liệu)",
                         item.spread_text() or "—", item.behind_text(one)])
        _table(doc, rows, widths=[13, 82, 38, 40, 32, 42])
    if cover:
        _closing(doc, cover)
    return _save(doc)


# --- the blocks -------------------------------------------------------------------------------------


def _new_document(*, landscape):
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(BODY_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_after = Pt(4)
    style.paragraph_format.line_spacing = 1.15
    _vietnamese(doc)
    # page numbers centred in the top margin from page 2 (Nghị định 30/2020)
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(number, "PAGE")
    doc.core_properties.author = "Cổng theo dõi thực hiện Nghị quyết 71-NQ/TW"
    return doc


def _vietnamese(doc):
    """The text is Vietnamese (Word checks its spelling as such): the document's default language, which the
    template gives as en-US."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    properties = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    if properties is None:
        properties = doc.styles["Normal"].element.get_or_add_rPr()
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        language.set(qn(attribute), "vi-VN")


def _header(doc, c):
    """Issuing body (its parent line regular, its name bold) and number on the left; national title and motto
    (or "ĐẢNG CỘNG SẢN VIỆT NAM") with place and date on the right."""
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    width = doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin
    _widths(table, [int(width * 0.44), int(width * 0.56)])
    _no_cell_margins(table)  # the national title takes the right column's whole width on one line
    left, right = table.rows[0].cells
    bold_from = len(c.issuer_lines) - c.issuer_bold
    for index, line in enumerate(c.issuer_lines):
        _cell_line(left, line, bold=index >= bold_from, first=index == 0, size=12)
    _cell_line(left, "*" if c.is_party else "—————", first=False, size=BODY_PT)
    if c.is_party:
        _cell_line(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, first=True, size=BODY_PT)
    else:
        _cell_line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, first=True, size=12)
        _cell_line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, first=False, size=TITLE_PT)
    number, place = table.rows[1].cells
    _cell_line(number, c.number, first=True, size=BODY_PT)
    _cell_line(place, c.place_date, italic=True, first=True, size=TITLE_PT)
    doc.add_paragraph()


YEAR_HYPHEN = re.compile(r"(?<=\d)-(?=\d)")


def _title(doc, title, subject):
    for text in (title, subject):
        if text:
            paragraph = doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(0)
            # a school year is never broken at its hyphen ("năm học 2026-" / "2027"): Word's non-breaking hyphen
            for index, part in enumerate(YEAR_HYPHEN.split(text)):
                if index:
                    hyphen = paragraph.add_run()
                    hyphen.bold, hyphen.font.size = True, Pt(TITLE_PT)
                    hyphen._r.append(OxmlElement("w:noBreakHyphen"))
                run = _run(paragraph, part)
                run.bold, run.font.size = True, Pt(TITLE_PT)
    rule = doc.add_paragraph("—————")
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _closing(doc, c):
    """ "Nơi nhận" bottom left, the signature block bottom right, on the page of the body's last lines (as the PDF's
    break-before: avoid): a signature alone on a page signs nothing one can see."""
    _keep_with_what_follows(doc)
    doc.add_paragraph().paragraph_format.keep_with_next = True
    table = doc.add_table(rows=1, cols=2)
    width = doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin
    _widths(table, [int(width * 0.5), int(width * 0.5)])
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # never split over two pages
    recipients, signer = table.rows[0].cells
    paragraph = recipients.paragraphs[0]
    run = paragraph.add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for recipient in c.recipients:
        line = recipients.add_paragraph()
        line.paragraph_format.space_after = Pt(0)
        _run(line, f"- {recipient}").font.size = Pt(SMALL_PT)
    for index, line in enumerate(c.signer_title):
        _cell_line(signer, line.upper(), bold=True, first=index == 0, size=TITLE_PT)
    for _ in range(4):
        signer.add_paragraph()
    _cell_line(signer, c.signer_name, bold=True, first=False, size=TITLE_PT)


def _keep_with_what_follows(doc):
    """Keep the body's last text (its last paragraph, or its last table's last row, and the blank lines after it) on
    the page of what is added next."""
    for element in reversed(doc.element.body):
        if element.tag == qn("w:tbl"):
            for paragraph in element.findall(f"{qn('w:tr')}[last()]//{qn('w:p')}"):
                Paragraph(paragraph, doc).paragraph_format.keep_with_next = True
            return
        if element.tag == qn("w:p"):
            paragraph = Paragraph(element, doc)
            paragraph.paragraph_format.keep_with_next = True
            if paragraph.text.strip():
                return


def _tasks(doc, tasks):
    if not tasks:
        _paragraph(doc, "Kế hoạch chưa có nhiệm vụ được theo dõi.", indent=True)
        return
    labels = [status.label for status in TASK_ORDER]
    totals = Counter(task["status"] for task in tasks)
    _paragraph(doc, f"Kế hoạch có {len(tasks)} nhiệm vụ: "
                    + "; ".join(f"{label.lower()} {totals.get(label, 0)}" for label in labels) + ". Theo đơn vị chủ trì:",
               indent=True).paragraph_format.keep_with_next = True  # "Theo đơn vị chủ trì:" over its table
    by_lead = {}
    for task in tasks:
        by_lead.setdefault(task["lead"] or "Chưa phân công", Counter())[task["status"]] += 1
    # the lead units' long names in a wide column, as in the PDF (equal columns wrapped them a word to a line)
    _table(doc, [["Đơn vị chủ trì", "Số nhiệm vụ", *labels],
                 *[[lead, str(sum(counter.values())), *[str(counter.get(label, 0)) for label in labels]]
                   for lead, counter in by_lead.items()]],
           widths=[TEXT_WIDTH_MM - TASK_COUNT_MM * (len(labels) + 1), *[TASK_COUNT_MM] * (len(labels) + 1)])
    late = [task for task in tasks if task["status"] == TaskStatus.LATE.label]
    if late:
        _paragraph(doc, "Các nhiệm vụ chậm tiến độ:", indent=True)
        for task in late[:LATE_TASKS_SHOWN]:
            group = f"({task['group']}) " if task["group"] else ""
            _paragraph(doc, f"- {group}{task['text']} (Chủ trì: {task['lead'] or 'chưa phân công'})", indent=True)
        if len(late) > LATE_TASKS_SHOWN:
            _paragraph(doc, f"… và {len(late) - LATE_TASKS_SHOWN} nhiệm vụ chậm tiến độ khác.", indent=True)


# --- paragraphs and tables ------------------------------------------------------------------------------


def _run(paragraph, text):
    """A run of `text` that Word can hold (units.textfields.xml_text): the rows it comes from may predate the forms'
    refusal of control characters, or come from where no form checks them (the admin, an import)."""
    return paragraph.add_run(xml_text(text))


def _heading(doc, text):
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.keep_with_next = True
    run = _run(paragraph, text)
    run.bold = True
    return paragraph


def _paragraph(doc, text, *, indent=False, bold=False):
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    if text:
        _run(paragraph, text).bold = bold
    return paragraph


def _paragraphs(doc, text):
    for line in text.splitlines():
        if line.strip():
            _paragraph(doc, line.strip(), indent=True)


def _table(doc, rows, *, widths):
    """A grid table: the first row is the header (bold, repeated on each page), text in 11 pt."""
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if widths:
        _widths(table, [Mm(width) for width in widths])
    left = {column for column, header in enumerate(rows[0]) if header in LEFT_ALIGNED}  # names; figures centred
    for index, values in enumerate(rows):
        cells = table.rows[index].cells
        for column, value in enumerate(values):
            cell = cells[column]
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.line_spacing = 1.0
            if index == 0 or column not in left:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            # a figure or a name, then its notes on lines of their own ("(từ 8 đơn vị báo cáo)", the plan's sections)
            # in smaller italics, as the PDF sets them: at 11 pt they took seven lines of the result's narrow column
            text, *notes = str(value).split("\n")
            run = _run(paragraph, text)
            run.font.size = Pt(TABLE_PT)
            run.bold = index == 0
            if notes:
                note = _run(paragraph, "\n" + "\n".join(notes))
                note.font.size, note.italic = Pt(NOTE_PT), True
    _repeat_header(table.rows[0])
    for row in table.rows:  # a row is never split across two pages
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    return table


def _widths(table, widths):
    """Column widths as Word and LibreOffice read them: the table's grid and every cell (python-docx sets one)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _no_cell_margins(table):
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    # in the schema's order (CT_TblPr: … tblLayout, tblCellMar, tblLook): after tblLook, Word finds the file damaged
    properties = table._tbl.tblPr
    look = properties.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        properties.append(margins)


def _cell_line(cell, text, *, bold=False, italic=False, underline=False, first=False, size=BODY_PT):
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    run = _run(paragraph, text)
    run.bold, run.italic, run.underline, run.font.size = bold, italic, underline, Pt(size)
    return paragraph


def _repeat_header(row):
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _field(paragraph, code):
    """A Word field (PAGE) in the paragraph: Word and LibreOffice fill it in."""
    run = paragraph.add_run()
    run.font.size = Pt(BODY_PT)
    begin, instruction, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, end):
        run._r.append(element)


def _save(doc):
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
