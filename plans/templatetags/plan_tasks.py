from django import template

register = template.Library()


@register.filter
def task_overdue(task, today):
    """Whether the task is overdue on `today` (Task.is_overdue)."""
    return task.is_overdue(today)
