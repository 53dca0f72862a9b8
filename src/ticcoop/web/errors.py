"""Error pages (400/403/404/500) in the site layout, with the reason and a way back.

Django calls these only with DEBUG off. A 403 shows the reason the code gave
(``PermissionDenied(_("只有地区监管人员可以发起交叉互查"))``); a 404's exception text is
Django's English ("No Certificate matches the given query."), so a 404 gets our own sentence.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _


def _render(request: HttpRequest, status: int, title: str, reason: str) -> HttpResponse:
    context = {"status": status, "title": title, "reason": reason}
    body = loader.render_to_string("web/error.html", context, request)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 400, _("请求无法处理"), _("请求的内容不完整或格式不正确。"))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if exception is not None and str(exception) else ""
    return _render(request, 403, _("无权访问"), reason or _("您的账号没有打开此页面的权限。"))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(
        request, 404, _("页面不存在"), _("没有找到这个页面或记录，可能编号有误或已被删除。")
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request context: the error may come from the database or a
    context processor, which the page must not call again."""
    context = {
        "status": 500,
        "title": _("服务器内部错误"),
        "reason": _("处理请求时出错，已记录。请稍后再试。"),
    }
    body: str
    try:
        body = str(loader.render_to_string("web/error.html", context))
    except Exception:  # the last resort must answer, whatever broke
        body = "<h1>500</h1>"
    return HttpResponse(body, status=500)
