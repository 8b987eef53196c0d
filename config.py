"""Settings, read from environment variables (docs/configuration.md lists every one).

`Config.from_env()` is called by `create_app()`; tests pass a dict that overrides it.
Defaults make the demo work on a laptop: SQLite under `instance/`, the embedded demo
directory, mail written to files.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from main import files

BASE_DIR = Path(__file__).resolve().parent


def instance_dir() -> Path:
    """Where the SQLite database, the demo's secret key and demo mail live (VAKSAM_INSTANCE)."""
    return Path(os.environ.get("VAKSAM_INSTANCE") or BASE_DIR / "instance")


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, got {raw!r}") from exc


class ConfigError(SystemExit):
    """A setting that makes the app unsafe or unusable; the message is one plain line.
    A SystemExit, so `flask …` and gunicorn print the line and stop, without a traceback."""


def instance_secret_key(instance_dir: Path) -> str:
    """Demo mode only: a secret key generated once into instance/secret_key."""
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    files.create_private(path, key.encode())
    return key


def check(settings: dict) -> list[str]:
    """Refuse unsafe settings (raises ConfigError); returns warnings to log at start."""
    demo = settings["DEMO_MODE"]
    if not settings.get("SECRET_KEY") and not demo:
        raise ConfigError("SECRET_KEY is not set: set it to a long random value (e.g. `openssl rand -hex 32`).")
    url = (settings.get("LDAP_URL") or "").strip()
    if url == "demo" and not demo:
        raise ConfigError("LDAP_URL=demo is the embedded demo directory and only works with DEMO_MODE=1.")
    warnings = []
    if url.lower().startswith("ldap://") and not settings.get("LDAP_START_TLS"):
        if not settings.get("LDAP_ALLOW_PLAINTEXT"):
            raise ConfigError("LDAP_URL is plain ldap:// without LDAP_START_TLS=1: passwords would cross the "
                              "network in clear. Use ldaps://, set LDAP_START_TLS=1, or LDAP_ALLOW_PLAINTEXT=1.")
        warnings.append("LDAP_ALLOW_PLAINTEXT=1: passwords go to the directory unencrypted (ldap:// without StartTLS)")
    return warnings


