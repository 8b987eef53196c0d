"""The real-service helpers in tests/services.py really work (no app needed)."""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
import subprocess
from email.message import EmailMessage

import pytest

from tests.services import (
    CHROMIUM,
    Postgres,
    ServiceError,
    Slapd,
    SmtpServer,
    chromium_launch_args,
    free_port,
    make_test_ca,
    people_ldif,
    pid_alive,
)

ldap3 = pytest.importorskip("ldap3")

# ldap3 2.9 checks the server name with the deprecated ssl.match_hostname()
pytestmark = pytest.mark.filterwarnings("ignore:ssl.match_hostname:DeprecationWarning")

needs_slapd = pytest.mark.skipif(not os.path.exists("/usr/sbin/slapd"),
                                 reason="slapd not installed (scripts/install-test-deps.sh)")

SUFFIX = "dc=example,dc=se"
SYNC_DN = f"uid=sync,ou=service,{SUFFIX}"
SYNC_PW = "sync-secret"
USER_DN = f"uid=user00000,ou=people,{SUFFIX}"
USER_PW = "user-secret"
PEOPLE = f"ou=people,{SUFFIX}"
N_PEOPLE = 600


def test_free_port_is_bindable():
    port = free_port()
    assert 1024 < port < 65536
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


# ---------------------------------------------------------------- LDAP ----

@pytest.fixture(scope="module")
def ldap_server():
    with Slapd(SUFFIX, size_limit=500, unlimited_dn=SYNC_DN,
               unlimited_password=SYNC_PW) as server:
        # 300 online through ldapadd, 300 offline through slapadd (restarts slapd)
        server.add_ldif(people_ldif(300, PEOPLE, password=USER_PW))
        server.load_ldif_offline(people_ldif(N_PEOPLE - 300, PEOPLE, start=300))
        yield server


def _paged_all(conn, base, flt, page=200):
    """Manual Simple Paged Results loop: (entries, last result)."""
    entries, cookie = [], None
    while True:
        conn.search(base, flt, attributes=["uid", "entryUUID"], paged_size=page,
                    paged_cookie=cookie)
        entries.extend(e for e in conn.response if e["type"] == "searchResEntry")
        if conn.result["result"] != 0:
            return entries, conn.result
        cookie = conn.result["controls"]["1.2.840.113556.1.4.319"]["value"]["cookie"]
        if not cookie:
            return entries, conn.result


@needs_slapd
def test_slapd_sync_account_pages_past_size_limit(ldap_server):
    conn = ldap_server.connection(SYNC_DN, SYNC_PW)
    assert conn.extend.standard.who_am_i() == f"dn:{SYNC_DN}"
    got = conn.extend.standard.paged_search(PEOPLE, "(objectClass=inetOrgPerson)",
                                            attributes=["uid", "entryUUID"],
                                            paged_size=200, generator=False)
    entries = [e for e in got if e["type"] == "searchResEntry"]
    assert conn.result["result"] == 0, conn.result
    assert len(entries) == N_PEOPLE
    uids = {e["attributes"]["uid"][0] for e in entries}
    assert len(uids) == N_PEOPLE
    # entryUUID exists for both slapadd- and ldapadd-loaded entries
    assert all(e["attributes"]["entryUUID"] for e in entries)

    # the manual loop agrees
    entries, result = _paged_all(conn, PEOPLE, "(objectClass=inetOrgPerson)")
    assert result["result"] == 0 and len(entries) == N_PEOPLE


@needs_slapd
def test_slapd_ordinary_user_hits_size_limit(ldap_server):
    conn = ldap_server.connection(USER_DN, USER_PW)
    conn.search(PEOPLE, "(objectClass=inetOrgPerson)", attributes=["uid"])
    assert conn.result["result"] == 4, conn.result  # sizeLimitExceeded
    assert conn.result["description"] == "sizeLimitExceeded"
    assert 0 < len(conn.entries) <= 500

    # Paging does not get an ordinary user past the limit either (prtotal = hard).
    entries, result = _paged_all(conn, PEOPLE, "(objectClass=inetOrgPerson)")
    assert result["result"] == 4
    assert len(entries) <= 500


@needs_slapd
def test_slapd_sync_account_must_page(ldap_server):
    # unlimited_paged_only=True (default): a non-paged search is still capped
    conn = ldap_server.connection(SYNC_DN, SYNC_PW)
    conn.search(PEOPLE, "(objectClass=inetOrgPerson)", attributes=["uid"])
    assert conn.result["result"] == 4
    assert len(conn.entries) == 500


