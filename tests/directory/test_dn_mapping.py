"""DN normalisation and attribute mapping (pure functions)."""
from __future__ import annotations

import uuid

import pytest

from directory.dn import DNError, normalise_dn
from directory.mapping import attribute_map, to_record


@pytest.mark.parametrize("a,b", [
    ("CN=Berg\\, Åsa,OU=Vård,DC=x", "cn=berg\\2c åsa , ou=vård , dc=x"),
    ("cn=Berg\\2C \\C3\\85sa,ou=x", "cn=berg\\, åsa,ou=x"),
    ('cn="Smith, John",o=x', "cn=Smith\\, John,o=x"),
    ("cn=A\\+B,o=x", "cn=a\\2bb,o=x"),
    ('cn=O\\"Neil,o=x', "cn=o\\22neil,o=x"),
    ("uid=a+cn=B,dc=x", "CN=b+UID=A,dc=x"),
    ("cn=x\\ ,o=y", "cn=x\\20,o=y"),
])
def test_equivalent_dns_normalise_the_same(a, b):
    assert normalise_dn(a) == normalise_dn(b)


@pytest.mark.parametrize("a,b", [
    ("cn=a\\,b,o=x", "cn=a,cn=b,o=x"),
    ("cn=a\\+b,o=x", "cn=a+cn=b,o=x"),
    ("cn=x\\ ,o=y", "cn=x,o=y"),
])
def test_different_dns_stay_different(a, b):
    assert normalise_dn(a) != normalise_dn(b)


def test_invalid_dn_is_an_error():
    with pytest.raises(DNError):
        normalise_dn("cn=x,=y")
    with pytest.raises(DNError):
        normalise_dn("cn=x\\")
    assert normalise_dn("") is None and normalise_dn(None) is None


def test_ad_profile_converts_guid_disabled_flag_and_start_date():
    guid = uuid.UUID("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
    attrs = {
        "objectGUID": [guid.bytes_le], "sAMAccountName": ["ASAOBE"], "userPrincipalName": ["asa@region.se"],
        "givenName": ["Åsa"], "sn": ["Öberg"], "company": ["Regionservice"], "department": ["IT/Drift"],
        "userAccountControl": ["514"], "whenCreated": ["20230915083000.0Z"],
        "manager": ["CN=Chef\\, Karin,OU=Staff,DC=region,DC=se"], "employeeID": ["12345"],
    }
    rec = to_record("CN=Öberg\\, Åsa,OU=Staff,DC=region,DC=se", attrs, attribute_map("ad", {}), "ad")
    assert rec.external_id == str(guid)
    assert rec.username == "asaobe" and rec.email == "asa@region.se"  # UPN when mail is missing
    assert rec.disabled is True  # 514 = 512 | ACCOUNTDISABLE
    assert rec.start_date.isoformat() == "2023-09-15"
    assert rec.unit_path == ("Regionservice", "IT", "Drift")
    assert rec.manager_dn_norm == "cn=chef\\, karin,ou=staff,dc=region,dc=se"
    assert rec.employee_number == "12345" and rec.display_name == "Åsa Öberg"


def test_enabled_ad_account():
    attrs = {"objectGUID": [uuid.uuid4().bytes_le], "sAMAccountName": ["x"], "userAccountControl": ["512"]}
    assert to_record("CN=x,DC=y", attrs, attribute_map("ad", {}), "ad").disabled is False


def test_attribute_overrides_from_environment():
    mapping = attribute_map("openldap", {"LDAP_ATTR_EMPLOYEE_NUMBER": "hrId", "LDAP_ATTR_UNIT": "department"})
    assert mapping["employee_number"] == "hrId" and mapping["unit"] == "department"
    rec = to_record("uid=a,o=x", {"entryUUID": [str(uuid.uuid4())], "uid": ["A"], "hrId": ["77"],
                                  "department": ["Vård"]}, mapping, "openldap")
    assert rec.employee_number == "77" and rec.unit_path == ("Vård",)


def test_unknown_schema_is_refused():
    with pytest.raises(ValueError):
        attribute_map("novell", {})


def test_ad_alternative_addresses_from_proxy_addresses_and_upn():
    attrs = {"objectGUID": [uuid.uuid4().bytes_le], "sAMAccountName": ["asa"], "mail": ["Asa.Oberg@region.se"],
             "userPrincipalName": ["asa@ad.region.se"],
             "proxyAddresses": ["SMTP:asa.oberg@region.se", "smtp:Asa.Öberg@region.se", "smtp:asa@gamla.se",
                                "X400:c=SE;a= ;p=Region;s=Oberg", "sip:asa@region.se", "smtp:bad\r\n@x.se"]}
    rec = to_record("CN=asa,DC=y", attrs, attribute_map("ad", {}), "ad")
    assert rec.email == "Asa.Oberg@region.se"
    assert rec.alt_emails == ("asa@ad.region.se", "asa.öberg@region.se", "asa@gamla.se")


def test_openldap_further_mail_values_are_alternative_addresses():
    rec = to_record("uid=a,o=x", {"entryUUID": [str(uuid.uuid4())], "uid": ["a"],
                                  "mail": ["a@region.se", "A@Region.se", "a.alias@region.se", "inte-en-adress"]},
                    attribute_map("openldap", {}), "openldap")
    assert rec.email == "a@region.se" and rec.alt_emails == ("a.alias@region.se",)
