"""All models, one module per area; importing this package registers every table."""
from models.base import Base, UTCDateTime, utcnow
from models.directory import DirectorySyncRun, Person, PersonAncestor, Unit
from models.auth import LoginAttempt, RoleGrant
from models.audit import AuditEvent
from models.jobs import JobRun, SchedulerLease
from models.outbox import OutboxMessage, OutboxPart
from models.campaign import Activity, Campaign, PlanMessage, PlanTask, PlanTransition
from models.invites import Attendee, FeedToken, Registration

__all__ = [
    "Activity", "Attendee", "AuditEvent", "Base", "Campaign", "DirectorySyncRun", "FeedToken", "JobRun", "LoginAttempt", "OutboxMessage",
    "OutboxPart", "PlanMessage", "PlanTask", "PlanTransition", "Person", "PersonAncestor", "Registration", "RoleGrant", "SchedulerLease", "Unit", "UTCDateTime", "utcnow",
]
