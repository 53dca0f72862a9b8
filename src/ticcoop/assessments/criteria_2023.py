"""Structure of the 2023 SAMR criteria (检验检测机构资质认定评审准则, 市场监管总局 2023).

The five elements of the criteria with a representative set of clauses. Clause numbers follow
the 4.x.y layout of RB/T 214 used by assessors; titles and texts are short paraphrases for the
demo and the tests, not the authoritative wording — assessors use the published text.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ticcoop.assessments.models import (
    CatalogueStatus,
    CriteriaCatalogue,
    CriteriaClause,
    CriteriaElement,
)

CODE = "SAMR-2023"
TITLE = "检验检测机构资质认定评审准则（2023）"

# (element number, element name, [(clause number, title, paraphrased text), ...])
ELEMENTS: list[tuple[int, str, list[tuple[str, str, str]]]] = [
    (
        1,
        "机构",
        [
            ("4.1.1", "法律地位", "机构应当是依法成立并能够承担相应法律责任的法人或者其他组织。"),
            ("4.1.2", "独立公正", "机构应当独立于检验检测所涉各方，保证检验检测活动公正诚信。"),
            ("4.1.3", "风险与保密", "机构应当识别影响公正性的风险并消除，对客户信息承担保密义务。"),
            ("4.1.4", "组织结构", "机构应当明确组织结构、管理层职责和与母体组织的关系。"),
        ],
    ),
    (
        2,
        "人员",
        [
            ("4.2.1", "人员管理", "机构应当建立人员管理程序，与人员订立劳动或聘用合同。"),
            ("4.2.2", "最高管理者", "最高管理者应当履行管理体系建立、实施和持续改进的职责。"),
            (
                "4.2.3",
                "技术负责人与授权签字人",
                "技术负责人和授权签字人应当具备相应的专业能力和资格。",
            ),
            ("4.2.4", "能力确认与监督", "机构应当对检验检测人员进行培训、能力确认、授权和监督。"),
        ],
    ),
    (
        3,
        "场所环境",
        [
            ("4.3.1", "工作场所", "机构应当具有满足检验检测要求的固定、临时或移动工作场所。"),
            ("4.3.2", "环境条件", "环境条件应当满足检验检测方法要求，并予以监测、控制和记录。"),
            ("4.3.3", "区域隔离与安全", "互有影响的区域应当有效隔离，并采取安全和环境保护措施。"),
        ],
    ),
    (
        4,
        "设备设施",
        [
            ("4.4.1", "设备配置", "机构应当配备满足检验检测要求的设备设施并正确使用和维护。"),
            ("4.4.2", "检定校准与核查", "对结果有影响的设备应当检定或校准，并按规定进行期间核查。"),
            ("4.4.3", "设备档案与标识", "机构应当建立设备档案，设备应有表明其状态的标识。"),
            ("4.4.4", "标准物质", "标准物质应当可溯源，并按规定储存、使用和核查。"),
        ],
    ),
    (
        5,
        "管理体系",
        [
            (
                "4.5.1",
                "管理体系文件",
                "机构应当建立、实施和保持与其活动相适应的管理体系并形成文件。",
            ),
            (
                "4.5.2",
                "方法的选择与验证",
                "机构应当使用现行有效方法，首次使用前进行方法验证或确认。",
            ),
            ("4.5.3", "记录控制", "原始记录应当真实、完整、可追溯，并按规定期限保存。"),
            ("4.5.4", "结果有效性", "机构应当通过能力验证、比对等方式监控结果有效性。"),
            ("4.5.5", "报告", "检验检测报告应当准确、清晰、客观，并由授权签字人签发。"),
            (
                "4.5.6",
                "内部审核与管理评审",
                "机构应当定期开展内部审核和管理评审，持续改进管理体系。",
            ),
        ],
    ),
]


@transaction.atomic
def load_catalogue(version: int = 1) -> CriteriaCatalogue:
    """Insert the published SAMR-2023 catalogue (demo data, not a user action)."""
    catalogue = CriteriaCatalogue.objects.create(
        code=CODE,
        version=version,
        title=TITLE,
        status=CatalogueStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    for number, name, clauses in ELEMENTS:
        element = CriteriaElement.objects.create(catalogue=catalogue, number=number, name=name)
        CriteriaClause.objects.bulk_create(
            CriteriaClause(element=element, number=code, title=title, text=text, position=index)
            for index, (code, title, text) in enumerate(clauses)
        )
    return catalogue
