"""A server that accepts connections and never answers, as a hung broker, database or mail server does (a
refused port fails at once and proves nothing about waiting), the Celery app pointed at it, and a bound on how
long a test waits for the code under it."""

import contextlib
import signal
import socket
import threading
import time


class StillWaiting(BaseException):
    """Raised into the code under test by answered_within; a BaseException, so that no `except Exception` in that
    code takes it for the failure it handles."""


@contextlib.contextmanager
def silent_server():
    """The port of a server on 127.0.0.1 that accepts every connection, reads nothing and sends nothing."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        listener.close()
        for held_connection in held:
            held_connection.close()


@contextlib.contextmanager
def answered_within(seconds):
    """Fail the test, rather than wait for ever, when the block takes longer than `seconds`: SIGALRM interrupts
    a blocked socket read in the main thread. Yields a function that returns the seconds spent so far."""

    def give_up(signum, frame):
        raise StillWaiting(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield lambda: time.monotonic() - started
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def send_tasks_to(port, monkeypatch, settings):
    """Point the Celery app at a broker on 127.0.0.1:`port`, tasks sent rather than run in this process
    (`settings`: pytest-django's fixture; Celery's configuration reads Django's settings at each call)."""
    from config.celery import app

    connect = app.connection_for_write
    monkeypatch.setattr(app, "connection_for_write",
                        lambda url=None, **kwargs: connect(url=f"redis://127.0.0.1:{port}/0", **kwargs))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # the shared pools Celery would otherwise build on that broker: dropped after the test
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
