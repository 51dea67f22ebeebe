"""Build the development set of the plan extractor from its sources (run from the project root):

    .venv/bin/python importer/devset/build.py [NAME …]

src/<name>.txt   a plan as written (table rows as tab-separated lines)
ann/<name>.ann   its hand annotation, one target a line:
                 quote | comparator | value | unit | level_label | deadline | category | indicator
                 (value "75-80" for a range; empty fields are null; categories abbreviated as in CATEGORIES)

It writes dev/ and heldout/ (names starting with "h" are held out: never tune the extractor on them), each
plan as .txt, or as .docx (tables as Word tables) or .pdf (rendered with WeasyPrint) where FORMATS says so,
and gold/<name>.json in the gold format of demo/seed_data/gold/README.md. Every quote is checked to stand in
the text the portal reads back from the built file, so that a typo in an annotation fails here, not in a score.
"""

import html
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FORMATS = {
    "d03-so-gddt-ha-nam-ninh": "docx",
    "d05-truong-mn-hoa-sen": "docx",
    "d07-xa-vinh-bao": "docx",
    "d09-truong-thcs-ngo-quyen": "pdf",
    "d11-phuong-thuy-nguyen": "docx",
    "h02-xa-doan-lap": "docx",
    "h03-truong-th-kim-dong": "pdf",
}
CATEGORIES = {
    "cds": "chuyển đổi số", "dn": "đội ngũ", "csvc": "cơ sở vật chất", "cl": "chất lượng giáo dục",
    "pc": "phổ cập - học tập suốt đời", "ns": "ngân sách - nguồn lực", "k": "khác",
}
UNITS = {"%", "count", "index", "level", ""}
COMPARATORS = {"=", ">=", "<=", "range", "maintain", "achieve"}


def number(text):
    value = float(text)
    return int(value) if value.is_integer() else value


def parse_annotation(path):
    targets = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        fields = [field.strip() for field in line.split("|")]
        if len(fields) != 8:
            raise SystemExit(f"{path.name}:{lineno}: 8 fields expected, got {len(fields)}")
        quote, comparator, value, unit, level_label, deadline, category, indicator = fields
        if comparator not in COMPARATORS or unit not in UNITS or category not in CATEGORIES:
            raise SystemExit(f"{path.name}:{lineno}: bad comparator, unit or category")
        low, high = (value.split("-") + [None])[:2] if comparator == "range" else (value, None)
        targets.append({
            "id": f"G{len(targets) + 1:02d}", "quote": quote, "indicator": indicator, "comparator": comparator,
            "value": number(low) if low else None, "value_max": number(high) if high else None,
            "unit": unit or None, "level_label": level_label or None, "deadline": deadline or None,
            "scope": None, "category": CATEGORIES[category], "section": None,
        })
    return targets


# A cell written "<<" is merged with the one on its left, "^^" with the one above, as Word merges header cells.
MERGED = {"<<": (0, -1), "^^": (-1, 0)}


def _merge(table, rows):
    """Merge the cells marked in ``rows`` once all are filled, so that a merged cell keeps one text."""
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text in MERGED:
                dr, dc = MERGED[text]
                table.cell(r + dr, c + dc).merge(table.cell(r, c))


def write_docx(lines, path):
    from docx import Document

    document = Document()
    index = 0
    while index < len(lines):
        if "\t" in lines[index]:
            rows = []
            while index < len(lines) and "\t" in lines[index]:
                rows.append(lines[index].split("\t"))
                index += 1
            table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
            table.style = "Table Grid"
            for row, cells in zip(table.rows, rows, strict=True):
                for cell, text in zip(row.cells, cells, strict=False):
                    if text not in MERGED:
                        cell.text = text
            _merge(table, rows)
            continue
        if lines[index].strip():
            document.add_paragraph(lines[index])
        index += 1
    document.save(path)


def write_pdf(lines, path):
    from weasyprint import HTML

    parts, index = [], 0
    while index < len(lines):
        if "\t" in lines[index]:
            rows = []
            while index < len(lines) and "\t" in lines[index]:
                cells = "".join(f"<td>{html.escape(cell)}</td>" for cell in lines[index].split("\t"))
                rows.append(f"<tr>{cells}</tr>")
                index += 1
            parts.append(f"<table border='1'>{''.join(rows)}</table>")
            continue
        if lines[index].strip():
            parts.append(f"<p>{html.escape(lines[index])}</p>")
        index += 1
    style = "@page { size: A4; margin: 20mm 15mm 20mm 30mm } body { font-family: 'Liberation Serif'; font-size: 13pt }"
    HTML(string=f"<html><head><style>{style}</style></head><body>{''.join(parts)}</body></html>").write_pdf(path)


def fold(text):
    return " ".join(text.split())


def write_plan(source, built):
    """Write a plan's source text as the file ``built`` names: .docx, .pdf or the text itself."""
    lines = source.read_text(encoding="utf-8").splitlines()
    if built.suffix == ".docx":
        write_docx(lines, built)
    elif built.suffix == ".pdf":
        write_pdf(lines, built)
    else:
        built.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")


def write_gold(built, annotation, path):
    """Write the gold JSON of a built plan from its annotation; print and count the quotes that do not stand in
    the text the portal reads back from it."""
    from importer.extraction import read_document

    targets = parse_annotation(annotation)

    text = fold(re.sub(r"(?<=\w)-\n(?=\w)", "-", read_document(built)))
    missing = [target["quote"] for target in targets if fold(target["quote"]) not in text]
    for quote in missing:
        print(f"{built.name}: quote not in the text read back: {quote}")
    gold = {"source": built.name, "title": None, "issuer": None, "number": None, "date": None, "parents": [],
            "targets": targets, "projections": [],
            "ambiguous": [{"ref": None, "quote": None, "issue": "Annotation.",
                           "decision": "Targets annotated by hand from the plan text before the extractor was "
                                       "run on it; metadata, scope and section are not annotated."}]}
    path.write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{built.name}: {len(targets)} targets")
    return len(missing)


def main():
    sys.path.insert(0, str(HERE.parent.parent))
    (HERE / "gold").mkdir(exist_ok=True)
    problems = 0
    wanted = set(sys.argv[1:])  # names to build (all when none), so that a new plan leaves the others' files be
    for source in sorted((HERE / "src").glob("*.txt")):
        name = source.stem
        if wanted and name not in wanted:
            continue
        folder = HERE / ("heldout" if name.startswith("h") else "dev")
        folder.mkdir(exist_ok=True)
        kind = FORMATS.get(name, "txt")
        built = folder / f"{name}.{kind}"
        write_plan(source, built)
        problems += write_gold(built, HERE / "ann" / f"{name}.ann", HERE / "gold" / f"{name}.json")
    if problems:
        raise SystemExit(f"{problems} quotes not found")


if __name__ == "__main__":
    main()
