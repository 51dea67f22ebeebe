from . import access


def nav(request):
    """The signed-in user's units and roles, shown in the navigation bar."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"nav": {"memberships": access.memberships(user), "can_review": bool(access.officer_units(user))
                    or access.is_system_admin(user), "can_administer": access.is_account_admin(user),
                    "manages_periods": access.is_system_admin(user),
                    # the reports sent up and received: a unit above schools (reports.views_outgoing.report_inbox)
                    "has_inbox": access.is_system_admin(user)
                    or any(unit.kind != "school" for unit in access.scope_roots(user))}}
