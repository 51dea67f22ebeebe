"""units/column_identity.py: a column's identity written directly is the one Django's inspect-based way computes."""

from django.apps import apps
from django.db.models import F
from django.db.models.expressions import Col, Expression

from units.column_identity import _col_identity
from units.models import Unit

GENERIC = Expression.__dict__["identity"].func


def columns():
    """Columns of every concrete field of every model, built as the ORM builds them (get_col), with and without an
    alias, with an output field other than the target, and relabelled."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            for col in (field.get_col("T1"), field.get_col(None), Col("T2", field),
                        Col("T3", field, output_field=field), Col(alias="T4", target=field, output_field=None)):
                yield col
                yield col.relabeled_clone({"T1": "U1", "T2": "U2"})
            if field.is_relation:
                yield field.get_col("T5", output_field=field.target_field)


def test_the_direct_identity_equals_djangos_on_every_column():
    seen = 0
    for col in columns():
        assert _col_identity(col) == GENERIC(col), col
        seen += 1
    assert seen > 1000


def test_columns_use_the_direct_identity_and_still_hash_and_compare_as_before():
    field = Unit._meta.get_field("path")
    a, b, other = field.get_col("T1"), field.get_col("T1"), field.get_col("T2")
    assert "identity" in Col.__dict__  # installed by the units app
    assert a == b and hash(a) == hash(b) and a != other
    assert a.identity == GENERIC(a)


def test_a_subclass_with_its_own_constructor_keeps_djangos_way():
    class Shifted(Col):
        def __init__(self, alias, target, shift=0, output_field=None):
            super().__init__(alias, target, output_field)
            self.shift = shift

    field = Unit._meta.get_field("path")
    assert Shifted("T1", field, 2).identity == GENERIC(Shifted("T1", field, 2))
    assert Shifted("T1", field, 2) != Shifted("T1", field, 3)


def test_an_ordered_query_compiles_as_before():
    sql = str(Unit.objects.select_related("parent").order_by("path", F("name").desc()).query)
    assert 'ORDER BY "units_unit"."path" ASC, "units_unit"."name" DESC' in sql
