import gc
import os

from .celery import app as celery_app

__all__ = ("celery_app",)

# Python's cycle collector runs its youngest generation after every 700 allocations net of frees, and a full
# collection, which walks every object of the process (Django's own are several hundred thousand), every 100 of
# those. A page that builds a few thousand small objects (a province's drill-down: 120 communes × a criterion's
# targets × 4 periods) paid up to a third of its time in full collections (issue 13, docs/benchmarks.md).
# Requests leave few cycles behind: collect the young generation less often. Every process takes it: gunicorn's
# workers, Celery's, the management commands and the tests.
gc.set_threshold(*(int(x) for x in os.environ.get("NQ71_GC", "700,10,10").split(",")))
