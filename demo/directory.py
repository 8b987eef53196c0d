"""Region Exempel as directory entries, served by the embedded MOCK_SYNC server in demo
mode so the real sync and login-by-bind code runs without an LDAP server."""
from __future__ import annotations

import secrets

from demo.region import STRUCTURE, build_region
from directory.dn import escape_rdn_value

BASE_DN = "dc=regionexempel,dc=se"
PEOPLE_DN = f"ou=Personal,{BASE_DN}"
SERVICE_DN = f"cn=vaksam-sync,ou=Tjänstekonton,{BASE_DN}"
SERVICE_PASSWORD = "demo-sync"  # the embedded in-process directory only (LDAP_URL=demo needs DEMO_MODE)
ADMIN_GROUP_DN = f"cn=vaksam-admin,ou=Grupper,{BASE_DN}"
COMMS_GROUP_DN = f"cn=vaksam-kommunikation,ou=Grupper,{BASE_DN}"
FORVALTNING_NAMES = {key: name for key, name, _units in STRUCTURE}


def person_dn(p) -> str:
    # AD-style "Efternamn, Förnamn" CNs need escaping (\,) and carry Swedish letters.
    cn = escape_rdn_value(f"{p.family_name}, {p.given_name} ({p.username})")
    top = FORVALTNING_NAMES.get(p.unit_path[0], "Regionledningen") if p.unit_path else "Regionledningen"
    return f"cn={cn},ou={escape_rdn_value(top)},{PEOPLE_DN}"


def demo_entries() -> list[tuple[str, dict]]:
    """(dn, attributes) for every demo person, the service account and the two role groups."""
    _units, people = build_region()
    dns = {p.username: person_dn(p) for p in people}
    entries = []
    for p in people:
        attrs = {
            "objectClass": ["top", "person", "organizationalPerson", "inetOrgPerson"],
            "entryUUID": p.external_id, "uid": p.username, "cn": f"{p.family_name}, {p.given_name}",
            "sn": p.family_name, "givenName": p.given_name, "displayName": p.display_name,
            "title": p.title, "employeeNumber": p.employee_number,
            "ou": FORVALTNING_NAMES.get(p.unit_path[0], "Regionledningen") if p.unit_path else "Regionledningen",
            # Nobody binds with these: the demo log-ins have random local passwords (demo/logins.py).
            "userPassword": f"!locked-{secrets.token_hex(16)}",
        }
        if len(p.unit_path) > 1:
            attrs["departmentNumber"] = "/".join(p.unit_path[1:])
        if p.email:
            attrs["mail"] = p.email
        if p.manager_username:
            attrs["manager"] = dns[p.manager_username]
        entries.append((dns[p.username], attrs))
    entries.append((SERVICE_DN, {"objectClass": ["person"], "cn": "vaksam-sync", "sn": "sync",
                                 "userPassword": SERVICE_PASSWORD}))
    entries.append((ADMIN_GROUP_DN, {"objectClass": ["groupOfNames"], "cn": "vaksam-admin",
                                     "member": [dns["admin"]]}))
    entries.append((COMMS_GROUP_DN, {"objectClass": ["groupOfNames"], "cn": "vaksam-kommunikation",
                                     "member": [dns["kommunikator"]]}))
    return entries


DEMO_SETTINGS = {
    "LDAP_URL": "demo",
    "LDAP_BASE_DN": PEOPLE_DN,
    "LDAP_BIND_DN": SERVICE_DN,
    "LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
    "LDAP_SCHEMA": "openldap",
    "LDAP_ADMIN_GROUP_DN": ADMIN_GROUP_DN,
    "LDAP_COMMS_GROUP_DN": COMMS_GROUP_DN,
}
