import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# what loading the project created lives as long as the worker: out of the collector's reach (its garbage collected
# first), a full collection walks only what requests left (config/settings.py sets how often it runs)
gc.collect()
gc.freeze()
