"""The five signatories of the North China TIC cooperation memorandum, loaded as data."""

from __future__ import annotations

from django.db import migrations

# code, Chinese name, English name, short name, CMA authority code, share of institutions
FIVE_REGIONS = [
    ("11", "北京市", "Beijing", "京", "01", 0.17),
    ("12", "天津市", "Tianjin", "津", "02", 0.11),
    ("13", "河北省", "Hebei", "冀", "03", 0.36),
    ("14", "山西省", "Shanxi", "晋", "04", 0.20),
    ("15", "内蒙古自治区", "Inner Mongolia", "蒙", "05", 0.16),
]


def load_regions(apps, schema_editor):
    region_model = apps.get_model("regions", "Region")
    for code, name_zh, name_en, short, authority, share in FIVE_REGIONS:
        region_model.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "short_name": short,
                "authority_code": authority,
                "population_share": share,
            },
        )


def unload_regions(apps, schema_editor):
    apps.get_model("regions", "Region").objects.filter(
        code__in=[r[0] for r in FIVE_REGIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load_regions, unload_regions)]
