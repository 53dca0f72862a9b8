"""Small factories for competition tests: valid records with the fewest arguments."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from ticcoop.accounts.roles import Role
from ticcoop.competitions import services
from ticcoop.competitions.models import (
    Competition,
    CompetitionStatus,
    Contestant,
    ContestantStatus,
    Discipline,
    Judge,
    Stage,
    StageNumber,
)
from ticcoop.registry.models import Expert, Institution, InstitutionMembership
from ticcoop.testing import factories

_serial = itertools.count(1)
REGIONS = ("11", "12", "13", "14", "15")


def competition(organiser: str = "13", **fields: Any) -> Competition:
    now = timezone.now()
    values: dict[str, Any] = {
        "organiser_region": factories.region(organiser),
        "title": f"检验检测技能比武{next(_serial)}",
        "year": 2025,
        "registration_opens": now - timedelta(days=1),
        "registration_closes": now + timedelta(days=10),
        "rules_text": "规则",
        "draw_seed": "seed-1",
    }
    values.update(fields)
    return Competition.objects.create(**values)


def discipline(comp: Competition, code: str = "HX", **fields: Any) -> Discipline:
    values: dict[str, Any] = {
        "competition": comp,
        "code": code,
        "name": {"HX": "化学分析", "WSW": "微生物检验"}.get(code, code),
        "weight_theory": Decimal("0.3"),
        "weight_blind": Decimal("0.3"),
        "weight_operation": Decimal("0.4"),
        "quota_per_institution": 2,
        "reference_value": 10.0,
        "sigma_rule": "fixed",
        "sigma_value": 0.5,
    }
    values.update(fields)
    return Discipline.objects.create(**values)


def institution_user(institution: Institution) -> User:
    user = factories.user(Role.INSTITUTION_USER, institution.region.code)
    InstitutionMembership.objects.create(user=user, institution=institution)
    return user


def contestant(
    comp: Competition, disc: Discipline, institution: Institution, **fields: Any
) -> Contestant:
    values: dict[str, Any] = {
        "competition": comp,
        "discipline": disc,
        "person_name": f"选手{next(_serial)}",
        "staff_number": f"S{next(_serial):05d}",
        "institution": institution,
        "region": institution.region,
        "status": ContestantStatus.CONFIRMED,
    }
    values.update(fields)
    return Contestant.objects.create(**values)


def judge(
    comp: Competition, disc: Discipline, region: str, employer: Institution | None = None
) -> Judge:
    expert = Expert.objects.create(
        name=f"评委{next(_serial)}",
        region=factories.region(region),
        employer=employer,
        employer_name=employer.name if employer else "大学",
        is_expert=True,
    )
    return Judge.objects.create(competition=comp, discipline=disc, expert=expert)


def number(contestant_: Contestant, stage: Stage) -> str:
    return StageNumber.objects.get(contestant=contestant_, stage=stage).number


class Running:
    """A Hebei-organised competition in progress: one contestant per region, five judges."""

    def __init__(self) -> None:
        self.organiser = factories.regulator("13")
        self.competition = competition("13", status=CompetitionStatus.REGISTRATION_OPEN)
        self.discipline = discipline(self.competition)
        self.institutions = {code: factories.institution(code) for code in REGIONS}
        self.contestants = {
            code: contestant(self.competition, self.discipline, inst)
            for code, inst in self.institutions.items()
        }
        # Judge 0 works at the Beijing contestant's institution: excluded for that contestant.
        self.judges = [
            judge(self.competition, self.discipline, "11", self.institutions["11"]),
            *(judge(self.competition, self.discipline, "12") for _ in range(4)),
            judge(self.competition, self.discipline, "14"),
        ]
        services.close_registration(self.organiser, self.competition)
        services.start_competition(self.organiser, self.competition)
        self.competition.refresh_from_db()

    def score_all(self, blind: dict[str, float] | None = None) -> None:
        blind = blind or {"11": 10.0, "12": 10.4, "13": 10.8, "14": 11.2, "15": 12.0}
        for index, (code, person) in enumerate(self.contestants.items()):
            services.record_theory_score(self.organiser, person, 90 - index)
            services.record_blind_result(self.organiser, person, blind[code])
            for offset, j in enumerate(self.judges):
                if j.expert.employer_id == person.institution_id:
                    continue
                services.record_judge_score(self.organiser, j, person, total=80 + offset)

    def confirmed(self) -> Competition:
        self.score_all()
        return services.confirm_scores(self.organiser, self.competition)
