"""What an indicator measures: the choice shared by the models and the number formatting of targets/fields.py."""

from django.db import models


class IndicatorKind(models.TextChoices):
    RATE = "rate", "Tỷ lệ (tử số / mẫu số)"
    COUNT = "count", "Số lượng"
    INDEX = "index", "Chỉ số"
    LEVEL = "level", "Mức độ / cấp độ"
    MILESTONE = "milestone", "Mốc hoàn thành (có / chưa)"
