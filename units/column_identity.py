"""A faster `identity` for Django's column expressions (`Col`), the same value computed without `inspect`.

Django 5.2 compiles an ordered query by hashing every selected expression (`SQLCompiler._order_by_pairs`), and an
expression's hash is its `identity`, which `Expression.identity` builds by binding the constructor's arguments
through `inspect.Signature.bind_partial` and `apply_defaults`: about 30 µs a column, some 90 columns for a page's
targets with their indicators and plan. A `Col` is built as `Col(alias, target, output_field=None)`, so its identity
can be written directly: the same tuple, in the same order, from the same constructor arguments
(tests/units/test_column_identity.py compares the two on every column of the project's models and on relabelled
clones). A subclass with its own constructor keeps Django's way.
"""

from django.db.models.expressions import Col, Expression
from django.utils.functional import cached_property

_PARAMETERS = ("alias", "target", "output_field")
_generic = Expression.__dict__["identity"].func  # Django's own, for subclasses with another constructor


def _col_identity(self):
    if type(self).__init__ is not Col.__init__:
        return _generic(self)
    args, kwargs = self._constructor_args
    if len(args) > 3 or set(kwargs) - set(_PARAMETERS[len(args):]):
        return _generic(self)  # what Django's bind would refuse or place otherwise: let it
    bound = dict(zip(_PARAMETERS[:len(args)], args, strict=True), **kwargs)
    if "alias" not in bound or "target" not in bound:
        return _generic(self)
    ident = self._identity
    return (self.__class__, ("alias", ident(bound["alias"])), ("target", ident(bound["target"])),
            ("output_field", ident(bound.get("output_field"))))


def install():
    """Give `Col` the direct identity (idempotent)."""
    if "identity" in Col.__dict__:
        return
    prop = cached_property(_col_identity)
    prop.__set_name__(Col, "identity")
    Col.identity = prop
