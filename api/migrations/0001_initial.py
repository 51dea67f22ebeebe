
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('reports', '0007_report_build_enqueued_at'),
        ('targets', '0004_remove_report_links'),
        ('units', '0002_unit_code_upper_case'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='Để nhận ra khóa dùng ở đâu, ví dụ: Bảng tính thống kê.', max_length=120, verbose_name='tên khóa')),
                ('prefix', models.CharField(help_text='Phần đầu của khóa, để tìm khóa mà không lưu chính khóa.', max_length=16, unique=True, verbose_name='tiền tố')),
                ('digest', models.CharField(max_length=64, verbose_name='mã băm SHA-256')),
                ('can_write', models.BooleanField(default=False, verbose_name='được ghi dữ liệu')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='ngày tạo')),
                ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='dùng lần cuối')),
                ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='hết hạn lúc')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='thu hồi lúc')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người tạo')),
                ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người thu hồi')),
                ('user', models.ForeignKey(help_text='Người (hoặc tài khoản dịch vụ) mà khóa đại diện.', on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='người dùng')),
            ],
            options={
                'verbose_name': 'khóa truy cập API',
                'verbose_name_plural': 'khóa truy cập API',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='ApiWrite',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True, verbose_name='lúc')),
                ('method', models.CharField(max_length=8, verbose_name='phương thức')),
                ('path', models.CharField(max_length=255, verbose_name='địa chỉ')),
                ('report_event', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='api_writes', to='reports.reportevent', verbose_name='thao tác trên báo cáo')),
                ('token', models.ForeignKey(blank=True, help_text='Trống khi thay đổi qua phiên đăng nhập của trình duyệt.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='writes', to='api.apitoken', verbose_name='khóa truy cập')),
                ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người thực hiện')),
                ('value_change', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='api_writes', to='targets.progressvaluechange', verbose_name='thay đổi số liệu')),
            ],
            options={
                'verbose_name': 'thay đổi qua API',
                'verbose_name_plural': 'thay đổi qua API',
                'ordering': ['-at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='ServiceAccount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='Ví dụ: Phần mềm quản lý trường học của Trường Tiểu học A1.', max_length=120, verbose_name='tên hệ thống')),
                ('can_write', models.BooleanField(default=False, help_text='Không chọn: chỉ đọc. Chọn: đọc và ghi như cán bộ của đơn vị.', verbose_name='được ghi dữ liệu')),
                ('is_active', models.BooleanField(default=True, verbose_name='đang hoạt động')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='ngày tạo')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người tạo')),
                ('unit', models.ForeignKey(help_text='Hệ thống chỉ đọc (và ghi) dữ liệu của đơn vị này và các đơn vị trực thuộc.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='đơn vị')),
                ('user', models.OneToOneField(help_text='Danh tính ghi trong lịch sử thay đổi; không đăng nhập được bằng mật khẩu.', on_delete=django.db.models.deletion.CASCADE, related_name='service_account', to=settings.AUTH_USER_MODEL, verbose_name='tài khoản')),
            ],
            options={
                'verbose_name': 'tài khoản dịch vụ',
                'verbose_name_plural': 'tài khoản dịch vụ',
                'ordering': ['unit__path', 'name'],
            },
        ),
        migrations.CreateModel(
            name='IdempotentRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=255, verbose_name='khóa Idempotency-Key')),
                ('fingerprint', models.CharField(help_text='SHA-256 của phương thức, địa chỉ và nội dung yêu cầu.', max_length=64, verbose_name='dấu vân tay yêu cầu')),
                ('status_code', models.PositiveSmallIntegerField(verbose_name='mã trả lời')),
                ('body', models.JSONField(verbose_name='nội dung trả lời')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='lúc')),
                ('token', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='api.apitoken', verbose_name='khóa truy cập')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người dùng')),
            ],
            options={
                'verbose_name': 'yêu cầu có Idempotency-Key',
                'verbose_name_plural': 'yêu cầu có Idempotency-Key',
                'constraints': [models.UniqueConstraint(condition=models.Q(('token__isnull', False)), fields=('token', 'key'), name='idempotent_key_unique_per_token', violation_error_message='Khóa Idempotency-Key này đã được dùng.'), models.UniqueConstraint(condition=models.Q(('token__isnull', True)), fields=('user', 'key'), name='idempotent_key_unique_per_session_user', violation_error_message='Khóa Idempotency-Key này đã được dùng.')],
            },
        ),
    ]
