from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from . import access

# the top bar's links: (key the template reads, URL name)
NAV_LINKS = (
    ("home", "home"), ("dashboard", "reports:dashboard_unit"), ("targets", "targets:target_list"),
    ("plans", "plans:plan_list"), ("tasks", "plans:task_list"), ("school_reports", "reports:school_report_list"),
    ("builds", "reports:build_list"), ("inbox", "reports:report_inbox"), ("calendar", "reports:calendar"),
    ("completeness", "reports:period_completeness"), ("accounts", "units:account_list"),
    ("periods", "periods:period_list"), ("admin", "admin:index"), ("notifications", "reports:notification_list"),
    ("tokens", "api:token_list"), ("password_change", "password_change"), ("logout", "logout"),
)
_links = {}  # (URLconf, script prefix) -> {key: URL}


def nav_links():
    """The top bar's URLs, reversed once per URLconf and script prefix rather than on every page (some 15
    reverses a page)."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    links = _links.get(key)
    if links is None:
        links = _links[key] = {name: reverse(url) for name, url in NAV_LINKS}
    return links


def nav(request):
    """The signed-in user's units and roles, shown in the navigation bar."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"nav": {"links": nav_links(), "memberships": access.memberships(user), "can_review": bool(access.officer_units(user))
                    or access.is_system_admin(user), "can_administer": access.is_account_admin(user),
                    "manages_periods": access.is_system_admin(user),
                    # the reports sent up and received: a unit above schools (reports.views_outgoing.report_inbox)
                    "has_inbox": access.is_system_admin(user)
                    or any(unit.kind != "school" for unit in access.scope_roots(user))}}
