"""Snapshots of the application's data, taken under either code version, for check_migrate_forward.sh.

The same database is read twice: by the previous main right after `migrate` and `seed_demo`, and by this
checkout after its `migrate`. Everything is read with raw SQL, so the snapshot does not depend on the models
of the code that takes it; only the layout of the tables matters, and both layouts are known here:

  previous layout                                 current layout
  reports_period, reports_periodexception         periods_period, periods_periodexception
  targets_indicator.numerator_item_id,            reports_indicatorsource (indicator_id, numerator_item_id,
                    .denominator_item_id                                   denominator_item_id)
  targets_progressvalue.report_id                 reports_reportvalue (report_id, value_id)
  (none)                                          targets_indicator.collected_from_schools
                                                  (true exactly where numerator_item_id was set)

Both snapshots are expressed in the current layout's logical terms: tables under their current names, each
indicator's report items as one data set, each progress value with the school report it is linked to, and
the new flag derived from the old column. Values are normalised (numbers in one canonical decimal form,
booleans as 0/1, JSON with sorted keys), so that SQLite and PostgreSQL text forms compare equal.

Usage (the code root is the checkout whose code and settings are used; it defaults to this checkout):
  python scripts/migrate_forward_snapshot.py [--root DIR] snapshot OUT.json
  python scripts/migrate_forward_snapshot.py [--root DIR] enrich
  python scripts/migrate_forward_snapshot.py [--root DIR] orm-check OLD.json
  python scripts/migrate_forward_snapshot.py compare OLD.json NEW.json
"""

import argparse
import datetime
import decimal
import json
import os
import sys
import uuid
from pathlib import Path

APP_PREFIXES = ("units_", "plans_", "targets_", "reports_", "periods_")

# Tables renamed by the migration: previous name -> current (logical) name.
RENAMED = {
    "reports_period": "periods_period",
    "reports_periodexception": "periods_periodexception",
}
# Tables that only hold links moved out of other tables. Their rows are compared through the data sets
# that carry those links (indicator_report_items, targets_progressvalue.report_id); their row counts are
# compared with the number of links in the previous layout.
LINK_TABLES = ("reports_indicatorsource", "reports_reportvalue")
INDICATOR_ITEMS = "indicator_report_items"
ITEM_COLUMNS = ["indicator_id", "numerator_item_id", "denominator_item_id"]
MAX_DIFF_LINES = 12


# --- Django set-up ------------------------------------------------------------------------------------


def setup_django(root):
    """Import the code of `root` (not this checkout's, when they differ) and set Django up."""
    root = Path(root).resolve()
    os.chdir(root)
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import config

    # The venv holds an editable install of this checkout: make sure it did not win over `root`.
    loaded_from = Path(config.__file__).resolve().parent.parent
    if loaded_from != root:
        raise SystemExit(f"config was imported from {loaded_from}, not from {root}")


# --- Normalisation --------------------------------------------------------------------------------------


