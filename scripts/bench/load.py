"""Load: officers saving figures, leaders on their dashboards, principals on their school's report.

Against the portal served as in production on the demo data (scripts/bench/serve.sh), with locust
(a dev dependency):

    bash scripts/bench/serve.sh &                       # gunicorn on http://127.0.0.1:8100/
    .venv/bin/locust -f scripts/bench/load.py --headless -u 200 -r 20 -t 60s --host http://127.0.0.1:8100 \
        --csv var/bench/load-200

Each demo account signs in once (the first of its simulated users does, through the sign-in page) and its
other simulated users share that session, as people who signed in earlier in the day: a sign-in is
deliberately slow (password hashing, about half a second of CPU), and 200 of them at once would measure
nothing else. Each user then works with a one-second think time after every request, as a person reads a
page or types a figure before the next click: an officer opens the target list and saves a figure of one of
its targets (the htmx edit row, GET then POST with the version it read); a leader opens the dashboard of its
unit, the drill-down and the completeness page; a principal opens the list of its reports and the current one.
(Until 27/11/2026 an officer's three requests and a principal's two followed each other without a pause,
the think time coming only between tasks: at 200 users that asked about 290 requests per second instead of
the 180 or so that 200 people clicking once a second ask.)
Weights 1 : 2 : 1. A request that answers anything but what the page should say counts as a failure.

The demo server speaks plain HTTP while DEBUG=off marks the session and CSRF cookies Secure (production
sits behind TLS): the client here keeps sending them over HTTP, which a browser would not.
"""

import itertools
import random
import re

from gevent.event import Event
from locust import HttpUser, between, task

PASSWORD = "Demo@2026"
SESSIONS = {}  # account -> its cookies, once signed in
SIGNING_IN = {}  # account -> set when its first user has signed in (the others wait for it)
OFFICERS = ["canbo.duongkinh", "canbo.kinhmon", "canbo.nguyendainang"]
LEADERS = ["lanhdao.duongkinh", "lanhdao.kinhmon", "sogddt.haiphong"]
PRINCIPALS = ["hieutruong.mnhoanghia", "hieutruong.thhaithanh", "hieutruong.thhienthanh"]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
EDIT_LINK = re.compile(r'hx-get="(/chi-tieu/\d+/ky/\d+/nhap/)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
REPORT_LINK = re.compile(r'href="(/bao-cao/truong/\d+/ky/\d+/)"')


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 1)  # the one second of think time after each request (self.wait() within a task)
    accounts = ()

    def on_start(self):
        self.username = next(self.rotation)
        send = self.client.request

        def request(*args, **kwargs):  # the Secure cookies go over the bench's plain HTTP too
            for cookie in self.client.cookies:
                cookie.secure = False
            return send(*args, **kwargs)

        self.client.request = request
        if self.username in SIGNING_IN:  # no I/O between the test and the set: one user per account signs in
            SIGNING_IN[self.username].wait(timeout=300)
            if self.username in SESSIONS:
                self.client.cookies.update(SESSIONS[self.username])
                return
        SIGNING_IN[self.username] = signed_in = Event()
        try:
            self.sign_in()
        finally:
            signed_in.set()

    def sign_in(self):
        page = self.client.get("/dang-nhap/", name="sign-in page")
        token = CSRF.search(page.text).group(1)
        with self.client.post("/dang-nhap/", {"username": self.username, "password": PASSWORD,
                                              "csrfmiddlewaretoken": token},
                              name="sign in", catch_response=True, allow_redirects=False) as response:
            if response.status_code != 302:
                response.failure(f"{self.username} could not sign in ({response.status_code})")
                return
        SESSIONS.setdefault(self.username, self.client.cookies.copy())

    def page(self, url, name, expect):
        """GET a page and fail the request unless its text holds `expect`."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200 or expect not in response.text:
                response.failure(f"{name}: {response.status_code}, without “{expect}”")
            return response


class Officer(PortalUser):
    weight = 1
    rotation = itertools.cycle(OFFICERS)

    @task
    def save_a_figure(self):
        listing = self.page("/chi-tieu/", "target list", "Chỉ tiêu")
        links = EDIT_LINK.findall(listing.text)
        if not links:
            listing.failure("target list: no row to edit")
            return
        edit_url = random.choice(links)
        self.wait()  # reads the list, then opens a row
        form = self.client.get(edit_url, name="value edit (htmx)", headers={"HX-Request": "true"})
        version = VERSION.search(form.text)
        if not version:
            return
        data = {"version": version.group(1), "status": "in_progress", "note": "Tải thử"}
        if 'name="numerator"' in form.text:
            data.update(numerator=str(random.randint(50, 90)), denominator="100")
        elif 'name="value"' in form.text:
            data["value"] = "1"  # valid for every figure of the demo (a level target takes 1 or 2, not 9)
        elif 'name="achieved"' in form.text:
            data["achieved"] = "yes"
        self.wait()  # types the figure
        # htmx sends the CSRF token as a header (hx-headers on <body>), the cookie's value
        headers = {"HX-Request": "true", "X-CSRFToken": self.client.cookies.get("csrftoken", "")}
        with self.client.post(edit_url, data, name="value save (htmx)", headers=headers,
                              catch_response=True) as response:
            # a concurrent save of the same figure is refused with the other figure shown: a right answer
            if response.status_code != 200:
                response.failure(f"save answered {response.status_code}")
            elif 'class="saved"' not in response.text and 'class="conflict"' not in response.text:
                response.failure("save: neither saved nor a concurrent save shown")


class Leader(PortalUser):
    weight = 2
    rotation = itertools.cycle(LEADERS)

    @task(3)
    def dashboard(self):
        self.page("/bao-cao/bang-dieu-khien/", "dashboard", "Bảng điều khiển")

    @task(1)
    def drilldown(self):
        self.page("/bao-cao/bang-dieu-khien/cap-duoi/", "drill-down", "các đơn vị cấp dưới")

    @task(1)
    def completeness(self):
        self.page("/bao-cao/tinh-hinh-nop/", "completeness", "Tình hình nộp báo cáo")


class Principal(PortalUser):
    weight = 1
    rotation = itertools.cycle(PRINCIPALS)

    @task
    def my_report(self):
        listing = self.page("/bao-cao/", "school report list", "Báo cáo")
        link = REPORT_LINK.search(listing.text)
        if link:
            self.wait()  # reads the list, then opens the current report
            self.page(link.group(1), "school report", "Báo cáo")
