"""Build the table material of the importer (run from the project root):

    .venv/bin/python tests/importer/tables_material/build.py

Plans written for two table layouts, years down the rows with indicators across, and schools down the side with
indicators across, each annotated by hand (``ann/``, the format of ``importer/devset/build.py``) before the
importer was run on it. ``t*`` were tuned on; ``k*`` were kept aside and only scored (docs/importer.md). ``src/``
holds the texts (table rows tab-separated); a .docx is built where DOCX says so, a cell "<<" merged with the one
on its left and "^^" with the one above, as Word merges header cells. ``built/`` and ``gold/`` are written; every
quote is checked to stand in the text the portal reads back. Score a part with
``manage.py score_extraction built/PLAN gold/PLAN.json …``.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCX = {"t2-phuong-tan-son", "t5-phuong-an-binh", "k1-so-gddt-tinh-binh-son", "k4-xa-quang-trung"}


def main():
    sys.path.insert(0, str(HERE.parents[2]))
    from importer.devset.build import write_gold, write_plan

    problems = 0
    for folder in ("built", "gold"):
        (HERE / folder).mkdir(exist_ok=True)
    for source in sorted((HERE / "src").glob("*.txt")):
        built = HERE / "built" / f"{source.stem}.{'docx' if source.stem in DOCX else 'txt'}"
        write_plan(source, built)
        problems += write_gold(built, HERE / "ann" / f"{source.stem}.ann", HERE / "gold" / f"{source.stem}.json")
    if problems:
        raise SystemExit(f"{problems} quotes not found")


if __name__ == "__main__":
    main()
