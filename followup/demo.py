"""The audit follow-up in the demo: the auditors' "Granskning av informationssäkerhet" with
its two recommendations and the five planned actions, each linked to the demo's course
requirement, campaign activities and plan messages; the standard KPIs with their quarterly
values; and the four boards (nämnder) with their förvaltningar.

Idempotent: nothing is added when the report exists; KPI values only where missing. The
actions are written through the real operations at the times they happened, so their
history (and the report as of any date) is as it would have been recorded. The dates are
written for 2024 (the report in May, the actions through the autumn) and moved by whole
years to `history_year` of the day the demo is loaded; the KPI values, written for the
quarters from 2023 on, move with them.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from demo import dates
from demo.region import STRUCTURE
from extensions import db
from followup import boards, kpis
from followup import operations as ops
from followup.quarters import ends_between, previous_quarter_end
from models import Activity, AuditReport, Board, Campaign, Person, PlanMessage, Requirement, Unit, utcnow

TITLE = "Granskning av informationssäkerhet"
REQUIREMENT = "Säkert Beteende för all personal"
REC_FOLLOW_UP = "Fortsätt att följa upp arbetet med informationssäkerhet."
REC_KNOWN = "Säkerställ att beslutade riktlinjer och rutiner blir kända i hela organisationen."

#: Board name, förvaltning keys, month of the yearly report.
BOARDS = [
    ("Hälso- och sjukvårdsnämnden", ["HSF"], 9),
    ("Regionstyrelsen", ["RLF", "RS"], 9),
    ("Kultur- och utbildningsnämnden", ["KUF"], 9),
]
#: Reported personal-data incidents per quarter end (entered by hand in the demo).
INCIDENTS = {date(2023, 9, 30): 3, date(2023, 12, 31): 5, date(2024, 3, 31): 4, date(2024, 6, 30): 6,
             date(2024, 9, 30): 4, date(2024, 12, 31): 6, date(2025, 3, 31): 3, date(2025, 6, 30): 5,
             date(2025, 9, 30): 2, date(2025, 12, 31): 4, date(2026, 3, 31): 3, date(2026, 6, 30): 2,
             date(2026, 9, 30): 1}
#: Infosäkkollen submitted (1) in the quarter holding 6 September, each year.
INFOSAKKOLLEN = {date(2023, 9, 30): 1, date(2024, 9, 30): 1, date(2025, 9, 30): 1, date(2026, 9, 30): 1}


def _day(k: int, y: int, m: int, d: int) -> date:
    """A reference date moved `k` years on."""
    return date(y + k, m, d)


def _at(k: int, y: int, m: int, d: int, hour: int = 9) -> datetime:
    return datetime(y + k, m, d, hour, 0, tzinfo=timezone.utc)


def history_year(today: date) -> int:
    """The year of the follow-up's autumn: the demo year once its whole history (to 5 November)
    lies behind `today`, else the year before, so no action is recorded in the future."""
    year = dates.demo_year(today)
    return year if today >= date(year, 11, 5) else year - 1


def _people() -> tuple[Person, Person]:
    found = {p.username: p for p in db.session.scalars(
        select(Person).where(Person.username.in_(["admin", "kommunikator"])))}
    return found["admin"], found.get("kommunikator", found["admin"])


def _evidence(action, kind: str, target, when: datetime, by: Person, label: str = "") -> None:
    if target is not None:
        ops.add_evidence(action, kind, target.id, "", label, by, when)


def _links(k: int) -> tuple[Requirement | None, dict, dict]:
    """The demo course requirement and the October campaign's messages and activities by title."""
    requirement = db.session.scalar(select(Requirement).where(Requirement.name == REQUIREMENT))
    title = f"Informationssäkerhetsmånaden oktober {dates.REFERENCE_YEAR + k}"
    campaign = db.session.scalar(select(Campaign).where(Campaign.title == title))
    messages = {m.title: m for m in db.session.scalars(select(PlanMessage).where(
        PlanMessage.campaign_id == (campaign.id if campaign else -1)))}
    activities = {a.title: a for a in db.session.scalars(select(Activity).where(
        Activity.campaign_id == (campaign.id if campaign else -1)))}
    return requirement, messages, activities


def _known_actions(k: int, rec_known, admin: Person, comms: Person) -> None:
    """Recommendation 2: the course, the communication plan and the October month."""
    requirement, messages, activities = _links(k)
    created = _at(k, 2024, 6, 10)

    course = ops.create_action(rec_known, ops.ActionData(
        "Säkert Beteende blir obligatorisk för all personal",
        f"E-utbildningen Säkert Beteende görs obligatorisk, med en ny version i september {2024 + k}.",
        admin.id, _day(k, 2024, 9, 15), "planned"), admin, created)
    ops.set_status(course, "in_progress", "", admin, _at(k, 2024, 8, 19))
    _evidence(course, "requirement", requirement, _at(k, 2024, 9, 16), admin,
              "Kravet: Säkert Beteende för all personal")
    ops.set_status(course, "done", "", admin, _at(k, 2024, 9, 16))

    plan = ops.create_action(rec_known, ops.ActionData(
        "Kommunikationsplan för informationssäkerhet",
        f"En kommunikationsplan tas fram; första versionen hösten {2024 + k}.", comms.id, _day(k, 2024, 10, 1),
        "planned"),
        admin, created)
    ops.set_status(plan, "in_progress", "", comms, _at(k, 2024, 8, 20))
    for title in ("Snart är det informationssäkerhetsmånad", "Välkommen till informationssäkerhetsmånaden"):
        _evidence(plan, "message", messages.get(title), _at(k, 2024, 9, 26), comms)
    ops.set_status(plan, "done", "", comms, _at(k, 2024, 9, 30))

    month = ops.create_action(rec_known, ops.ActionData(
        "Informationssäkerhetsmånaden i oktober",
        "En temamånad i oktober med föreläsningar, webbinarier, APT-material och quiz kring fyra teman.",
        comms.id, _day(k, 2024, 10, 31), "planned"), admin, created)
    ops.set_status(month, "in_progress", "", comms, _at(k, 2024, 10, 1))
    for title in ("Kickoff: Säkert beteende i vardagen", "Lunchföreläsning: Klassa din information",
                  "Quiz-final och avslutning"):
        _evidence(month, "activity", activities.get(title), _at(k, 2024, 10, 31), comms)
    ops.add_comment(month, "Föreläsningen om nätfiske ställdes in; den flyttas till nästa år.", comms,
                    _at(k, 2024, 10, 29))
    ops.set_status(month, "done", "", comms, _at(k, 2024, 11, 4))


