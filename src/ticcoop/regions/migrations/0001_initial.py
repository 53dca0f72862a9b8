from __future__ import annotations

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="Region",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.CharField(
                        max_length=2,
                        unique=True,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[1-8][0-9]$", "两位数字的省级行政区划代码"
                            )
                        ],
                        verbose_name="行政区划代码",
                    ),
                ),
                ("name_zh", models.CharField(max_length=32, verbose_name="中文名称")),
                ("name_en", models.CharField(max_length=64, verbose_name="英文名称")),
                ("short_name", models.CharField(max_length=8, verbose_name="简称")),
                (
                    "authority_code",
                    models.CharField(max_length=2, unique=True, verbose_name="发证机关代码"),
                ),
                (
                    "population_share",
                    models.FloatField(
                        default=0.0,
                        help_text="演示数据按此比例分配机构",
                        verbose_name="机构数量权重",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="参与合作")),
            ],
            options={"verbose_name": "地区", "verbose_name_plural": "地区", "ordering": ["code"]},
        ),
    ]
