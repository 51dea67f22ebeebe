"""Revising a target's values and entering its baseline from the plan's page (plans:plan_detail), with the reason
and the source, through the one revision writer (actions.record_target_revisions)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from plans.actions import StaleEditError, state_fingerprint
from plans.forms import SeenField
from plans.models import DocumentStatus
from units import access

from .actions import revise_target
from .fields import VietnameseDecimalField, VietnameseTextField
from .models import Target, ValueKind

OVER_100 = "Tỷ lệ phần trăm không được vượt quá 100%."


def percentage_figures(target):
    """(whether the baseline is a percentage, whether the horizons' values are): the figures of a rate and of an
    indicator counted in "%", which the progress form keeps within 100 (a rate as a numerator at most its
    denominator, a figure in "%" at most 100). A growth target's horizons are a rise in percent, which may pass
    100; its baseline is the indicator's own figure."""
    indicator = target.indicator
    percentage = indicator.is_rate or indicator.unit_label == "%"
    return percentage, percentage and target.value_kind != ValueKind.GROWTH


class TargetReviseForm(forms.Form):
    """The baseline, each horizon's value (and the top of a range), the reason and the source (both required), and
    the version of the target the page showed. No figure is negative; a percentage is at most 100."""

    baseline_value = VietnameseDecimalField(label="Giá trị nền", required=False, min_value=0)
    baseline_year = forms.IntegerField(label="Năm gốc", required=False, min_value=2000, max_value=2100,
                                       error_messages={"invalid": "Năm gốc phải là một năm, ví dụ 2025."})
    reason = VietnameseTextField(label="Lý do điều chỉnh", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                                 error_messages={"required": "Hãy ghi lý do điều chỉnh."})
    source = VietnameseTextField(label="Nguồn", max_length=500,
                                 help_text="Văn bản hoặc số liệu căn cứ, ví dụ: Báo cáo tổng kết năm học 2024-2025.",
                                 error_messages={"required": "Hãy ghi nguồn của số liệu hoặc văn bản căn cứ."})
    seen = SeenField()

    def __init__(self, *args, target, **kwargs):
        self.target, self.horizons = target, list(target.horizons.all())
        initial = {"baseline_value": target.baseline_value, "baseline_year": target.baseline_year,
                   "seen": state_fingerprint(target.values_snapshot())}
        super().__init__(*args, initial=initial, **kwargs)
        baseline_percentage, horizon_percentage = percentage_figures(target)
        self.percentages = ["baseline_value"] if baseline_percentage else []
        self.fields["baseline_value"].allow_percent = baseline_percentage  # "80,5%" is a percentage's own way
        for h in self.horizons:
            figures = {f"h{h.pk}_value": (f"Mốc {h.label or '(không thời hạn)'}", h.value)}
            if h.value_max is not None:
                figures[f"h{h.pk}_value_max"] = (f"Mốc {h.label}: đến", h.value_max)
            for name, (label, value) in figures.items():
                self.fields[name] = VietnameseDecimalField(label=label, required=False, initial=value, min_value=0,
                                                          allow_percent=horizon_percentage)
            self.percentages += list(figures) if horizon_percentage else []

    def clean(self):
        data = super().clean()
        if data.get("baseline_value") is not None and not data.get("baseline_year"):
            self.add_error("baseline_year", "Hãy ghi năm của giá trị nền.")
        if self.target.value_kind == "growth" and not data.get("baseline_year"):
            self.add_error("baseline_year", "Chỉ tiêu tăng so với năm gốc phải có năm gốc.")
        for name in self.percentages:
            if data.get(name) is not None and data[name] > 100:
                self.add_error(name, OVER_100)
        for h in self.horizons:
            low, high = data.get(f"h{h.pk}_value"), data.get(f"h{h.pk}_value_max")
            if low is not None and high is not None and high < low:
                self.add_error(f"h{h.pk}_value_max", "Giá trị tối đa của khoảng phải lớn hơn giá trị tối thiểu.")
        return data

    def revision(self):
        """What actions.revise_target takes from this form."""
        data = self.cleaned_data
        return {
            "baseline_value": data["baseline_value"], "baseline_year": data["baseline_year"],
            "horizons": {h.pk: (data[f"h{h.pk}_value"], data.get(f"h{h.pk}_value_max", h.value_max))
                         for h in self.horizons},
            "reason": f"{data['reason']} (Nguồn: {data['source']})", "seen": data["seen"],
        }


@login_required
def target_revise(request, pk):
    target = access.get_object_for_user(
        request.user, Target.objects.select_related("document", "document__issuer", "indicator")
        .prefetch_related("horizons"), pk, action="change",
        refusal="Chỉ cán bộ phụ trách của đơn vị ban hành mới điều chỉnh được chỉ tiêu.")
    form = TargetReviseForm(request.POST or None, target=target)
    conflict = None
    if request.method == "POST" and form.is_valid():
        if target.document.status == DocumentStatus.SUPERSEDED:
            form.add_error(None, "Kế hoạch đã được thay thế: không điều chỉnh chỉ tiêu của nó nữa.")
        else:
            try:
                revisions = revise_target(target=target, by=request.user, **form.revision())
            except StaleEditError as stale:
                conflict = stale  # the page again, with the target as it now stands and what the user typed
            else:
                messages.success(request, "Đã điều chỉnh chỉ tiêu." if revisions else "Chỉ tiêu không thay đổi.")
                return redirect("plans:plan_detail", pk=target.document_id)
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, "targets/target_revise.html", {"target": target, "form": form, "conflict": conflict},
                  status=status)
