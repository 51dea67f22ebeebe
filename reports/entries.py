"""What both forms of a school report read (the web form in reports.forms, the Excel form in
reports.school_form_xlsx): its narrative parts and the consistency of its figures."""

# the report's narrative parts: SchoolReport's field and the label the forms show
NARRATIVE = [("highlights", "Kết quả nổi bật"), ("difficulties", "Khó khăn, vướng mắc"), ("proposals", "Đề xuất, kiến nghị")]


class EntryError:
    """A figure that breaks a rule of the report, with the reason in Vietnamese."""

    def __init__(self, item, message):
        self.item, self.message = item, message


def check_entries(items, entries):
    """Consistency of a report's figures: a part never above its whole (used by the form and the upload)."""
    by_code = {item.code: item for item in items}
    errors = []
    for item in items:
        value = entries.get(item.code)
        whole = item.not_above
        if value is None or whole is None or whole.code not in by_code:
            continue
        total = entries.get(whole.code)
        if total is not None and value > total:
            total_text = f"{total:,.0f}".replace(",", ".")  # the thousands dot in the figure, not in the label
            errors.append(EntryError(item, f"Không được lớn hơn “{whole.label}” ({total_text})."))
    return errors
