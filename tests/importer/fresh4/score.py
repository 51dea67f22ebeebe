"""Score the fourth set (run from the project root after build.py):

    .venv/bin/python tests/importer/fresh4/score.py [--json]

Runs ``importer.extraction.extract_plan`` once per built plan and prints, per plan and in total: targets matched,
expected and proposed (``importer.extraction.scoring.score``, the rule of demo/seed_data/gold/README.md), every
missed target with the nearest proposal and what differs, every proposal not annotated; the particulars right
(each field, each cited document by its number and date); and the tasks found, with the right lead, with the
right deadline, each wrong one listed.

Particulars and tasks are compared by this script's own rule, written before the importer was run:
- a text field is right when, folded (case, white space, "–" as "-"), one contains the other and the shorter has
  at least half the longer's length (so "Sở Giáo dục và Đào tạo" for "Sở Giáo dục và Đào tạo tỉnh Hải Long" is
  right, a lone "Sở" is not); the number and the date must be equal;
- a cited document is found when a proposed parent has its number (folded, spaces dropped) and its date;
- a task is found when a proposed task's text (folded) contains the annotated start of its text; its lead is
  the task's own lead, else its group's; a lead is right under the text rule above, an empty lead is right only
  for a task annotated without one; a deadline is right when both are empty, or when the last year written in
  the annotation is the last year in the proposal's due (a year, a date, a month or a school year).
"""

import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEXT_FIELDS = ("title", "issuer", "place", "signer_name", "signer_title")
EXACT_FIELDS = ("number", "date", "doc_type")


def fold(text):
    return " ".join(str(text or "").replace("–", "-").replace("\u00a0", " ").casefold().split())


def same_text(gold, proposed):
    gold, proposed = fold(gold), fold(proposed)
    if not gold or not proposed:
        return gold == proposed
    shorter, longer = sorted((gold, proposed), key=len)
    return shorter in longer and len(shorter) * 2 >= len(longer)


def last_year(text):
    years = re.findall(r"(?<!\d)(20\d\d)(?!\d)", str(text or ""))
    return years[-1] if years else None


def quotes_overlap(a, b):
    a, b = " ".join(a.split()), " ".join(b.split())
    if a in b or b in a:
        return True
    return any(a[i:i + 20] in b for i in range(len(a) - 19))


def compatible(gold, prop):
    """The matching rule of demo/seed_data/gold/README.md, returning what differs (empty: a match)."""
    diffs = []
    if gold["unit"] != prop.get("unit") or gold["value"] != prop.get("value"):
        diffs.append("value/unit")
    if gold["deadline"] is not None and gold["deadline"] != prop.get("deadline"):
        diffs.append("deadline")
    g, p = gold["comparator"], prop.get("comparator")
    same = g == p or (
        (gold["value"] or 0) != 0 and {g, p} <= {"=", ">="}) or (
        gold["value"] == 0 and {g, p} <= {"=", "<="}) or (g == "range" and p == ">=")
    if not same:
        diffs.append("comparator")
    if not quotes_overlap(gold["quote"], prop.get("quote") or ""):
        diffs.append("quote")
    return diffs


def target_report(extracted, gold):
    proposals = list(extracted["targets"]) + list(extracted.get("projections", []))
    free = list(range(len(proposals)))
    missed = []
    for target in gold["targets"]:
        hit = next((i for i in free if not compatible(target, proposals[i])), None)
        if hit is None:
            missed.append(target)
        else:
            free.remove(hit)
    lines = []
    for target in missed:
        near = [proposals[i] for i in free if "quote" not in compatible(target, proposals[i])]
        if near:
            prop = near[0]
            lines.append(f"  MISSED ({', '.join(compatible(target, prop))}): «{target['quote']}» expected "
                         f"{target['comparator']} {target['value']} {target['unit']} {target['deadline']}; proposed "
                         f"{prop.get('comparator')} {prop.get('value')} {prop.get('unit')} {prop.get('deadline')} "
                         f"«{prop.get('quote')}»")
        else:
            lines.append(f"  MISSED (no proposal): «{target['quote']}» expected {target['comparator']} "
                         f"{target['value']} {target['unit']} {target['deadline']}")
    for i in free:
        prop = proposals[i]
        lines.append(f"  NOT ANNOTATED: {prop.get('comparator')} {prop.get('value')} {prop.get('unit')} "
                     f"{prop.get('deadline')} «{prop.get('quote')}»")
    return len(gold["targets"]) - len(missed), lines


