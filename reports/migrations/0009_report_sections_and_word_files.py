# The unit's own sections of its report (ReportSections) and the Word file beside the Excel and PDF ones
# (issue 11). Written by hand so that it holds these changes only.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import reports.models


class Migration(migrations.Migration):

    dependencies = [
        ('periods', '0001_initial'),
        ('plans', '0006_plan_life_cycle_and_task_updates'),
        ('units', '0002_unit_code_upper_case'),
        ('reports', '0008_workflow_versions_and_entry_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='reportbuild',
            name='docx_file',
            field=models.FileField(blank=True, max_length=255, upload_to=reports.models.build_file_path, verbose_name='tệp Word'),
        ),
        migrations.AddField(
            model_name='outgoingreport',
            name='docx_file',
            field=models.FileField(blank=True, max_length=255, upload_to='bao-cao-da-chot/', verbose_name='tệp Word'),
        ),
        migrations.CreateModel(
            name='ReportSections',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('achievements', models.TextField(blank=True, verbose_name='kết quả đạt được')),
                ('shortcomings', models.TextField(blank=True, verbose_name='hạn chế và nguyên nhân')),
                ('next_steps', models.TextField(blank=True, verbose_name='phương hướng nhiệm vụ kỳ tới')),
                ('proposals', models.TextField(blank=True, verbose_name='đề xuất, kiến nghị')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='cập nhật lúc')),
                ('document', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='report_sections', to='plans.document', verbose_name='kế hoạch')),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='report_sections', to='periods.period', verbose_name='kỳ báo cáo')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='report_sections', to='units.unit', verbose_name='đơn vị')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người cập nhật')),
            ],
            options={
                'verbose_name': 'phần báo cáo do đơn vị viết',
                'verbose_name_plural': 'phần báo cáo do đơn vị viết',
                'constraints': [models.UniqueConstraint(fields=('unit', 'document', 'period'), name='report_sections_unique', violation_error_message='Đơn vị đã có nội dung báo cáo cho kế hoạch và kỳ này.')],
            },
        ),
    ]