@needs_slapd
def test_slapd_access_control(ldap_server):
    # wrong password refused
    with pytest.raises(ServiceError):
        ldap_server.connection(USER_DN, "wrong")
    # anonymous sees nothing
    server = ldap3.Server("127.0.0.1", port=ldap_server.port, get_info=ldap3.NONE)
    anon = ldap3.Connection(server, auto_bind=True)
    anon.search(PEOPLE, "(uid=user00001)", attributes=["uid"])
    assert anon.entries == []
    # users read others but not their passwords; indexes make eq lookups work
    conn = ldap_server.connection(USER_DN, USER_PW)
    conn.search(PEOPLE, "(employeeNumber=100001)", attributes=["uid", "mail", "userPassword"])
    assert len(conn.entries) == 1
    assert conn.entries[0].uid.value == "user00001"
    assert conn.entries[0].mail.value == "user00001@example.se"
    assert not conn.response[0]["attributes"].get("userPassword")
    admin = ldap_server.connection()
    admin.search(PEOPLE, "(uid=user00001)", attributes=["userPassword"])
    assert admin.response[0]["attributes"]["userPassword"] in ([USER_PW], [USER_PW.encode()])


@needs_slapd
def test_slapd_kill_and_restart(tmp_path):
    server = Slapd(SUFFIX)
    server.start()
    try:
        server.add_ldif(people_ldif(3, server.people_dn))
        port, pid = server.port, server.pid
        server.kill()
        with pytest.raises(ldap3.core.exceptions.LDAPException):
            server.connection()
        server.start()
        assert server.port == port and server.pid != pid
        conn = server.connection()
        conn.search(server.people_dn, "(objectClass=inetOrgPerson)", attributes=["uid"])
        assert len(conn.entries) == 3  # data survived the SIGKILL
    finally:
        server.stop()
    assert not server.tmpdir.exists()


@needs_slapd
def test_slapd_starttls_with_throwaway_ca(tmp_path):
    ca = make_test_ca(tmp_path / "good")
    wrong = make_test_ca(tmp_path / "wrong", name="Some Other CA")
    with Slapd(SUFFIX, tls=ca) as server:
        # StartTLS on ldap://, certificate verified against our CA
        tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=ca["ca_cert"])
        srv = ldap3.Server("127.0.0.1", port=server.port, tls=tls, get_info=ldap3.NONE)
        conn = ldap3.Connection(srv, user=server.admin_dn, password=server.admin_password)
        conn.open()
        assert conn.start_tls()
        assert conn.bind()
        assert conn.tls_started
        assert conn.extend.standard.who_am_i() == f"dn:{server.admin_dn}"
        conn.unbind()

        # ldaps:// too, and the convenience helper
        c2 = server.connection(ldaps=True)
        assert c2.extend.standard.who_am_i() == f"dn:{server.admin_dn}"

        # a certificate from another CA is refused
        bad = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=wrong["ca_cert"])
        srv = ldap3.Server("127.0.0.1", port=server.port, tls=bad, get_info=ldap3.NONE)
        conn = ldap3.Connection(srv)
        conn.open()
        with pytest.raises(ldap3.core.exceptions.LDAPException):
            conn.start_tls()
        assert not conn.tls_started


# ------------------------------------------------------------ Postgres ----

needs_pg = pytest.mark.skipif(not any(os.path.exists(f"/usr/lib/postgresql/{v}/bin/initdb")
                                      for v in os.listdir("/usr/lib/postgresql"))
                              if os.path.isdir("/usr/lib/postgresql") else True,
                              reason="postgresql not installed")


@needs_pg
def test_postgres_select_and_create_database():
    sqlalchemy = pytest.importorskip("sqlalchemy")
    with Postgres() as pg:
        assert pg.url.startswith("postgresql+psycopg://vaksam:")
        assert f"@127.0.0.1:{pg.port}/vaksam" in pg.url
        engine = sqlalchemy.create_engine(pg.url)
        with engine.connect() as conn:
            assert conn.execute(sqlalchemy.text("select 1")).scalar() == 1
            assert conn.execute(sqlalchemy.text("select current_user")).scalar() == "vaksam"
            conn.execute(sqlalchemy.text("create table t (name text)"))
            conn.execute(sqlalchemy.text("insert into t values ('Åsa Öberg')"))
            conn.commit()
            assert conn.execute(sqlalchemy.text("select name from t")).scalar() == "Åsa Öberg"
        engine.dispose()

        url2 = pg.create_database("vaksam_other")
        assert url2.endswith("/vaksam_other")
        e2 = sqlalchemy.create_engine(url2)
        with e2.connect() as conn:
            assert conn.execute(sqlalchemy.text("select current_database()")).scalar() \
                == "vaksam_other"
        e2.dispose()

        # passwords are really checked over TCP
        bad = sqlalchemy.create_engine(pg.url_for("vaksam", password="nope"))
        with pytest.raises(sqlalchemy.exc.OperationalError):
            bad.connect()
        bad.dispose()
        data_dir, pid = pg.data_dir, pg.postmaster_pid()
        assert pid is not None
    # stopped (postmaster gone) and cleaned up
    assert not data_dir.exists()
    assert not pid_alive(pid)


