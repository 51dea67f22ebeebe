"""Data sets seeded once for a test module: the demo data and a small synthetic province."""

from contextlib import contextmanager

from django.core.management import call_command
from django.test import override_settings

from demo.loader import seed_demo
from demo.synthetic import Size, seed_synthetic

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMALL = Size(communes=2, schools_per_commune=3, indicators=8, periods=3)


@contextmanager
def demo_and_small_province(django_db_blocker, then=None):
    """The demo data and SMALL synthetic province (and what `then()` adds), emptied again afterwards; the demo's
    accounts are hashed with a fast hasher, as conftest.py does for each test."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        seed_demo()
        seed_synthetic(SMALL, log=lambda _text: None)
        if then is not None:
            then()
        yield
        call_command("flush", interactive=False, verbosity=0)
