"""What a directory sync decides and reports: settings, results and plans (no I/O)."""
from __future__ import annotations

from dataclasses import dataclass, field

from directory import client
from directory.mapping import DEFAULT_DISABLED_FILTER, DEFAULT_USER_FILTER, PersonRecord, attribute_map

#: Person columns the directory owns (compared and written by the sync).
SYNCED_FIELDS = ("username", "email", "display_name", "given_name", "family_name", "title", "dn", "dn_norm",
                 "employee_number", "start_date")


class SyncRefused(Exception):
    """The read looked complete but applying it would be unsafe (e.g. mass deactivation)."""


@dataclass
class SyncSettings:
    server: client.ServerSettings
    base_dn: str
    user_filter: str
    disabled_filter: str
    schema: str
    mapping: dict[str, str]
    grace_days: int
    max_deactivate_ratio: float
    admin_group_dn: str
    comms_group_dn: str

    @classmethod
    def from_config(cls, config) -> SyncSettings:
        schema = config["LDAP_SCHEMA"]
        if not config["LDAP_URL"]:
            raise client.DirectoryError("LDAP_URL is not set: there is no directory to sync from")
        if not config["LDAP_BASE_DN"]:
            raise client.DirectoryError("LDAP_BASE_DN is not set")
        mapping = attribute_map(schema)
        return cls(
            server=client.ServerSettings.from_config(config),
            base_dn=config["LDAP_BASE_DN"],
            user_filter=config["LDAP_USER_FILTER"] or DEFAULT_USER_FILTER[schema],
            disabled_filter=config.get("LDAP_DISABLED_FILTER", DEFAULT_DISABLED_FILTER[schema])
            if config.get("LDAP_DISABLED_FILTER") is not None else DEFAULT_DISABLED_FILTER[schema],
            schema=schema, mapping=mapping, grace_days=int(config["LDAP_GRACE_DAYS"]),
            max_deactivate_ratio=float(config["LDAP_MAX_DEACTIVATE_RATIO"]),
            admin_group_dn=config["LDAP_ADMIN_GROUP_DN"], comms_group_dn=config["LDAP_COMMS_GROUP_DN"],
        )


@dataclass
class SyncResult:
    ok: bool = False
    dry_run: bool = False
    seen: int = 0
    created: int = 0
    updated: int = 0
    moved: int = 0
    missing: int = 0
    deactivated: int = 0
    reactivated: int = 0
    units: int = 0
    problems: dict[str, list] = field(default_factory=lambda: {
        "dangling_manager": [], "cycles": [], "no_mail": [], "invalid": []})
    seconds: float = 0.0
    message: str = ""
    run_id: int | None = None
    #: The directory's own high-water mark after an incremental run (modifyTimestamp / uSNChanged).
    high_water: str | None = None

    COUNT_KEYS = ("seen", "created", "updated", "moved", "missing", "deactivated", "reactivated", "units")

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in self.COUNT_KEYS}

    def as_json(self) -> dict:
        return {"ok": self.ok, "dry_run": self.dry_run, **self.counts(), "problems": self.problems,
                "seconds": round(self.seconds, 3), "message": self.message, "run_id": self.run_id,
                **({"high_water": self.high_water} if self.high_water else {})}


@dataclass
class Plan:
    """Every write a sync would make, decided before any is made."""

    records: dict[str, PersonRecord]
    new_units: list[tuple[str, ...]]
    creates: list[PersonRecord]
    updates: dict[int, dict]
    #: external_id -> manager external_id (None = no manager), for everyone seen.
    managers: dict[str, str | None]
    unknown_manager: set[str]
    missing_now: list[int]
    deactivate: list[int]
    reactivate: list[int]
    unit_keys: set[str]
    result: SyncResult
    #: external_id -> stored row (id, manager_id, synced fields, …) as read when planning.
    existing: dict = field(default_factory=dict)
    #: person id -> roles from directory groups taken away (filled when applying).
    roles_removed: dict[int, set[str]] = field(default_factory=dict)