# ---------------------------------------------------------------- SMTP ----

def _mail(subject="Hej", to="anna@example.se"):
    msg = EmailMessage()
    msg["From"] = "vaksam@example.se"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content("Ditt pass börjar kl 07:00.")
    msg.add_alternative("<p>Ditt pass börjar kl <b>07:00</b>.</p>", subtype="html")
    return msg


def test_smtp_captures_messages():
    with SmtpServer() as smtp:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
            client.send_message(_mail("Schema", "anna@example.se"))
            client.send_message(_mail("Byte", "bo@example.se"),
                                to_addrs=["bo@example.se", "cc@example.se"])
        msgs = smtp.wait_for(2, timeout=5)
        assert [m.subject for m in msgs] == ["Schema", "Byte"]
        assert msgs[0].mail_from == "vaksam@example.se"
        assert msgs[0].rcpt_tos == ["anna@example.se"]
        assert msgs[1].rcpt_tos == ["bo@example.se", "cc@example.se"]
        assert "börjar kl 07:00" in msgs[0].text()
        assert "<b>07:00</b>" in msgs[0].html()
        assert b"Subject: Schema" in msgs[0].data
        smtp.clear()
        assert smtp.messages == []
        with pytest.raises(TimeoutError):
            smtp.wait_for(1, timeout=0.2)


def test_smtp_fail_next_then_success():
    with SmtpServer() as smtp:
        smtp.fail_next(1, code=451, text="Try again later")
        with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
            with pytest.raises(smtplib.SMTPDataError) as exc:
                client.send_message(_mail("first"))
            assert exc.value.smtp_code == 451
            assert b"Try again later" in exc.value.smtp_error
            client.send_message(_mail("second"))
        assert [m.subject for m in smtp.wait_for(1)] == ["second"]

        smtp.fail_next(1, code=550, text="No such user", stage="RCPT")
        with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
            with pytest.raises(smtplib.SMTPRecipientsRefused) as exc:
                client.send_message(_mail("third"))
            assert exc.value.recipients["anna@example.se"][0] == 550
            client.send_message(_mail("fourth"))
        assert [m.subject for m in smtp.wait_for(2)] == ["second", "fourth"]


def test_smtp_auth():
    with SmtpServer(auth=("mailer", "pw")) as smtp:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
            with pytest.raises(smtplib.SMTPSenderRefused) as exc:
                client.send_message(_mail("anonymous"))
            assert exc.value.smtp_code == 530
        with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
            with pytest.raises(smtplib.SMTPAuthenticationError):
                client.login("mailer", "wrong")
            client.login("mailer", "pw")
            client.send_message(_mail("authed"))
        assert smtp.wait_for(1)[0].subject == "authed"
        # smtplib tries every offered mechanism (PLAIN, LOGIN) before giving up
        assert smtp.auth_attempts[-1] == ("mailer", True)
        assert all(not ok for _, ok in smtp.auth_attempts[:-1])
        assert len(smtp.auth_attempts) >= 2


def test_smtp_starttls(tmp_path):
    ca = make_test_ca(tmp_path)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(ca["cert"], ca["key"])
    with SmtpServer(tls_context=server_ctx, require_starttls=True) as smtp:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
            with pytest.raises(smtplib.SMTPException):
                client.send_message(_mail("plain"))  # 530 STARTTLS first
        with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
            client.starttls(context=ssl.create_default_context(cafile=ca["ca_cert"]))
            client.send_message(_mail("secure"))
        assert [m.subject for m in smtp.wait_for(1)] == ["secure"]


# ------------------------------------------------------------ Chromium ----

@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium not installed")
def test_chromium_headless_renders(tmp_path):
    args = chromium_launch_args()
    assert "--no-sandbox" in args and "--headless" in args
    page = tmp_path / "p.html"
    page.write_text("<html><body><script>document.body.append('rendered-'+(6*7))"
                    "</script></body></html>")
    out = subprocess.run([CHROMIUM, *args, f"--user-data-dir={tmp_path / 'profile'}",
                          "--dump-dom", page.as_uri()],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert out.returncode == 0, out.stderr.decode(errors="replace")[-2000:]
    assert "rendered-42" in out.stdout.decode()
