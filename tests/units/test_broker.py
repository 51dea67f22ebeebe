"""A task sent from a request waits for the broker a few seconds at most: a broker that accepts the connection
and never answers held the request for ever (a report asked for: no answer after 90 s), one that refuses is
told at once, without kombu's retries."""

import pytest
import redis.connection
from kombu.exceptions import OperationalError

from reports.tasks import build_report
from tests.silent_server import answered_within, send_tasks_to, silent_server
from units.broker import SEND_TIMEOUT_SECONDS


def test_a_task_sent_to_a_broker_that_does_not_answer_gives_up_within_seconds(monkeypatch, settings):
    with silent_server() as port, answered_within(SEND_TIMEOUT_SECONDS + 10) as elapsed:
        send_tasks_to(port, monkeypatch, settings)
        with pytest.raises(OperationalError):
            build_report.delay(123)
        assert elapsed() < SEND_TIMEOUT_SECONDS + 3  # one try, not kombu's four


def test_a_task_sent_to_a_broker_that_refuses_is_refused_at_once(monkeypatch, settings):
    with silent_server() as port:
        pass  # its port is closed again: nothing listens there
    send_tasks_to(port, monkeypatch, settings)
    attempts = []
    original = redis.connection.Connection._connect

    def connect(self):
        attempts.append(self.port)
        return original(self)

    monkeypatch.setattr(redis.connection.Connection, "_connect", connect)
    with answered_within(10), pytest.raises(OperationalError):
        build_report.delay(123)
    # one try, not kombu's retries (0.7 s of them; counted, not timed: a busy CI machine is slow at anything)
    assert attempts == [port]
