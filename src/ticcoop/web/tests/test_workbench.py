"""我的工作台 per role, role-aware navigation, and error pages in the site layout (issue 13)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from ticcoop.accounts.roles import Role
from ticcoop.certificates.tests import factories as cf
from ticcoop.registry.models import InstitutionMembership
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def nav_of(page: str) -> str:
    return page[page.index("<nav") : page.index("</nav>")]


def test_login_lands_on_the_workbench() -> None:
    factories.regulator("11")
    user = User.objects.get(groups__name=Role.REGULATOR.value)
    user.set_password("pw-123456")
    user.save()
    response = Client().post("/login/", {"username": user.username, "password": "pw-123456"})
    assert response.status_code == 302 and response["Location"] == "/workbench/"


def test_regulator_sees_what_waits_and_what_is_overdue_in_their_region() -> None:
    from ticcoop.assessments.tests import factories as af

    beijing = factories.institution("11", name="北京待发证检测")
    af.passed_assessment(beijing)
    late = af.assessment(factories.institution("11", name="北京逾期检测"))
    af.nonconformity(late, deadline=timezone.localdate() - timedelta(days=3))
    other = af.assessment(factories.institution("12", name="天津逾期检测"))
    af.nonconformity(other, deadline=timezone.localdate() - timedelta(days=3))
    page = logged_in(factories.regulator("11")).get("/workbench/").content.decode()
    assert "待发证的评审" in page and "北京待发证检测" in page
    assert "逾期未完成的评审整改" in page and "北京逾期检测" in page and "已逾期" in page
    assert "天津逾期检测" not in page.split('id="section-nc-overdue"')[1].split("</section>")[0]


def test_institution_user_sees_own_rectifications_and_certificates() -> None:
    from ticcoop.assessments.tests import factories as af

    certificate = cf.certificate("13", name="河北本机构")
    made = af.assessment(certificate.institution)
    af.nonconformity(made, deadline=timezone.localdate() + timedelta(days=10))
    user = factories.user(Role.INSTITUTION_USER, "13")
    InstitutionMembership.objects.create(user=user, institution=certificate.institution)
    client = logged_in(user)
    page = client.get("/workbench/").content.decode()
    assert "待提交的评审整改" in page and "记录不完整" in page
    assert certificate.number in page
    assert "监管工作台" not in nav_of(page) and "管理后台" not in nav_of(page)


def test_user_without_role_gets_a_helpful_empty_page() -> None:
    page = logged_in(factories.user(None)).get("/workbench/").content.decode()
    assert "暂无待办事项" in page


def test_navigation_links_only_pages_the_user_can_open() -> None:
    anonymous = Client().get("/").content.decode()
    assert "/assessments/" not in nav_of(anonymous) and "/workbench/" not in nav_of(anonymous)
    root = User.objects.create_superuser("root", "r@example.invalid", "x")
    for user in (root, factories.regulator("12"), factories.user(Role.NATIONAL_OBSERVER)):
        client = logged_in(user)
        page = client.get("/").content.decode()
        for href in ("/workbench/", "/assessments/", "/supervision/"):
            assert href in nav_of(page)
            assert client.get(href).status_code == 200
    lab = logged_in(factories.user(Role.INSTITUTION_USER, "13"))
    page = lab.get("/").content.decode()
    assert "/supervision/" not in nav_of(page) and "/admin/" not in nav_of(page)


def test_superuser_is_not_offered_a_campaign_it_may_not_start() -> None:
    root = User.objects.create_superuser("root", "r@example.invalid", "x")
    assert "发起交叉互查" not in logged_in(root).get("/inspections/").content.decode()
    regulator = logged_in(factories.regulator("13"))
    assert "发起交叉互查" in regulator.get("/inspections/").content.decode()


def test_region_dashboard_linked_only_for_regulators_and_observers() -> None:
    lab = logged_in(factories.user(Role.INSTITUTION_USER, "13"))
    assert "/public/dashboard/region/" not in lab.get("/public/dashboard/").content.decode()
    regulator = logged_in(factories.regulator("13"))
    assert "/public/dashboard/region/" in regulator.get("/public/dashboard/").content.decode()


def test_403_page_in_the_site_layout_with_the_reason() -> None:
    root = User.objects.create_superuser("root", "r@example.invalid", "x")
    response = logged_in(root).get("/inspections/campaigns/new/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "只有地区监管人员可以发起交叉互查" in page and 'class="site-header"' in page
    assert "返回首页" in page and "/workbench/" in page


def test_404_and_400_pages_in_the_site_layout() -> None:
    response = Client().get("/certificates/999999999999/")
    page = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in page and 'class="site-header"' in page
    assert "No Certificate matches" not in page
    from ticcoop.web import errors

    request = Client().get("/").wsgi_request
    assert errors.bad_request(request).status_code == 400
    assert "请求无法处理" in errors.bad_request(request).content.decode()


def test_500_page_renders_without_the_request_context() -> None:
    from ticcoop.web import errors

    response = errors.server_error(Client().get("/").wsgi_request)
    assert response.status_code == 500 and "服务器内部错误" in response.content.decode()
