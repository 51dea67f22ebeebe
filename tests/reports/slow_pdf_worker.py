"""The portal's Celery app for the kill-the-worker test (test_build_faults.py), started as
`celery -A tests.reports.slow_pdf_worker worker`: each report PDF first sleeps SLOW_PDF_SECONDS, in the
PDF child, so that the test can kill the worker while the child works. Nothing else differs."""

import os
import time

from celery.signals import worker_process_init

from config.celery import app

__all__ = ["app"]


@worker_process_init.connect
def slow_down_the_pdf(**kwargs):
    # runs in each pool process once forked; the PDF child is forked from it and inherits the module
    from reports import pdf

    write_report_pdf, delay = pdf.write_report_pdf, float(os.environ.get("SLOW_PDF_SECONDS", "0"))

    def slow_write_report_pdf(content):
        time.sleep(delay)
        return write_report_pdf(content)

    pdf.write_report_pdf = slow_write_report_pdf