def canon(value):
    """One text form per value, the same whichever backend returned it."""
    if value is None:
        return None
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, (int, float, decimal.Decimal)):
        number = decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)
        if not number.is_finite():
            return str(number)
        text = format(number.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def sort_key(row):
    return tuple((cell is None, cell or "") for cell in row)


# --- Snapshot -------------------------------------------------------------------------------------------


def fetch(cursor, table):
    """The column names of a table and its rows as dicts (column name -> normalised value)."""
    quote = cursor.db.ops.quote_name
    cursor.execute(f"SELECT * FROM {quote(table)}")
    names = [column[0] for column in cursor.description]
    return names, [dict(zip(names, map(canon, row), strict=True)) for row in cursor.fetchall()]


def dataset(rows, columns, key="id"):
    """Rows in a fixed column order (sorted names), sorted; `key` names the rows in a diff."""
    columns = sorted(columns)
    lines = sorted(([row.get(name) for name in columns] for row in rows), key=sort_key)
    return {"columns": columns, "key": key if key in columns else columns[0], "rows": lines}


def take_snapshot(out):
    from django.db import connection

    tables = sorted(t for t in connection.introspection.table_names() if t.startswith(APP_PREFIXES))
    previous = "reports_period" in tables
    layout = "previous" if previous else "current"
    if previous == ("periods_period" in tables):
        raise SystemExit(f"unknown layout: both or neither of reports_period and periods_period in {tables}")

    counts, datasets, facts = {}, {}, {}
    with connection.cursor() as cursor:
        for table in tables:
            name = RENAMED.get(table, table)
            columns, rows = fetch(cursor, table)
            counts[name] = len(rows)
            if table in LINK_TABLES:
                continue
            if table == "targets_indicator" and previous:
                columns = indicators_previous(columns, rows, datasets, facts)
            elif table == "targets_progressvalue" and previous:
                facts["values_with_report"] = sum(1 for row in rows if row["report_id"] is not None)
            elif table == "targets_progressvalue":
                columns = values_current(cursor, columns, rows)
            datasets[name] = dataset(rows, columns)
            facts[f"max_id:{name}"] = max((int(row["id"]) for row in rows if "id" in row), default=0)

        if previous:
            counts["reports_indicatorsource"] = facts["indicators_with_items"]
            counts["reports_reportvalue"] = facts["values_with_report"]
        else:
            _, sources = fetch(cursor, "reports_indicatorsource")
            items = [{name: row[name] for name in ITEM_COLUMNS} for row in sources]
            datasets[INDICATOR_ITEMS] = dataset(items, ITEM_COLUMNS, key="indicator_id")

    snapshot = {"layout": layout, "vendor": connection.vendor, "code_root": os.getcwd(),
                "counts": counts, "datasets": datasets, "facts": facts}
    Path(out).write_text(json.dumps(snapshot, ensure_ascii=False, indent=0))
    rows = sum(counts.values())
    print(f"snapshot ({layout} layout, {connection.vendor}): {len(counts)} tables, {rows} rows -> {out}")


def indicators_previous(columns, rows, datasets, facts):
    """Previous layout: the report items leave the indicator rows for their own data set, and the flag
    collected_from_schools is what the current layout must hold (true exactly where a numerator item is)."""
    items = [{"indicator_id": row["id"], "numerator_item_id": row["numerator_item_id"],
              "denominator_item_id": row["denominator_item_id"]}
             for row in rows
             if row["numerator_item_id"] is not None or row["denominator_item_id"] is not None]
    datasets[INDICATOR_ITEMS] = dataset(items, ITEM_COLUMNS, key="indicator_id")
    facts["indicators_with_items"] = len(items)
    facts["indicators_with_numerator"] = sum(1 for row in rows if row["numerator_item_id"] is not None)
    for row in rows:
        row["collected_from_schools"] = canon(row.pop("numerator_item_id") is not None)
        del row["denominator_item_id"]
    moved = ("numerator_item_id", "denominator_item_id")
    return [c for c in columns if c not in moved] + ["collected_from_schools"]


def values_current(cursor, columns, rows):
    """Current layout: each progress value gets back the school report reports_reportvalue links it to."""
    if "report_id" in columns:
        raise SystemExit("targets_progressvalue still has report_id in the current layout")
    _, links = fetch(cursor, "reports_reportvalue")
    report_of = {}
    for link in links:
        if link["value_id"] in report_of:
            raise SystemExit(f"progress value {link['value_id']} is linked to two reports")
        report_of[link["value_id"]] = link["report_id"]
    dangling = set(report_of) - {row["id"] for row in rows}
    if dangling:
        raise SystemExit(f"reports_reportvalue points to missing progress values {sorted(dangling)}")
    for row in rows:
        row["report_id"] = report_of.get(row["id"])
    return columns + ["report_id"]


# --- Extra rows -----------------------------------------------------------------------------------------


def enrich():
    """A few rows in tables the demo seed leaves empty, so that their contents are compared too.

    Written with the ORM of the code being run (the previous main), found by table name so that either
    layout works: a period exception (renamed table), a progress value change (on a value linked to a
    school report, when the layout has that link on the value), a report event and a target revision.
    """
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db import transaction

    by_table = {model._meta.db_table: model for model in apps.get_models()}

    def model(*names):
        return next(by_table[name] for name in names if name in by_table)

    Period = model("reports_period", "periods_period")
    PeriodException = model("reports_periodexception", "periods_periodexception")
    Unit = model("units_unit")
    ProgressValue = model("targets_progressvalue")
    ProgressValueChange = model("targets_progressvaluechange")
    SchoolReport = model("reports_schoolreport")
    ReportEvent = model("reports_reportevent")
    Target = model("targets_target")
    TargetRevision = model("targets_targetrevision")

    user = get_user_model().objects.order_by("pk").first()
    report = SchoolReport.objects.order_by("pk").first()
    period = report.period if report else Period.objects.order_by("pk").first()
    school = report.school if report else Unit.objects.order_by("pk").first()
    values = ProgressValue.objects.order_by("pk")
    if any(field.name == "report" for field in ProgressValue._meta.fields):  # previous layout
        value = values.exclude(report=None).first() or values.first()
    else:
        value = values.first()
    target = Target.objects.order_by("pk").first()
    missing = [name for name, obj in [("user", user), ("period", period), ("unit", school),
                                      ("progress value", value), ("target", target)] if obj is None]
    if missing:
        raise SystemExit(f"enrich: the seeded database has no {', '.join(missing)}")

    created = []
    with transaction.atomic():
        created.append(PeriodException.objects.create(
            period=period, unit=school, open_until=period.deadline + datetime.timedelta(days=30),
            reason="Kiểm tra chuyển dữ liệu (migrate forward)", granted_by=user))
        created.append(ProgressValueChange.objects.create(
            value=value, changed_by=user, before={"value": "1.5000", "note": ""},
            after={"value": "2.2500", "note": "kiểm tra"}))
        if report:
            created.append(ReportEvent.objects.create(
                report=report, action="returned", by=user, comment="Kiểm tra chuyển dữ liệu"))
        created.append(TargetRevision.objects.create(
            target=target, changed_by=user, reason="Kiểm tra chuyển dữ liệu",
            before={"baseline_value": None}, after={"baseline_value": "12.5000"}))
    print("enrich: + " + ", ".join(obj._meta.db_table for obj in created))


# --- Checks with the current code's ORM -----------------------------------------------------------------


def orm_check(old_path):
    """The current code's models read the migrated rows, and the moved tables still hand out fresh ids."""
    from django.db import transaction

    from periods.models import Period, PeriodException
    from reports.models import IndicatorSource, ReportValue, SchoolReport
    from targets.models import Indicator, ProgressValue
    from units.models import Unit

    old = json.loads(Path(old_path).read_text())
    counts, facts = old["counts"], old["facts"]
    values = ProgressValue.objects.select_related("period", "unit", "indicator", "target")
    collected = Indicator.objects.filter(collected_from_schools=True)
    checks = [
        ("periods.Period", Period.objects.count(), counts["periods_period"]),
        ("periods.PeriodException", PeriodException.objects.count(), counts["periods_periodexception"]),
        ("reports.ReportValue", ReportValue.objects.count(), facts["values_with_report"]),
        ("reports.IndicatorSource", IndicatorSource.objects.count(), facts["indicators_with_items"]),
        ("targets.Indicator collected_from_schools", collected.count(), facts["indicators_with_numerator"]),
        ("targets.ProgressValue loaded with its relations", len(list(values)),
         counts["targets_progressvalue"]),
        ("reports.SchoolReport loaded with its period",
         len(list(SchoolReport.objects.select_related("period", "school"))), counts["reports_schoolreport"]),
    ]
    # Every link reads back through the ORM as the same (value, report) pair as the previous report_id.
    old_values = old["datasets"]["targets_progressvalue"]
    expected = {pair for pair in _rows_by(old_values, "id", "report_id") if pair[1] is not None}
    linked = {(str(link.value.pk), str(link.report.pk))
              for link in ReportValue.objects.select_related("value", "report")}
    checks.append(("reports.ReportValue pairs equal to the previous report_id",
                   len(linked & expected), len(expected)))
    checks.append(("reports.ReportValue pairs not in the previous layout", len(linked - expected), 0))

    # The renamed tables' id sequences continue after the highest old id (rolled back).
    with transaction.atomic():
        period = Period.objects.create(code="zz-migrate-forward-check", kind="year", year=2099,
                                       start=datetime.date(2099, 1, 1), end=datetime.date(2099, 12, 31),
                                       deadline=datetime.date(2099, 12, 31))
        exception = PeriodException.objects.create(period=period, unit=Unit.objects.order_by("pk").first(),
                                                   open_until=datetime.date(2099, 12, 31), reason="check")
        checks.append(("a new Period's id is above the old ones",
                       int(period.pk > facts["max_id:periods_period"]), 1))
        checks.append(("a new PeriodException's id is above the old ones",
                       int(exception.pk > facts["max_id:periods_periodexception"]), 1))
        transaction.set_rollback(True)

    failed = [(name, got, want) for name, got, want in checks if got != want]
    for name, got, want in failed:
        print(f"ORM check failed: {name}: {got}, expected {want}")
    if failed:
        raise SystemExit(1)
    print(f"ORM checks: {len(checks)} passed (periods {counts['periods_period']}, "
          f"report values {facts['values_with_report']}, indicator sources {facts['indicators_with_items']})")


def _rows_by(data, *names):
    index = [data["columns"].index(name) for name in names]
    return [tuple(row[i] for i in index) for row in data["rows"]]


# --- Comparison (no Django needed) ----------------------------------------------------------------------


# Tables a migration fills from the others, not from anything users entered: new and full after migrating. Their
# content is checked against the tables they derive from by check_migrate_forward.sh (rebuild_rollups --check).
DERIVED = {"targets_rollup"}


def compare(old_path, new_path):
    old = json.loads(Path(old_path).read_text())
    new = json.loads(Path(new_path).read_text())
    diff = []

    for name in sorted(set(old["counts"]) | set(new["counts"])):
        a, b = old["counts"].get(name), new["counts"].get(name)
        if a != b and not (a is None and (b == 0 or name in DERIVED)):  # a new table, empty or derived: below
            diff.append(f"row count {name}: old {_show(a, 'absent')}, new {_show(b, 'absent')}")

    added = []  # what the migrations add without touching a row: empty tables, columns holding one default
    for name in sorted(set(old["datasets"]) | set(new["datasets"])):
        a, b = old["datasets"].get(name), new["datasets"].get(name)
        if a is None and name in DERIVED:
            added.append(f"{name} (new table derived from the others: {len(b['rows'])} rows)")
            continue
        if a is None and not b["rows"]:
            added.append(f"{name} (new table)")
            continue
        if a is None or b is None:
            diff.append(f"data set {name}: only in the {'new' if a is None else 'old'} snapshot")
            continue
        if a["columns"] != b["columns"]:
            only_old = sorted(set(a["columns"]) - set(b["columns"]))
            if only_old:
                only_new = sorted(set(b["columns"]) - set(a["columns"]))
                diff.append(f"{name}: columns differ: only old {only_old}, only new {only_new}")
                continue
            b, defaults = _without_new_columns(b, a["columns"])
            for column, values in defaults.items():
                if len(values) > 1:  # a new column must hold its default in every migrated row
                    diff.append(f"{name}.{column}: new column with {len(values)} different values in migrated rows")
                else:
                    added.append(f"{name}.{column} = {next(iter(values))}" if values else f"{name}.{column} (no rows)")
        if a["rows"] == b["rows"]:
            continue
        diff.extend(_row_diff(name, a, b))

    if diff:
        print(f"DIFFERENT: {len(diff)} difference(s) between the old and the migrated database")
        for line in diff:
            print("  " + line)
        return 1
    tables = len(new["counts"])
    rows = sum(new["counts"].values())
    compared = sum(len(data["rows"]) for data in new["datasets"].values())
    print(f"{tables} tables, {rows} rows, identical "
          f"({old['layout']} -> {new['layout']} layout on {new['vendor']}; "
          f"{len(new['datasets'])} data sets, {compared} rows compared value by value)")
    if added:
        print("added by the migrations: " + "; ".join(added))
    return 0


def _without_new_columns(data, columns):
    """The data set restricted to `columns` (those of the old snapshot), and the values (as JSON) that each
    dropped column holds."""
    index = [data["columns"].index(name) for name in columns]
    dropped = {name: {json.dumps(row[i]) for row in data["rows"]}
               for i, name in enumerate(data["columns"]) if name not in columns}
    rows = [[row[i] for i in index] for row in data["rows"]]
    return {"columns": list(columns), "key": data["key"], "rows": rows}, dropped


def _row_diff(name, a, b):
    columns, key = a["columns"], a["key"]
    at = columns.index(key)
    old_rows = {row[at]: row for row in a["rows"]}
    new_rows = {row[at]: row for row in b["rows"]}
    lines = []
    for k in sorted(set(old_rows) | set(new_rows), key=lambda k: (k is None, len(k or ""), k or "")):
        before, after = old_rows.get(k), new_rows.get(k)
        if before == after:
            continue
        if after is None:
            was = dict(zip(columns, before, strict=True))
            lines.append(f"{name} {key}={k}: missing after migration (was {was})")
        elif before is None:
            lines.append(f"{name} {key}={k}: new after migration ({dict(zip(columns, after, strict=True))})")
        else:
            changed = ", ".join(f"{col}: {_show(x)} -> {_show(y)}"
                                for col, x, y in zip(columns, before, after, strict=True) if x != y)
            lines.append(f"{name} {key}={k}: {changed}")
    if len(old_rows) != len(a["rows"]) or len(new_rows) != len(b["rows"]):
        lines.append(f"{name}: duplicate {key} values (old {len(a['rows'])} rows, new {len(b['rows'])} rows)")
    total = len(lines)
    if total > MAX_DIFF_LINES:
        lines = lines[:MAX_DIFF_LINES] + [f"{name}: ... {total - MAX_DIFF_LINES} more"]
    return lines


def _show(value, none="NULL"):
    return none if value is None else repr(value)


# --- Command line ---------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent),
                        help="checkout whose code and settings are used (default: this one)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("snapshot").add_argument("out")
    commands.add_parser("enrich")
    commands.add_parser("orm-check").add_argument("old")
    compare_parser = commands.add_parser("compare")
    compare_parser.add_argument("old")
    compare_parser.add_argument("new")
    args = parser.parse_args(argv)

    if args.command == "compare":
        return compare(args.old, args.new)
    setup_django(args.root)
    if args.command == "snapshot":
        take_snapshot(args.out)
    elif args.command == "enrich":
        enrich()
    else:
        orm_check(args.old)
    return 0


if __name__ == "__main__":
    sys.exit(main())
