from . import access


def nav(request):
    """The signed-in user's units and roles, shown in the navigation bar."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"nav": {"memberships": access.memberships(user), "can_review": bool(access.officer_units(user))
                    or access.is_system_admin(user), "can_administer": access.is_account_admin(user)}}
