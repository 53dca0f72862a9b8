"""The regions that signed the cooperation memorandum: rows, not code (a sixth is a new row)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(
        _("行政区划代码"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[1-8][0-9]$", _("两位数字的省级行政区划代码"))],
    )
    name_zh = models.CharField(_("中文名称"), max_length=32)
    name_en = models.CharField(_("英文名称"), max_length=64)
    short_name = models.CharField(_("简称"), max_length=8)
    # The authority code in CMA certificate numbers (01 Beijing … 05 Inner Mongolia).
    authority_code = models.CharField(_("发证机关代码"), max_length=2, unique=True)
    population_share = models.FloatField(
        _("机构数量权重"), default=0.0, help_text=_("演示数据按此比例分配机构")
    )
    is_active = models.BooleanField(_("参与合作"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("地区")
        verbose_name_plural = _("地区")

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name_zh
