"""One verdict for the public verify page, so that a scanned QR code cannot be misread.

The order matters: a token that does not verify (or belongs to another certificate) is
reported as a possible forgery before anything the platform knows about the number, since
the paper in the reader's hand is what is being checked; then the record's current status
(revoked, suspended, cancelled, expired); then whether the printed version is the current one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticcoop.certificates.models import CertificateStatus
from ticcoop.certificates.queries import TokenCheck, VerifyRecord

#: Chinese labels of the claims signed into a token (certificates.signed.payload_fields).
CLAIM_LABELS = {
    "no": gettext_lazy("证书编号"),
    "name": gettext_lazy("机构名称"),
    "ucc": gettext_lazy("统一社会信用代码"),
    "issued": gettext_lazy("发证日期"),
    "expires": gettext_lazy("有效期至"),
    "status": gettext_lazy("签发时状态"),
    "v": gettext_lazy("版本"),
    "scope": gettext_lazy("能力范围摘要（SHA-256）"),
}


@dataclass(frozen=True)
class Verdict:
    code: str  # valid, forged, revoked, suspended, cancelled, expired, superseded, unknown
    title: str
    explanation: str

    @property
    def is_valid(self) -> bool:
        return self.code == "valid"


@dataclass(frozen=True)
class Fact:
    label: str
    printed: str  # what the QR code says ("" without a verified token)
    record: str  # what the platform's record says now
    differs: bool


def _status_verdict(certificate: VerifyRecord, effective: str) -> Verdict | None:
    reason = certificate.status_reason
    because = _("原因：%(reason)s。") % {"reason": reason} if reason else ""
    if effective == CertificateStatus.REVOKED:
        title = _("证书已撤销")
        text = _("该证书已被发证机关撤销，不能再作为资质证明使用。")
    elif effective == CertificateStatus.SUSPENDED:
        title = _("证书已暂停")
        text = _("该证书处于暂停期间，暂停期间不得使用资质认定标志出具报告。")
    elif effective == CertificateStatus.CANCELLED:
        title = _("证书已注销")
        text = _("该证书已注销，不再有效。")
    elif effective == CertificateStatus.EXPIRED:
        title = _("证书已过期")
        text = _("该证书已超过有效期（%(day)s），不再有效。") % {
            "day": certificate.expiry_date.isoformat()
        }
    else:
        return None
    return Verdict(effective, title, text + because)


def verdict_for(
    certificate: VerifyRecord | None, check: TokenCheck | None, today: date | None = None
) -> Verdict:
    if certificate is None:
        return Verdict(
            "unknown",
            _("证书编号不存在"),
            _("平台上没有这个证书编号。请核对编号；若证书上印有此编号，该证书可能是伪造的。"),
        )
    if check is not None and not (check.signature_valid and check.matches_number):
        return Verdict("forged", _("签名无效（可能伪造）"), check.problem)
    status = _status_verdict(certificate, certificate.effective_status(today))
    if status is not None:
        return status
    if check is not None and not check.is_current_version:
        return Verdict(
            "superseded",
            _("版本已被替代"),
            _("二维码属于第%(old)s版，证书已更新到第%(new)s版；请以平台当前记录为准。")
            % {"old": check.token_version, "new": certificate.version},
        )
    if check is None:
        explanation = _("平台记录显示该证书当前有效。扫描证书上的二维码可同时核验签名。")
    else:
        explanation = _("二维码签名有效，内容与平台当前记录一致，证书当前有效。")
    return Verdict("valid", _("真实有效"), explanation)


def _shown(key: str, value: object) -> str:
    if key == "status" and isinstance(value, str) and value in CertificateStatus.values:
        return str(CertificateStatus(value).label)
    if key == "v":
        return _("第%(number)s版") % {"number": value}
    return str(value)


def facts_of(certificate: VerifyRecord, check: TokenCheck | None) -> list[Fact]:
    """Printed (verified token) and current (record) values side by side, Chinese labels."""
    issued = certificate.signed_issue_date  # None without the current version's row
    record: dict[str, object] = {
        "no": certificate.number,
        "name": certificate.signed_name if issued else certificate.institution_name,
        "ucc": certificate.credit_code,
        "issued": issued.isoformat() if issued else "",
        "expires": certificate.expiry_date.isoformat(),
        "status": certificate.effective_status(),
        "v": certificate.version,
        "scope": certificate.signed_scope_digest if issued else "",
    }
    printed = check.fields if check is not None and check.signature_valid else {}
    facts = []
    for key, label in CLAIM_LABELS.items():
        now = _shown(key, record[key]) if record[key] != "" else ""
        then = _shown(key, printed[key]) if key in printed else ""
        facts.append(Fact(str(label), then, now, bool(then) and then != now))
    return facts
