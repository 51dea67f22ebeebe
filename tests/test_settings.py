"""Settings: the embedded default, and `check --deploy` with the production variables set."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")} | env
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True)


def test_it_speaks_vietnamese_in_the_ho_chi_minh_time_zone():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ


def test_the_deploy_check_passes_with_production_variables():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="off", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="nq71.example.vn",
        DATABASE_URL="postgres://portal@db.example.vn:5432/nq71", CELERY_BROKER_URL="redis://cache.example.vn:6379/0",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = run_manage("check", DEBUG="off", ALLOWED_HOSTS="nq71.example.vn")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_a_malformed_boolean():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0


def test_without_a_broker_celery_runs_tasks_in_process():
    result = run_manage("shell", "--verbosity", "0", "-c", "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER, settings.DATABASES['default']['ENGINE'])")
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]


def test_large_primary_keys_render_without_a_thousands_separator():
    # a key like 4308 must stay "4308" in URLs and data attributes, whatever the locale
    from django.template import Context, Template

    assert Template("{{ n }}").render(Context({"n": 4308})) == "4308"


def test_every_process_collects_cycles_less_often_and_the_server_freezes_what_it_loaded():
    # config/settings.py: the threshold of the youngest generation, overridable; config/wsgi.py: gc.freeze()
    code = ("import gc, config.wsgi; print(*gc.get_threshold(), gc.get_freeze_count() > 10000)")
    result = run_manage("shell", "--verbosity", "0", "-c", code)
    assert result.stdout.split() == ["20000", "10", "10", "True"], result.stderr
    result = run_manage("shell", "--verbosity", "0", "-c", "import gc; print(*gc.get_threshold())", GC_THRESHOLD="")
    assert result.stdout.split() == ["20000", "10", "10"], result.stderr  # empty: the default
    result = run_manage("check", GC_THRESHOLD="20000")
    assert result.returncode != 0 and "GC_THRESHOLD must be three whole numbers" in result.stderr
    result = run_manage("shell", "--verbosity", "0", "-c", "import gc; print(*gc.get_threshold())", GC_THRESHOLD="5000,10,10")
    assert result.stdout.split() == ["5000", "10", "10"], result.stderr


def test_a_wsgi_server_started_without_debug_set_runs_as_production():
    # the security audit of 28/11/2026: DEBUG on by default put Django's technical pages (every URL) in front of
    # anyone reaching a server started without the variable; config/wsgi.py makes it off under a WSGI server
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL")}
    code = "import config.wsgi; from django.conf import settings; print(settings.DEBUG)"
    refused = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "SECRET_KEY must be set when DEBUG is off" in refused.stderr
    served = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env=env | {"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "nq71.example.vn"})
    assert served.stdout.split()[-1:] == ["False"], served.stderr
    developer = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                               env=env | {"DEBUG": "on"})
    assert developer.stdout.split()[-1:] == ["True"], developer.stderr


def _database_options(code_before="", **env):
    """The OPTIONS of the default database as a process with these variables would read them."""
    code = (f"{code_before}import django, json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
            "from django.conf import settings; print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))")
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("DB_") and k not in ("DATABASE_URL", "CELERY_BROKER_URL", "DEBUG")}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                          env=clean | {"DATABASE_URL": "postgres://portal@db.example.vn:5432/nq71"} | env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_silent_database_costs_a_page_seconds_not_forever():
    # workers and manage.py: the connection gives up, statements and row waits are not limited (a national seed)
    assert _database_options() == {"connect_timeout": 5}
    # a WSGI server with a broker: config/wsgi.py sets the limits before the settings load
    served = _database_options("import config.wsgi; ", CELERY_BROKER_URL="redis://cache.example.vn:6379/0",
                               SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="nq71.example.vn")
    assert served == {"connect_timeout": 5, "options": "-c statement_timeout=30s -c lock_timeout=10s"}
    # without one it runs the report builds in its requests (a national workbook takes minutes): no limit
    assert _database_options("import config.wsgi; ", SECRET_KEY=secrets.token_urlsafe(64),
                             ALLOWED_HOSTS="nq71.example.vn") == {"connect_timeout": 5}
    # behind a pooler that refuses startup options: set them empty
    assert _database_options(DB_STATEMENT_TIMEOUT="", DB_LOCK_TIMEOUT="", DB_CONNECT_TIMEOUT="3") == {
        "connect_timeout": 3}


def test_mail_is_configured_from_the_environment():
    code = ("import os, json; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
            "from django.conf import settings as s; print(json.dumps([s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
            "s.EMAIL_USE_TLS, s.EMAIL_TIMEOUT]))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                          env=env | {"EMAIL_HOST": "smtp.example.vn", "EMAIL_PORT": "587", "EMAIL_HOST_USER": "cong",
                                     "EMAIL_USE_TLS": "on"})
    assert done.stdout.strip().splitlines()[-1] == '["smtp.example.vn", 587, "cong", true, 10]'
    both = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env=env | {"EMAIL_USE_TLS": "on", "EMAIL_USE_SSL": "on"})
    assert both.returncode != 0 and "EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive" in both.stderr


# The operations audit of 28/11/2026: a province's IT officer's typo started the portal on a wrong value, or stopped it
# with a ValueError that did not name the variable; each is now refused with the variable's name.
MALFORMED = [
    ({"DEBUG": "nope"}, "DEBUG must be on or off (got 'nope')"),
    ({"EMAIL_USE_TLS": "ture"}, "EMAIL_USE_TLS must be on or off (got 'ture')"),
    ({"EMAIL_PORT": "587s"}, "EMAIL_PORT must be a whole number (got '587s')"),
    ({"DB_CONNECT_TIMEOUT": "5s", "DATABASE_URL": "postgres://portal@db.example.vn:5432/nq71"},
     "DB_CONNECT_TIMEOUT must be a whole number (got '5s')"),
    ({"STATIC_ROOT": ""}, "STATIC_ROOT is empty"),
    ({"MEDIA_ROOT": ""}, "MEDIA_ROOT is empty"),
    ({"CELERY_BROKER_URL": "redis//cache.example.vn:6379/0"}, "CELERY_BROKER_URL must read redis://"),
    ({"DEBUG": "off", "SECRET_KEY": ""}, "SECRET_KEY must be at least 50 random characters"),
    ({"DEBUG": "off", "SECRET_KEY": "abc123"}, "SECRET_KEY must be at least 50 random characters"),
    ({"DEBUG": "off", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": ""},
     "ALLOWED_HOSTS must name the portal's host names when DEBUG is off"),
    ({"DATABASE_URL": ""}, "DATABASE_URL must read postgres://"),
    ({"DATABASE_URL": "postgres://portal@db.example.vn:5432"}, "DATABASE_URL must read postgres://"),
]


def test_a_malformed_variable_stops_the_start_naming_it():
    for env, message in MALFORMED:
        result = run_manage("check", **({"ALLOWED_HOSTS": "nq71.example.vn"} | env))
        assert result.returncode != 0, env
        assert message in result.stderr.strip().splitlines()[-1], (
            env, result.stderr[-500:])


def test_a_misspelt_database_url_is_refused_without_repeating_its_password():
    result = run_manage("check", DATABASE_URL="postgress://portal:Mk-9xQ2v@db.example.vn:5432/nq71")
    assert result.returncode != 0
    assert "DATABASE_URL must read postgres://user:password@host:5432/database" in result.stderr
    assert "Mk-9xQ2v" not in result.stderr


def test_production_sends_mail_by_smtp_rather_than_printing_set_password_links_in_the_log():
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND)"
    env = {k: v for k, v in os.environ.items() if k != "EMAIL_BACKEND"}
    production = subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", code], cwd=ROOT, text=True,
                                capture_output=True, env=env | {"DEBUG": "off", "SECRET_KEY": secrets.token_urlsafe(64),
                                                                "ALLOWED_HOSTS": "nq71.example.vn"})
    assert production.stdout.split()[-1:] == ["django.core.mail.backends.smtp.EmailBackend"], production.stderr
    development = subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", code], cwd=ROOT, text=True,
                                 capture_output=True, env=env | {"DEBUG": "on"})
    assert development.stdout.split()[-1:] == ["django.core.mail.backends.console.EmailBackend"], development.stderr


def test_the_health_check_answers_a_plain_http_probe_instead_of_redirecting_it():
    # a proxy's or a monitor's probe calls gunicorn directly over HTTP: a 301 to https counted as "up" whatever the
    # database's state; every other page still goes to https
    code = ("from django.test import Client; c = Client(); "
            "print(c.get('/suc-khoe/').status_code, c.get('/dang-nhap/').status_code)")
    result = run_manage("shell", "-v0", "-c", code, DEBUG="off", SECRET_KEY=secrets.token_urlsafe(64),
                        ALLOWED_HOSTS="testserver")
    health, login = result.stdout.split()[-2:]
    assert health in ("200", "503") and login == "301", result.stdout + result.stderr


def test_a_logged_error_carries_its_time_level_and_logger_and_its_traceback():
    code = ("import logging\n"
            "try:\n    1 / 0\n"
            "except ZeroDivisionError:\n"
            "    logging.getLogger('django.request').error('Internal Server Error: /bao-cao/', exc_info=True)\n")
    result = run_manage("shell", "-v0", "-c", code)
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0700 ERROR django\.request \[\d+\] "
                     r"Internal Server Error: /bao-cao/$", result.stderr, re.MULTILINE), result.stderr
    assert "ZeroDivisionError: division by zero" in result.stderr


def test_production_static_files_are_named_by_content_and_cached_for_a_year(tmp_path):
    # they were served with a 60-second max-age, every page revalidating its CSS, JS and libraries each minute
    code = ("from django.core.management import call_command; from django.templatetags.static import static; "
            "from django.test import Client; call_command('collectstatic', '--noinput', verbosity=0); "
            "urls = [static('css/portal.css'), static('vendor/chartjs-4.6.1/chart.umd.min.js'), "
            "static('admin/css/base.css')]; "
            "answers = [Client().get(url, secure=True) for url in urls]; "
            "print(*urls); print(*[a.status_code for a in answers]); print(*[a['Cache-Control'] for a in answers])")
    result = run_manage("shell", "-v0", "-c", code, DEBUG="off", SECRET_KEY=secrets.token_urlsafe(64),
                        ALLOWED_HOSTS="testserver", STATIC_ROOT=str(tmp_path))
    urls, statuses, caching = result.stdout.strip().splitlines()[-3:]
    assert re.fullmatch(r"/static/css/portal\.[0-9a-f]{12}\.css /static/vendor/chartjs-4\.6\.1/chart\.umd\.min\.[0-9a-f]{12}"
                        r"\.js /static/admin/css/base\.[0-9a-f]{12}\.css", urls), result.stderr
    assert statuses == "200 200 200"
    assert caching == " ".join(["max-age=315360000, public, immutable"] * 3)
