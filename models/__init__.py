"""All models, one module per area; importing this package registers every table."""
from models.audit import AuditEvent
from models.auth import LoginAttempt, RoleGrant
from models.base import Base, UTCDateTime, utcnow
from models.campaign import Activity, Campaign, PlanMessage, PlanTask, PlanTransition
from models.directory import DirectorySyncRun, Person, PersonAncestor, Unit
from models.followup import (
    Action,
    AuditReport,
    Board,
    BoardUnit,
    ChangeLog,
    Comment,
    Document,
    Evidence,
    Kpi,
    KpiValue,
    Recommendation,
)
from models.invites import Attendee, FeedToken, PersonAddress, Registration, Reply
from models.jobs import JobRun, SchedulerLease
from models.outbox import OutboxMessage
from models.reminders import Reminder, ReminderTemplate
from models.training import (
    ApiToken,
    ColumnMapping,
    Completion,
    Course,
    CourseVersion,
    Exemption,
    ImportBatch,
    KpiSnapshot,
    PersonStatus,
    RefreshQueue,
    Requirement,
    RequirementUnit,
    TeamSummary,
    TrainingRefresh,
)

__all__ = [
    "Activity", "Attendee", "AuditEvent", "Base", "Campaign", "DirectorySyncRun", "FeedToken", "JobRun", "LoginAttempt", "OutboxMessage",
    "PlanMessage", "PlanTask", "PlanTransition", "Person", "PersonAncestor", "Registration", "RoleGrant",
    "SchedulerLease", "Unit", "UTCDateTime", "utcnow",
    "ApiToken", "ColumnMapping", "Completion", "Course", "CourseVersion", "Exemption", "ImportBatch",
    "KpiSnapshot", "PersonStatus", "Requirement", "RequirementUnit", "TeamSummary", "TrainingRefresh", "RefreshQueue",
    "Action", "AuditReport", "Board", "BoardUnit", "ChangeLog", "Comment", "Document", "Evidence", "Kpi", "KpiValue",
    "Recommendation", "Reminder", "ReminderTemplate", "PersonAddress", "Reply",
]
