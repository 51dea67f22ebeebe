"""Revising a target's values and entering its baseline from the plan's page (plans:plan_detail), with the reason
and the source, through the one revision writer (actions.record_target_revisions)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render

from plans.models import DocumentStatus
from units import access

from .actions import record_target_revisions
from .fields import VietnameseDecimalField
from .models import Target


class TargetReviseForm(forms.Form):
    """The baseline, each horizon's value (and the top of a range), the reason and the source (both required)."""

    baseline_value = VietnameseDecimalField(label="Giá trị nền", required=False)
    baseline_year = forms.IntegerField(label="Năm gốc", required=False, min_value=2000, max_value=2100,
                                       error_messages={"invalid": "Năm gốc phải là một năm, ví dụ 2025."})
    reason = forms.CharField(label="Lý do điều chỉnh", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "Hãy ghi lý do điều chỉnh."})
    source = forms.CharField(label="Nguồn", max_length=500,
                             help_text="Văn bản hoặc số liệu căn cứ, ví dụ: Báo cáo tổng kết năm học 2024-2025.",
                             error_messages={"required": "Hãy ghi nguồn của số liệu hoặc văn bản căn cứ."})

    def __init__(self, *args, target, **kwargs):
        self.target, self.horizons = target, list(target.horizons.all())
        initial = {"baseline_value": target.baseline_value, "baseline_year": target.baseline_year}
        super().__init__(*args, initial=initial, **kwargs)
        for h in self.horizons:
            self.fields[f"h{h.pk}_value"] = VietnameseDecimalField(label=f"Mốc {h.label or '(không thời hạn)'}",
                                                                   required=False, initial=h.value)
            if h.value_max is not None:
                self.fields[f"h{h.pk}_value_max"] = VietnameseDecimalField(label=f"Mốc {h.label}: đến",
                                                                           required=False, initial=h.value_max)

    def clean(self):
        data = super().clean()
        if data.get("baseline_value") is not None and not data.get("baseline_year"):
            self.add_error("baseline_year", "Hãy ghi năm của giá trị nền.")
        if self.target.value_kind == "growth" and not data.get("baseline_year"):
            self.add_error("baseline_year", "Chỉ tiêu tăng so với năm gốc phải có năm gốc.")
        for h in self.horizons:
            low, high = data.get(f"h{h.pk}_value"), data.get(f"h{h.pk}_value_max")
            if low is not None and high is not None and high < low:
                self.add_error(f"h{h.pk}_value_max", "Giá trị tối đa của khoảng phải lớn hơn giá trị tối thiểu.")
        return data


@transaction.atomic
def _revise(target, data, by):
    before = {target.pk: target.values_snapshot()}
    target.baseline_value, target.baseline_year = data["baseline_value"], data["baseline_year"]
    target.save(update_fields=["baseline_value", "baseline_year"])
    for h in target.horizons.all():
        h.value = data[f"h{h.pk}_value"]
        h.value_max = data.get(f"h{h.pk}_value_max", h.value_max)
        h.save(update_fields=["value", "value_max"])
    reason = f"{data['reason']} (Nguồn: {data['source']})"
    return record_target_revisions(targets=[target], by=by, reason=reason, before=before)


@login_required
def target_revise(request, pk):
    target = access.get_object_for_user(
        request.user, Target.objects.select_related("document", "document__issuer", "indicator")
        .prefetch_related("horizons"), pk, action="change",
        refusal="Chỉ cán bộ phụ trách của đơn vị ban hành mới điều chỉnh được chỉ tiêu.")
    form = TargetReviseForm(request.POST or None, target=target)
    if request.method == "POST" and form.is_valid():
        if target.document.status == DocumentStatus.SUPERSEDED:
            form.add_error(None, "Kế hoạch đã được thay thế: không điều chỉnh chỉ tiêu của nó nữa.")
        else:
            revisions = _revise(target, form.cleaned_data, request.user)
            messages.success(request, "Đã điều chỉnh chỉ tiêu." if revisions else "Chỉ tiêu không thay đổi.")
            return redirect("plans:plan_detail", pk=target.document_id)
    return render(request, "targets/target_revise.html", {"target": target, "form": form},
                  status=400 if form.errors else 200)
