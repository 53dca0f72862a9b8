from __future__ import annotations

import pytest
from django.test import Client

from ticcoop.regions.models import Region

pytestmark = pytest.mark.django_db


def test_the_five_regions_are_loaded_by_migration() -> None:
    rows = list(Region.objects.values_list("code", "name_zh", "name_en", "authority_code"))
    assert rows == [
        ("11", "北京市", "Beijing", "01"),
        ("12", "天津市", "Tianjin", "02"),
        ("13", "河北省", "Hebei", "03"),
        ("14", "山西省", "Shanxi", "04"),
        ("15", "内蒙古自治区", "Inner Mongolia", "05"),
    ]


def test_a_sixth_region_is_data_not_code(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/regions/region/add/",
        {
            "code": "21",
            "name_zh": "辽宁省",
            "name_en": "Liaoning",
            "short_name": "辽",
            "authority_code": "06",
            "population_share": "0.1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    api_codes = [row["code"] for row in Client().get("/api/regions").json()]
    assert api_codes == ["11", "12", "13", "14", "15", "21"]


def test_region_names_follow_the_language(client: Client) -> None:
    assert "河北省" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Hebei" in client.get("/").content.decode()
