import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# served by a WSGI server (gunicorn): production unless told otherwise. DEBUG's default (on) is for manage.py on a
# developer's machine; a server started without it would show Django's technical pages (every URL of the portal)
# to anyone, so here it defaults to off, and then the settings refuse to start without a SECRET_KEY of its own.
os.environ.setdefault("DEBUG", "off")
# a page's statement, or its wait for a row another request holds, gives up rather than holding the worker
# (config/settings.py; PostgreSQL only); workers and manage.py run without these limits, and so does a server
# without a broker, which runs the report builds and plan readings in its own requests (a national workbook: minutes)
if os.environ.get("CELERY_BROKER_URL"):
    os.environ.setdefault("DB_STATEMENT_TIMEOUT", "30s")
    os.environ.setdefault("DB_LOCK_TIMEOUT", "10s")
application = get_wsgi_application()
# what loading the project created lives as long as the worker: out of the collector's reach (its garbage collected
# first), a full collection walks only what requests left (config/settings.py sets how often it runs)
gc.collect()
gc.freeze()