def _follow_actions(k: int, rec_follow, admin: Person) -> None:
    """Recommendation 1: the yearly incident report to the boards and Infosäkkollen."""
    created = _at(k, 2024, 6, 10)
    incidents = ops.create_action(rec_follow, ops.ActionData(
        "Årlig rapport om personuppgiftsincidenter till varje nämnd",
        "Varje nämnd får i september en rapport om rapporterade personuppgiftsincidenter.",
        admin.id, _day(k, 2024, 9, 30), "planned"), admin, created)
    ops.set_status(incidents, "postponed", "Nämndernas sammanträden i september var fullbokade; rapporten "
                   "lämnas i oktober.", admin, _at(k, 2024, 9, 20))
    ops.update_action(incidents, ops.ActionData(incidents.title, incidents.description, admin.id,
                                                _day(k, 2024, 10, 22), "in_progress"), admin, _at(k, 2024, 10, 1))

    kollen = ops.create_action(rec_follow, ops.ActionData(
        "Infosäkkollen skickas in", "Den nationella självskattningen Infosäkkollen skickas in senast 6 september.",
        admin.id, _day(k, 2024, 9, 6), "planned"), admin, created)
    ops.add_evidence(kollen, "url", None, "https://www.msb.se/infosakkollen", "Infosäkkollen (MSB)", admin,
                     _at(k, 2024, 9, 5))
    ops.set_status(kollen, "done", "", admin, _at(k, 2024, 9, 5))


def _report(k: int, admin: Person, comms: Person) -> AuditReport:
    report = ops.save_report(ops.ReportData(
        TITLE, "Regionens revisorer", _day(k, 2024, 5, 14), _day(k, 2024, 6, 30),
        "Revisorerna har granskat om regionstyrelsen och nämnderna har en tillräcklig intern kontroll av "
        "informationssäkerheten. Styrelsen ska svara på rekommendationerna och redovisa åtgärder och tidplan."))
    rec_follow = ops.save_recommendation(report, 1, REC_FOLLOW_UP, "", admin, _at(k, 2024, 6, 3))
    rec_known = ops.save_recommendation(report, 2, REC_KNOWN, "", admin, _at(k, 2024, 6, 3))
    _known_actions(k, rec_known, admin, comms)
    _follow_actions(k, rec_follow, admin)
    ops.save_recommendation(report, 2, REC_KNOWN, "Kännedomen mäts genom andelen som genomfört Säkert Beteende.",
                            admin, _at(k, 2024, 11, 5), rec_known)
    return report


def _boards() -> int:
    names = {key: name for key, name, _units in STRUCTURE}
    added = 0
    for name, keys, month in BOARDS:
        if db.session.scalar(select(Board).where(Board.name == name)) is not None:
            continue
        units = db.session.scalars(select(Unit).where(Unit.key.in_([names[k] for k in keys]))).all()
        boards.save_board(name, [u.id for u in units], month)
        added += 1
    return added


def _kpi_values(k: int, admin: Person, now: datetime) -> int:
    kpis.ensure_standard_kpis()
    written = 0
    last = previous_quarter_end(now.date())
    for kpi in kpis.kpis():
        for end in ends_between(_day(k, 2023, 7, 1), last):
            if kpis.value_for(kpi, end) is not None:
                continue
            if kpi.source:
                written += kpis.record_computed(kpi, end, now) is not None
            elif kpi.name.startswith("Infosäkkollen"):
                submitted = INFOSAKKOLLEN.get(end.replace(year=end.year - k), 0)
                kpis.set_manual_value(kpi, end, submitted, kpi.target, "", admin, now)
                written += 1
            elif (reference := end.replace(year=end.year - k)) in INCIDENTS:
                kpis.set_manual_value(kpi, end, INCIDENTS[reference], kpi.target, "", admin, now)
                written += 1
    return written


def load_demo_followup() -> dict:
    admin, comms = _people()
    now = utcnow()
    k = history_year(now.date()) - dates.REFERENCE_YEAR
    created = db.session.scalar(select(AuditReport).where(AuditReport.title == TITLE)) is None
    if created:
        _report(k, admin, comms)
    result = {"created": created, "boards": _boards(), "kpi_values": _kpi_values(k, admin, now)}
    db.session.commit()
    return result