def from_env() -> dict:
    """Build the configuration mapping from os.environ."""
    instance = instance_dir()
    env = os.environ.get
    return {
        "INSTANCE_DIR": str(instance),
        # Required outside demo mode (create_app refuses to start without it).
        "SECRET_KEY": env("SECRET_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": env("DATABASE_URL") or f"sqlite:///{instance / 'vaksam.db'}",
        "TIMEZONE": env("TIMEZONE", "Europe/Stockholm"),
        "BASE_URL": env("BASE_URL", "http://127.0.0.1:5000"),
        "DEMO_MODE": _bool(env("DEMO_MODE"), default=False),
        "SESSION_COOKIE_SECURE": _bool(env("SESSION_COOKIE_SECURE"), default=not _bool(env("DEMO_MODE"))),
        "MAX_CONTENT_LENGTH": _int("MAX_UPLOAD_MB", 20) * 1024 * 1024,
        # Directory (LDAP / Active Directory); empty LDAP_URL means local accounts only,
        # "demo" means the embedded demo directory.
        "LDAP_URL": env("LDAP_URL", ""),
        "LDAP_START_TLS": _bool(env("LDAP_START_TLS")),
        # Plain ldap:// without StartTLS is refused unless this is set on purpose.
        "LDAP_ALLOW_PLAINTEXT": _bool(env("LDAP_ALLOW_PLAINTEXT")),
        "LDAP_CA_FILE": env("LDAP_CA_FILE", ""),
        "LDAP_BIND_DN": env("LDAP_BIND_DN", ""),
        "LDAP_BIND_PASSWORD": env("LDAP_BIND_PASSWORD", ""),
        "LDAP_BASE_DN": env("LDAP_BASE_DN", ""),
        "LDAP_USER_FILTER": env("LDAP_USER_FILTER", ""),
        "LDAP_SCHEMA": env("LDAP_SCHEMA", "openldap"),
        "LDAP_GRACE_DAYS": _int("LDAP_GRACE_DAYS", 7),
        "LDAP_MAX_DEACTIVATE_RATIO": float(env("LDAP_MAX_DEACTIVATE_RATIO", "0.10")),
        "LDAP_ADMIN_GROUP_DN": env("LDAP_ADMIN_GROUP_DN", ""),
        "LDAP_COMMS_GROUP_DN": env("LDAP_COMMS_GROUP_DN", ""),
        "LDAP_TIMEOUT": _int("LDAP_TIMEOUT", 10),
        "LDAP_SYNC_TIME": env("LDAP_SYNC_TIME", "02:30"),
        "LDAP_PAGE_SIZE": _int("LDAP_PAGE_SIZE", 1000),
        "LDAP_FAST_DECODE": _bool(env("LDAP_FAST_DECODE", "1")),
        "DIRECTORY_CHANGES_MINUTES": _int("DIRECTORY_CHANGES_MINUTES", 15),
        # None means the profile's default (OpenLDAP: pwdAccountLockedTime present; AD uses userAccountControl).
        "LDAP_DISABLED_FILTER": env("LDAP_DISABLED_FILTER"),
        # Outgoing mail; empty SMTP_HOST writes .eml files under instance/mail.
        "SMTP_HOST": env("SMTP_HOST", ""),
        "SMTP_PORT": _int("SMTP_PORT", 587),
        "SMTP_STARTTLS": _bool(env("SMTP_STARTTLS"), default=True),
        "SMTP_USERNAME": env("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": env("SMTP_PASSWORD", ""),
        "SMTP_MAX_PER_MINUTE": _int("SMTP_MAX_PER_MINUTE", 600),
        "MAIL_FROM": env("MAIL_FROM", "Vaksam <vaksam@region.example>"),
        "SMTP_CA_FILE": env("SMTP_CA_FILE", ""),
        "SMTP_TIMEOUT": _int("SMTP_TIMEOUT", 30),
        # The outbox sender (outbox/sender.py); docs/outbox.md explains each.
        "OUTBOX_POLL_SECONDS": _int("OUTBOX_POLL_SECONDS", 30),
        "OUTBOX_BATCH_SIZE": _int("OUTBOX_BATCH_SIZE", 100),
        # A temporarily failing message gives up this long after it was first tried (not after N tries).
        "OUTBOX_GIVE_UP_HOURS": _int("OUTBOX_GIVE_UP_HOURS", 72),
        # Replaced by OUTBOX_GIVE_UP_HOURS; still read so an old setting is reported, not silently dropped.
        "OUTBOX_MAX_ATTEMPTS": _int("OUTBOX_MAX_ATTEMPTS", 0),
        # One alert mail to ADMIN_ALERT_TO (empty: the admins) once mail has failed to leave this long.
        "OUTBOX_ALERT_MINUTES": _int("OUTBOX_ALERT_MINUTES", 30),
        "ADMIN_ALERT_TO": env("ADMIN_ALERT_TO", ""),
        "OUTBOX_RETRY_BASE_SECONDS": _int("OUTBOX_RETRY_BASE_SECONDS", 60),
        "OUTBOX_RETRY_MAX_SECONDS": _int("OUTBOX_RETRY_MAX_SECONDS", 3600),
        "OUTBOX_CLAIM_SECONDS": _int("OUTBOX_CLAIM_SECONDS", 600),
        "OUTBOX_RUN_SECONDS": _int("OUTBOX_RUN_SECONDS", 240),
        "OUTBOX_MAIL_DIR": env("OUTBOX_MAIL_DIR") or str(instance / "mail"),
        # Campaigns and the communication plan (campaign/); docs/campaign.md explains each.
        "PLAN_CHANNELS": env("PLAN_CHANNELS", "e-post,intranät,Teams,nyhetsbrev,skärmar,APT-material,chefsbrev,quiz"),
        "PLAN_EMAIL_CHANNEL": env("PLAN_EMAIL_CHANNEL", "e-post"),
        # Four-eyes: a plan message is approved by someone other than who wrote it or sent it for review.
        "PLAN_FOUR_EYES": _bool(env("PLAN_FOUR_EYES"), default=True),
        "PLAN_BODY_MAX_CHARS": _int("PLAN_BODY_MAX_CHARS", 20000),
        "PLAN_POLL_SECONDS": _int("PLAN_POLL_SECONDS", 60),
        # Pulse quizzes (pulse/); docs/pulse.md explains each.
        "PULSE_MIN_GROUP": _int("PULSE_MIN_GROUP", 5),
        "PULSE_REPORT_LEVEL": _int("PULSE_REPORT_LEVEL", 1),
        "PULSE_REMINDER_DAYS": _int("PULSE_REMINDER_DAYS", 2),
        "PULSE_PLAN_CHANNEL": env("PULSE_PLAN_CHANNEL", "quiz"),
        "APT_CHANNEL": env("APT_CHANNEL", "APT-material"),
        "APT_MESSAGE_DEADLINE_DAYS": _int("APT_MESSAGE_DEADLINE_DAYS", 30),
        "APT_DIGEST_DAYS": _int("APT_DIGEST_DAYS", 7),
        "BOARD_REPORT_DATES": env("BOARD_REPORT_DATES", "04-15,11-15"),
        # Calendar invitations and feeds (invites/); docs/invites.md explains each.
        # Empty INVITE_ORGANIZER means MAIL_FROM; it must be a monitored mailbox (replies land there).
        "INVITE_ORGANIZER": env("INVITE_ORGANIZER", ""),
        "INVITE_ALARM_MINUTES": _int("INVITE_ALARM_MINUTES", 15),
        "INVITE_FEED_REFRESH_MINUTES": _int("INVITE_FEED_REFRESH_MINUTES", 60),
        "INVITE_FEED_PAST_DAYS": _int("INVITE_FEED_PAST_DAYS", 365),
        # The organiser mailbox read for calendar answers (invites/mailbox.py; docs/calendar.md).
        "IMAP_HOST": env("IMAP_HOST", ""),
        "IMAP_PORT": _int("IMAP_PORT", 993),
        "IMAP_TLS": env("IMAP_TLS", "on"),
        "IMAP_USERNAME": env("IMAP_USERNAME", ""),
        "IMAP_PASSWORD": env("IMAP_PASSWORD", ""),
        "IMAP_FOLDER": env("IMAP_FOLDER", "INBOX"),
        "IMAP_DONE_FOLDER": env("IMAP_DONE_FOLDER", ""),
        "IMAP_UNKNOWN_FOLDER": env("IMAP_UNKNOWN_FOLDER", env("IMAP_FOLDER", "INBOX") + "/Vaksam-okänt"),
        "IMAP_CA_FILE": env("IMAP_CA_FILE", ""),
        "IMAP_TIMEOUT": _int("IMAP_TIMEOUT", 60),
        "IMAP_POLL_SECONDS": _int("IMAP_POLL_SECONDS", 120),
        # The scheduler process (jobs/); a second process waits for the lease.
        "SCHEDULER_LEASE_SECONDS": _int("SCHEDULER_LEASE_SECONDS", 90),
        "SCHEDULER_RENEW_SECONDS": _int("SCHEDULER_RENEW_SECONDS", 30),
        # The scheduler process runs at this lower CPU priority (os.nice), so pages go first; 0: unchanged.
        "SCHEDULER_NICE": _int("SCHEDULER_NICE", 19),
        # Swedish working hours for reminders (jobs/workdays.py), local time.
        "OFFICE_HOURS_START": env("OFFICE_HOURS_START", "08:00"),
        "OFFICE_HOURS_END": env("OFFICE_HOURS_END", "17:00"),
        # Login protection.
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": _int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5),
        "LOGIN_MAX_FAILURES_PER_IP": _int("LOGIN_MAX_FAILURES_PER_IP", 30),
        "LOGIN_WINDOW_MINUTES": _int("LOGIN_WINDOW_MINUTES", 15),
        # Failures for an account from other addresses slow its log-ins down, at most this much.
        "LOGIN_DELAY_MAX_SECONDS": float(env("LOGIN_DELAY_MAX_SECONDS", "5")),
        # Server-side sessions (auth/sessions.py): idle and total limits.
        "SESSION_IDLE_MINUTES": _int("SESSION_IDLE_MINUTES", 60),
        "SESSION_MAX_HOURS": _int("SESSION_MAX_HOURS", 10),
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        # Single sign-on (OpenID Connect, auth/oidc.py); docs/sso.md explains each. Empty OIDC_ISSUER: off.
        "OIDC_ISSUER": env("OIDC_ISSUER", "").strip().rstrip("/"),
        "OIDC_CLIENT_ID": env("OIDC_CLIENT_ID", ""),
        "OIDC_CLIENT_SECRET": env("OIDC_CLIENT_SECRET", ""),
        "OIDC_CLIENT_KEY_FILE": env("OIDC_CLIENT_KEY_FILE", ""),
        "OIDC_SCOPES": env("OIDC_SCOPES", "openid profile email"),
        "OIDC_BUTTON_LABEL": env("OIDC_BUTTON_LABEL", ""),
        # Empty means the directory profile's default (ad: oid -> external_id; openldap: preferred_username -> username).
        "OIDC_MATCH_CLAIM": env("OIDC_MATCH_CLAIM", ""),
        "OIDC_MATCH_FIELD": env("OIDC_MATCH_FIELD", ""),
        "OIDC_ROLE_CLAIMS": env("OIDC_ROLE_CLAIMS", "roles,groups"),
        "OIDC_ADMIN_VALUES": env("OIDC_ADMIN_VALUES", ""),
        "OIDC_COMMS_VALUES": env("OIDC_COMMS_VALUES", ""),
        "OIDC_TIMEOUT": _int("OIDC_TIMEOUT", 10),
        # With OIDC on: also show the password form on /login (local break-glass accounts always have /login/lokal).
        "LOGIN_PASSWORD_FALLBACK": _bool(env("LOGIN_PASSWORD_FALLBACK"), default=False),
        "LOG_LEVEL": env("LOG_LEVEL", "INFO"),
        # Training: the course link on "Min utbildning", the import size limit, the status cache refresh.
        "COURSE_URL": env("COURSE_URL", "https://kompetensportalen.regionexempel.se/kurser/sakert-beteende"),
        "TRAINING_IMPORT_MAX_MB": _int("TRAINING_IMPORT_MAX_MB", 50),
        # docs/security.md: the most data rows one file may have; unconfirmed upload previews live this long.
        "TRAINING_IMPORT_MAX_ROWS": _int("TRAINING_IMPORT_MAX_ROWS", 200_000),
        "TRAINING_PREVIEW_HOURS": _int("TRAINING_PREVIEW_HOURS", 24),
        # How often the scheduler picks up queued status refreshes (pages never recompute).
        "TRAINING_REFRESH_SECONDS": _int("TRAINING_REFRESH_SECONDS", 15),
        # Big people exports streaming at once per gunicorn worker; more get 503 + Retry-After.
        "EXPORTS_PER_WORKER": _int("EXPORTS_PER_WORKER", 1),
        # Reminder rounds (reminders/rounds.py): days relative to each person's due date,
        # how late a missed round may still go out, escalation, and "Remind now" per person and day.
        "REMINDER_ROUNDS": env("REMINDER_ROUNDS", "-14,0,7"),
        "REMINDER_LATE_DAYS": _int("REMINDER_LATE_DAYS", 5),
        "REMINDER_ESCALATE_AFTER_DAYS": _int("REMINDER_ESCALATE_AFTER_DAYS", 14),
        "REMINDER_MANUAL_PER_DAY": _int("REMINDER_MANUAL_PER_DAY", 1),
        # "Påminn alla som inte är klara" reminds at most this many people in one click.
        "REMIND_ALL_MAX": _int("REMIND_ALL_MAX", 500),
        # The completion share the region aims at, drawn as a target on progress bars and charts.
        "TRAINING_TARGET_PERCENT": _int("TRAINING_TARGET_PERCENT", 90),
        # Audit follow-up (followup/); docs/followup.md explains each.
        "FOLLOWUP_MAX_UPLOAD_MB": _int("FOLLOWUP_MAX_UPLOAD_MB", 10),
        "FOLLOWUP_UPLOAD_DIR": env("FOLLOWUP_UPLOAD_DIR") or str(instance / "uploads" / "followup"),
        "FOLLOWUP_KPI_POLL_MINUTES": _int("FOLLOWUP_KPI_POLL_MINUTES", 60),
        "FOLLOWUP_PDF_FONT": env("FOLLOWUP_PDF_FONT", ""),
        # The recommendation (by number) whose evidence is the pulse and APT figures (docs/pulse.md); 0 = none.
        "FOLLOWUP_AWARENESS_RECOMMENDATION": _int("FOLLOWUP_AWARENESS_RECOMMENDATION", 2),
        # Retention (gallring) and the record of processing (privacy/); docs/privacy.md explains each
        # with its purpose and legal ground. A period below the category's minimum (e.g. 0) is refused.
        "RETENTION_MAIL_DAYS": _int("RETENTION_MAIL_DAYS", 90),
        "RETENTION_AUDIT_IP_DAYS": _int("RETENTION_AUDIT_IP_DAYS", 180),
        "RETENTION_AUDIT_YEARS": _int("RETENTION_AUDIT_YEARS", 2),
        "RETENTION_LMS_PROBLEM_DAYS": _int("RETENTION_LMS_PROBLEM_DAYS", 365),
        "RETENTION_LEAVER_YEARS": _int("RETENTION_LEAVER_YEARS", 2),
        "RETENTION_REGISTRATION_MONTHS": _int("RETENTION_REGISTRATION_MONTHS", 6),
        "RETENTION_PULSE_DAYS": _int("RETENTION_PULSE_DAYS", 30),
        "RETENTION_EVIDENCE_YEARS": _int("RETENTION_EVIDENCE_YEARS", 5),
        "RETENTION_TIME": env("RETENTION_TIME", "03:50"),
        "RETENTION_BATCH_SIZE": _int("RETENTION_BATCH_SIZE", 20000),
        "PRIVACY_CONTROLLER": env("PRIVACY_CONTROLLER", "Regionstyrelsen, Region Exempel"),
        "PRIVACY_DPO_CONTACT": env("PRIVACY_DPO_CONTACT", ""),
    }
