import gc
import os

from .celery import app as celery_app

__all__ = ("celery_app",)

# Python's cycle collector runs on its youngest generation after every 700 allocations net of frees, and a full
# collection, which walks every object of the process (about 100,000 once Django is loaded), every 100 of those.
# A page that builds a few thousand small objects (a province's drill-down: 120 communes × a criterion's targets ×
# the trend's 4 periods) paid 40 ms of its 190 in 68 young and half a full collection per request (issue 13,
# docs/benchmarks.md). Requests leave few cycles behind: collect the young generation every 20,000 allocations
# (17 ms → 1-11 ms on that page). Every process takes it: gunicorn's and Celery's workers, the management
# commands and the tests. GC_THRESHOLD="a,b,c" overrides it (gc.set_threshold).
GC_THRESHOLD = tuple(int(x) for x in os.environ.get("GC_THRESHOLD", "20000,20,20").split(","))
gc.set_threshold(*GC_THRESHOLD)
