"""Sign-in backend: Django's ModelBackend, reading a signed-in user together with their memberships.

Every page needs the user and their active memberships (units/access.py). Read apart, they are two
queries on every request; here they are one: the memberships with their user, units and the units'
parents. A user with no active membership (a superuser, an account whose roles were all withdrawn) is read
on its own, as Django does.

That one query is the same statement on every request but for the user's id, and building it through the
ORM (select_related of three relations) cost more CPU than anything else a request does before its view
(docs/benchmarks.md, where the load's CPU goes). Its SQL is therefore written once per process from the
models' own metadata (tables, columns, foreign keys) and the rows are turned into model instances as
`select_related` would: the same objects, the same cached relations, without compiling the query again.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router

from .models import Membership, Unit

_RELATED = (  # (alias, model, how it is joined); parents last: a unit without a parent has a row of NULLs
    ("u", "user", "INNER"),
    ("un", "unit", "INNER"),
    ("p", "parent", "LEFT OUTER"),
)


def _statement(connection):
    """(SQL, per model: alias, model, column attnames, converters) for the memberships of one user with user,
    unit and parent, written once per database connection object (a thread keeps its own across requests)."""
    prepared = getattr(connection, "_nq71_membership_statement", None)
    if prepared is not None:
        return prepared
    qn = connection.ops.quote_name
    user_model = get_user_model()
    models = [("m", Membership), ("u", user_model), ("un", Unit), ("p", Unit)]
    layout = []
    for alias, model in models:
        fields = model._meta.concrete_fields
        # the values as the ORM hands them to from_db: the backend's converters (SQLite's dates, booleans…),
        # then the field's own (from_db_value)
        converters = [(index, converter, field.get_col(alias))
                      for index, field in enumerate(fields)
                      for converter in (connection.ops.get_db_converters(field.get_col(alias))
                                        + field.get_db_converters(connection))]
        layout.append((alias, model, [f.attname for f in fields], converters))
    select = ", ".join(f"{alias}.{qn(field.column)}"
                       for alias, model in models for field in model._meta.concrete_fields)
    unit_fk, user_fk = Membership._meta.get_field("unit"), Membership._meta.get_field("user")
    parent_fk = Unit._meta.get_field("parent")
    sql = (
        f"SELECT {select} FROM {qn(Membership._meta.db_table)} m "
        f"INNER JOIN {qn(user_model._meta.db_table)} u ON u.{qn(user_model._meta.pk.column)} = m.{qn(user_fk.column)} "
        f"INNER JOIN {qn(Unit._meta.db_table)} un ON un.{qn(Unit._meta.pk.column)} = m.{qn(unit_fk.column)} "
        f"LEFT OUTER JOIN {qn(Unit._meta.db_table)} p ON p.{qn(Unit._meta.pk.column)} = un.{qn(parent_fk.column)} "
        f"WHERE m.{qn(Membership._meta.get_field('is_active').column)} AND m.{qn(user_fk.column)} = %s "
        f"ORDER BY m.{qn(Membership._meta.pk.column)}"
    )
    connection._nq71_membership_statement = prepared = (sql, layout)
    return prepared


def active_memberships(user_id):
    """The user's active memberships in the order of their keys, each with `.user` (one object for all of
    them), `.unit` and `.unit.parent` loaded: what Membership.objects.active().filter(user_id=…)
    .select_related("user", "unit", "unit__parent").order_by("pk") returns, in one statement compiled once."""
    db = router.db_for_read(Membership)
    connection = connections[db]
    sql, layout = _statement(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        rows = cursor.fetchall()
    memberships, user = [], None
    user_field, unit_field = Membership._meta.get_field("user"), Membership._meta.get_field("unit")
    parent_field = Unit._meta.get_field("parent")
    for row in rows:
        objects, start = {}, 0
        for alias, model, names, converters in layout:
            values = list(row[start:start + len(names)])
            start += len(names)
            if values[0] is None:  # the parent of a unit at the top of the tree
                objects[alias] = None
                continue
            for index, converter, expression in converters:
                values[index] = converter(values[index], expression, connection)
            objects[alias] = model.from_db(db, names, values)
        user = user or objects["u"]
        membership, unit = objects["m"], objects["un"]
        parent_field.set_cached_value(unit, objects["p"])
        user_field.set_cached_value(membership, user)
        unit_field.set_cached_value(membership, unit)
        memberships.append(membership)
    return memberships


class MembershipModelBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        rows = active_memberships(user_id)
        if rows:
            user = rows[0].user
            user._nq71_memberships = rows
        else:
            try:
                user = get_user_model()._default_manager.get(pk=user_id)
            except get_user_model().DoesNotExist:
                return None
        return user if self.user_can_authenticate(user) else None
