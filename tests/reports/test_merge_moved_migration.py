"""reports/0015: a merge recorded before units/0007 has no moved schools; the migration finds them from the old
ward's sent reports, so a period that ward sent stops counting its schools again in its successor's figures."""

import pytest
from django.core.management import call_command

from reports.models import OutgoingReport
from tests.reports.test_merge_counted_once import city, figure, media, merge_b_into_a, periods, rate  # noqa: F401
from tests.reports.test_outgoing import finalise, send
from units.models import UnitSuccession


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_recovers_the_schools_an_earlier_merge_moved(client, personas, tree, city, periods):  # noqa: F811
    now = periods["now"]
    client.force_login(personas["officer_b"])
    finalise(client, tree["B"], city["B"], now)
    send(client, OutgoingReport.objects.get(unit=tree["B"]))  # B's report: B1's 9 of 10
    merge_b_into_a(tree)
    succession = UnitSuccession.objects.get(predecessor=tree["B"])
    succession.moved.clear()  # as a merge recorded before units/0007 left it
    assert figure(tree["A"], city["A"], now) == (39, 50)  # B1 counted in A's too: twice with B's report

    call_command("migrate", "reports", "0014", verbosity=0)
    call_command("migrate", "reports", "0015", verbosity=0)

    assert [unit.code for unit in succession.moved.all()] == ["B-MN"]
    assert figure(tree["A"], city["A"], now) == (30, 40)  # A1 only: B1's figures are in B's report
