from django.shortcuts import render

from .models import Document


def plan_public_list(request):
    return render(request, "plans/plan_public_list.html", {
        "documents": Document.objects.public().select_related("issuer").order_by("issuer__path"),
    })
