"""Build the fourth set of plans nobody here wrote (run from the project root):

    .venv/bin/python tests/importer/fresh4/build.py

Six plans written by a helper session that read neither the importer's rules nor its tests, each annotated by
hand (``ann/``) before the importer was run on it. ``src/<name>.txt`` holds a plan as written: table rows are
tab-separated (a cell "<<" merged with the one on its left, "^^" with the one above); in a .docx, a line
starting "#1 " is a paragraph under Word's automatic numbering ("1.", "2.", …), "#a " one under automatic
lettering ("a)", "b)", …) at the second level of the list that was current at the last line "#letters", and a
line "#restart" starts the numbering again at 1 (a new list, as Word does after "Restart numbering"). FORMATS says which file each
plan becomes; a "crlf" plan is a .txt with Windows line endings.

``ann/<name>.ann`` holds the targets in the format of ``importer/devset/build.py``; ``ann/<name>.meta`` the
particulars ("field: value" lines; "parent: number | issuer | date" per cited document); ``ann/<name>.tasks``
the tasks ("start of the task's text | lead | deadline", one a line, empty fields null). ``built/`` and
``gold/`` are written (gold/<name>.json: the targets' gold JSON with "particulars" and "tasks" added); every
target and task quote is checked to stand in the text the portal reads back. Score with
``score.py`` (targets through ``importer.extraction.scoring``, particulars and tasks by its own comparison).
"""

import copy
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FORMATS = {
    "f1-ubnd-tinh-hai-long": "docx",
    "f2-phuong-dong-xuyen": "docx",
    "f3-truong-thcs-chu-van-an": "pdf",
    "f4-dang-uy-xa-tan-hoa": "txt",
    "f5-so-gddt-chuyen-doi-so": "crlf",
    "f6-truong-mn-sen-hong": "docx",
}
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ABSTRACT = f"""<w:abstractNum xmlns:w="{W}" w:abstractNumId="90">
<w:multiLevelType w:val="hybridMultilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>
<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/><w:lvlJc w:val="left"/>
<w:pPr><w:ind w:left="1080" w:hanging="360"/></w:pPr></w:lvl>
</w:abstractNum>"""


def _numbering(document):
    """Add an abstract numbering (decimal "1.", then lettered "a)") and return a function making a fresh list."""
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    first_num = numbering.find(f"{{{W}}}num")
    first_num.addprevious(parse_xml(ABSTRACT))
    ids = iter(range(90, 200))

    def new_list():
        num_id = next(ids)
        numbering.append(parse_xml(
            f'<w:num xmlns:w="{W}" w:numId="{num_id}"><w:abstractNumId w:val="90"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
            f'<w:lvlOverride w:ilvl="1"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
        return num_id

    return new_list


def _number(paragraph, num_id, level):
    from docx.oxml import parse_xml

    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert(0, parse_xml(f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def write_docx(lines, path):
    from docx import Document

    from importer.devset.build import MERGED, _merge

    document = Document()
    new_list = _numbering(document)
    num_id = letter_id = new_list()
    index = 0
    while index < len(lines):
        line = lines[index]
        if "\t" in line:
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
        if line == "#restart":
            num_id = new_list()
        elif line == "#letters":
            letter_id = num_id
        elif line.startswith("#1 "):
            _number(document.add_paragraph(line[3:]), num_id, 0)
        elif line.startswith("#a "):
            _number(document.add_paragraph(line[3:]), letter_id, 1)
        elif line.strip():
            document.add_paragraph(line)
        index += 1
    document.save(path)


def write_plan(source, built, kind):
    from importer.devset.build import write_pdf

    lines = source.read_text(encoding="utf-8").splitlines()
    if kind == "docx":
        write_docx(lines, built)
    elif kind == "pdf":
        write_pdf(lines, built)
    elif kind == "crlf":
        built.write_bytes("\r\n".join(lines).encode("utf-8") + b"\r\n")
    else:
        built.write_text("\n".join(lines) + "\n", encoding="utf-8")


def parse_meta(path):
    particulars = {"parents": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        key, _, value = (part.strip() for part in line.partition(":"))
        if key == "parent":
            number, issuer, date = (field.strip() or None for field in value.split("|"))
            particulars["parents"].append({"number": number, "issuer": issuer, "date": date})
        else:
            particulars[key] = value or None
    return particulars


def parse_tasks(path):
    tasks = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            text, lead, deadline = (field.strip() or None for field in line.split("|"))
            tasks.append({"text": text, "lead": lead, "deadline": deadline})
    return tasks


def main():
    sys.path.insert(0, str(HERE.parents[2]))
    from importer.devset.build import fold, write_gold
    from importer.extraction import read_document

    problems = 0
    for folder in ("built", "gold"):
        (HERE / folder).mkdir(exist_ok=True)
    for source in sorted((HERE / "src").glob("*.txt")):
        name, kind = source.stem, FORMATS[source.stem]
        built = HERE / "built" / f"{name}.{'txt' if kind == 'crlf' else kind}"
        write_plan(source, built, kind)
        gold_path = HERE / "gold" / f"{name}.json"
        problems += write_gold(built, HERE / "ann" / f"{name}.ann", gold_path)
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        gold["particulars"] = parse_meta(HERE / "ann" / f"{name}.meta")
        gold["tasks"] = parse_tasks(HERE / "ann" / f"{name}.tasks")
        text = fold(re.sub(r"(?<=\w)-\n(?=\w)", "-", read_document(built)))
        for task in gold["tasks"]:
            if fold(task["text"]) not in text:
                print(f"{built.name}: task not in the text read back: {task['text']}")
                problems += 1
        gold_path.write_text(json.dumps(copy.deepcopy(gold), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if problems:
        raise SystemExit(f"{problems} quotes not found")


if __name__ == "__main__":
    main()
