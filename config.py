"""Settings, read from environment variables (the README lists every one).

`Config.from_env()` is called by `create_app()`; tests pass a dict that overrides it.
Defaults make the demo work on a laptop: SQLite under `instance/`, the embedded demo
directory, mail written to files.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def instance_dir() -> Path:
    """Where the SQLite database, the secret key and demo mail live (VAKSAM_INSTANCE)."""
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


def _secret_key(instance_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/."""
    env = os.environ.get("SECRET_KEY")
    if env:
        return env
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def from_env() -> dict:
    """Build the configuration mapping from os.environ."""
    instance = instance_dir()
    env = os.environ.get
    return {
        "INSTANCE_DIR": str(instance),
        "SECRET_KEY": _secret_key(instance),
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
        # Outgoing mail; empty SMTP_HOST writes .eml files under instance/mail.
        "SMTP_HOST": env("SMTP_HOST", ""),
        "SMTP_PORT": _int("SMTP_PORT", 587),
        "SMTP_STARTTLS": _bool(env("SMTP_STARTTLS"), default=True),
        "SMTP_USERNAME": env("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": env("SMTP_PASSWORD", ""),
        "SMTP_MAX_PER_MINUTE": _int("SMTP_MAX_PER_MINUTE", 600),
        "MAIL_FROM": env("MAIL_FROM", "Vaksam <vaksam@region.example>"),
        # Login protection.
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": _int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5),
        "LOGIN_MAX_FAILURES_PER_IP": _int("LOGIN_MAX_FAILURES_PER_IP", 30),
        "LOGIN_WINDOW_MINUTES": _int("LOGIN_WINDOW_MINUTES", 15),
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "LOG_LEVEL": env("LOG_LEVEL", "INFO"),
        # Training: the course link on "Min utbildning", the import size limit, the status cache refresh.
        "COURSE_URL": env("COURSE_URL", "https://kompetensportalen.regionexempel.se/kurser/sakert-beteende"),
        "TRAINING_IMPORT_MAX_MB": _int("TRAINING_IMPORT_MAX_MB", 50),
        "TRAINING_REFRESH_MINUTES": _int("TRAINING_REFRESH_MINUTES", 15),
    }
