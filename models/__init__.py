"""All models, one module per area; importing this package registers every table."""
from models.apt import AptConfirmation, AptDigestEntry, AptStandIn
from models.audit import AuditEvent
from models.auth import LoginAttempt, RoleGrant, UserSession
from models.base import Base, UTCDateTime, utcnow
from models.campaign import Activity, Campaign, PlanMessage, PlanTask, PlanTransition
from models.demo import DemoLogin
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
from models.lms import ApiToken, ColumnMapping, ImportBatch
from models.oidc import OidcLogoutToken, OidcSignIn
from models.outbox import MailOutage, OutboxMessage, OutboxSkip
from models.pulse import Pulse, PulseParticipant, PulseQuestion, PulseTally
from models.reminders import Reminder, ReminderTemplate
from models.status_cache import PersonStatus, RefreshQueue, TeamSummary, TrainingRefresh
from models.training import Completion, Course, CourseVersion, Exemption, KpiSnapshot, Requirement, RequirementUnit

__all__ = [
    "Activity", "Attendee", "AuditEvent", "Base", "Campaign", "DemoLogin", "DirectorySyncRun", "FeedToken", "JobRun",
    "LoginAttempt", "MailOutage", "OutboxMessage", "OutboxSkip",
    "PlanMessage", "PlanTask", "PlanTransition", "Person", "PersonAncestor", "Registration", "RoleGrant",
    "SchedulerLease", "Unit", "UTCDateTime", "utcnow",
    "ApiToken", "ColumnMapping", "Completion", "Course", "CourseVersion", "Exemption", "ImportBatch",
    "KpiSnapshot", "PersonStatus", "Requirement", "RequirementUnit", "TeamSummary", "TrainingRefresh", "RefreshQueue",
    "Action", "AuditReport", "Board", "BoardUnit", "ChangeLog", "Comment", "Document", "Evidence", "Kpi", "KpiValue",
    "Recommendation", "Reminder", "ReminderTemplate", "PersonAddress", "Reply", "UserSession",
    "OidcLogoutToken", "OidcSignIn",
    "AptConfirmation", "AptDigestEntry", "AptStandIn", "Pulse", "PulseParticipant", "PulseQuestion", "PulseTally",
]