def particulars_report(extracted, particulars):
    right, total, lines = 0, 0, []
    for field in TEXT_FIELDS + EXACT_FIELDS:
        if field not in particulars:
            continue
        total += 1
        expected, proposed = particulars[field], extracted.get(field)
        ok = same_text(expected, proposed) if field in TEXT_FIELDS else fold(expected) == fold(proposed)
        right += ok
        if not ok:
            lines.append(f"  PARTICULAR {field}: expected «{expected}», proposed «{proposed}»")
    proposed_parents = extracted.get("parents", [])
    key = lambda number: fold(number).replace(" ", "")  # noqa: E731
    for parent in particulars["parents"]:
        total += 1
        found = [p for p in proposed_parents if key(p.get("number")) == key(parent["number"])]
        if found and found[0].get("date") == parent["date"]:
            right += 1
        else:
            lines.append(f"  CITED DOCUMENT {parent['number']} ({parent['date']}): proposed "
                         f"{json.dumps(found, ensure_ascii=False) if found else 'nothing'}")
    expected_numbers = {key(parent["number"]) for parent in particulars["parents"]}
    for parent in proposed_parents:
        if key(parent.get("number")) not in expected_numbers:
            lines.append(f"  CITED DOCUMENT not annotated: {json.dumps(parent, ensure_ascii=False)}")
    return right, total, lines


def tasks_report(extracted, tasks):
    proposed = [(task, group) for group in extracted.get("tasks", []) for task in group["tasks"]]
    found = lead_ok = due_ok = 0
    lines = []
    for task in tasks:
        hits = [(t, g) for t, g in proposed if fold(task["text"]) in fold(t["text"])]
        if not hits:
            lines.append(f"  TASK NOT FOUND: «{task['text']}»")
            continue
        found += 1
        t, g = hits[0]
        lead = t.get("lead_text") or g.get("lead_text") or ""
        if (same_text(task["lead"], lead) if task["lead"] else not lead):
            lead_ok += 1
        else:
            lines.append(f"  TASK LEAD: «{task['text']}» expected «{task['lead'] or ''}», proposed «{lead}»")
        due = t.get("due")
        if (not task["deadline"] and not due) or (task["deadline"] and last_year(task["deadline"]) == last_year(due)):
            due_ok += 1
        else:
            lines.append(f"  TASK DEADLINE: «{task['text']}» expected «{task['deadline'] or ''}», proposed «{due}»")
    return found, lead_ok, due_ok, len(proposed), lines


def main():
    sys.path.insert(0, str(HERE.parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from importer.extraction import extract_plan, read_document
    from importer.extraction.scoring import score

    totals = dict.fromkeys(("matched", "expected", "proposed", "p_right", "p_total", "tasks", "found", "lead",
                            "due", "t_proposed"), 0)
    dump = {}
    for gold_path in sorted((HERE / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        built = HERE / "built" / gold["source"]
        extracted = extract_plan(read_document(built), built.name)
        dump[built.name] = extracted
        result = score(extracted, gold)
        matched, target_lines = target_report(extracted, gold)
        assert matched == result.matched, (built.name, matched, result.matched)  # this listing agrees with the scorer
        p_right, p_total, p_lines = particulars_report(extracted, gold["particulars"])
        found, lead, due, t_proposed, t_lines = tasks_report(extracted, gold["tasks"])
        print(f"== {built.name}: targets {result.matched}/{result.expected} ({result.proposed} proposed) {result}; "
              f"particulars {p_right}/{p_total}; tasks {found} found of {len(gold['tasks'])} "
              f"({t_proposed} proposed), lead right {lead}, deadline right {due}")
        for line in target_lines + p_lines + t_lines:
            print(line)
        for name, value in (("matched", result.matched), ("expected", result.expected),
                            ("proposed", result.proposed), ("p_right", p_right), ("p_total", p_total),
                            ("tasks", len(gold["tasks"])), ("found", found), ("lead", lead), ("due", due),
                            ("t_proposed", t_proposed)):
            totals[name] += value
    t = totals
    print(f"== TOTAL: targets {t['matched']}/{t['expected']} ({t['proposed']} proposed): precision "
          f"{t['matched'] / t['proposed']:.2f}, recall {t['matched'] / t['expected']:.2f}; particulars "
          f"{t['p_right']}/{t['p_total']}; tasks {t['found']} found of {t['tasks']} ({t['t_proposed']} proposed), "
          f"lead right {t['lead']}, deadline right {t['due']}")
    if "--json" in sys.argv:
        print(json.dumps(dump, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
