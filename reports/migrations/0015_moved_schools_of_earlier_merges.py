"""The schools each ward merged before units/0007 moved to its successor (UnitSuccession.moved, empty for them): a
period such a ward sent counts in its own report, and its successor's figures must leave those schools out
(targets/lineage.py). A school move kept no record of its own, but the ward's sent reports did: the schools behind
its figures (each snapshot's raw_values, by code) and the schools that sent it their reports. Those of them now
directly under the successor, in force before the merge, are the schools it moved. A ward that sent nothing needs
none (its periods count in its successor's anyway); what cannot be known here is left to the administrator (README,
"Upgrading")."""

from django.db import migrations
from django.db.models import Q


def fill_moved(apps, schema_editor):
    UnitSuccession = apps.get_model("units", "UnitSuccession")
    Unit = apps.get_model("units", "Unit")
    OutgoingReport = apps.get_model("reports", "OutgoingReport")
    merges = (UnitSuccession.objects.filter(kind="merge", predecessor__kind="commune", moved__isnull=True)
              .select_related("predecessor"))
    for succession in merges:
        ward = succession.predecessor
        codes = set()
        for snapshot in OutgoingReport.objects.filter(unit=ward).values_list("snapshot", flat=True):
            codes.update(row.get("unit_code") for row in (snapshot or {}).get("raw_values") or [])
        senders = OutgoingReport.objects.filter(recipient=ward, unit__kind="school").values("unit_id")
        schools = (Unit.objects.filter(parent_id=succession.successor_id, kind="school")
                   .filter(Q(code__in=codes - {None}) | Q(pk__in=senders))
                   .filter(Q(valid_from__isnull=True) | Q(valid_from__lt=succession.effective_on)))
        succession.moved.set(schools)


class Migration(migrations.Migration):

    dependencies = [
        ("units", "0007_unitsuccession_moved"),
        ("reports", "0014_reported_periods_of_sent_reports"),
    ]

    operations = [migrations.RunPython(fill_moved, migrations.RunPython.noop)]
