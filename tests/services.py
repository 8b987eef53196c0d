"""Real-service helpers for the test suite: OpenLDAP (slapd), PostgreSQL, an
SMTP sink (aiosmtpd) and the Chromium launch settings.

Plain Python, no pytest fixtures: ``tests/conftest.py`` wraps these.

Every service binds to 127.0.0.1 on a free port, keeps its files in its own
temporary directory, runs as a child process in the foreground (or, for
PostgreSQL, under ``pg_ctl``) and is stopped by PID.  Nothing here touches the
system services (``service slapd`` / ``service postgresql``) or any network
other than loopback.

Quick use::

    with Slapd(unlimited_dn="uid=sync,ou=service,dc=example,dc=se",
               unlimited_password="syncpw") as ldap:
        ldap.load_ldif_offline(people_ldif(600, ldap.people_dn))
        conn = ldap.connection("uid=sync,ou=service,dc=example,dc=se", "syncpw")

    with Postgres() as pg:
        engine = sqlalchemy.create_engine(pg.url)

    with SmtpServer() as smtp:
        ...; smtp.wait_for(1)
"""

from __future__ import annotations

import atexit
import collections
import email
import email.policy
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "CHROMIUM",
    "CapturedMessage",
    "Dovecot",
    "Postgres",
    "ServiceError",
    "Slapd",
    "SmtpServer",
    "chromium_launch_args",
    "free_port",
    "make_test_ca",
    "people_ldif",
    "pid_alive",
    "wait_for_port",
]

LOCALHOST = "127.0.0.1"


class ServiceError(RuntimeError):
    """A test service could not be started or used."""


# --------------------------------------------------------------------------
# generic helpers
# --------------------------------------------------------------------------

def free_port(host: str = LOCALHOST) -> int:
    """Return a TCP port on ``host`` that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_open(port: int, host: str = LOCALHOST, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(port: int, host: str = LOCALHOST, timeout: float = 15.0,
                  proc: subprocess.Popen | None = None,
                  log: Path | None = None) -> None:
    """Wait until ``host:port`` accepts TCP connections.

    If ``proc`` is given and exits meanwhile, raise at once with the tail of
    ``log``.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise ServiceError(
                f"process {proc.args[0]!r} exited with {proc.returncode} before "
                f"port {port} opened{_log_tail(log)}")
        if port_open(port, host):
            return
        time.sleep(0.05)
    raise ServiceError(f"port {host}:{port} did not open within {timeout}s{_log_tail(log)}")


def _log_tail(log: Path | None, lines: int = 30) -> str:
    if not log:
        return ""
    try:
        text = Path(log).read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return ""
    return "\n--- " + str(log) + " ---\n" + "\n".join(text)


def _run(cmd: list[str], *, input: str | bytes | None = None, timeout: float = 600,
         env: dict | None = None, what: str = "") -> subprocess.CompletedProcess:
    if isinstance(input, str):
        input = input.encode()
    proc = subprocess.run(cmd, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, env=env)
    if proc.returncode != 0:
        raise ServiceError(
            f"{what or cmd[0]} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
            f"stdout: {proc.stdout.decode(errors='replace')[-3000:]}\n"
            f"stderr: {proc.stderr.decode(errors='replace')[-3000:]}")
    return proc


def _stop_process(proc: subprocess.Popen | None, timeout: float = 10.0) -> None:
    """terminate -> wait -> kill -> wait, by PID of our own child."""
    if proc is None or proc.poll() is not None:
        return
    try:
        proc.terminate()
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


# Everything started and not yet stopped is stopped at interpreter exit, so a
# crashed test session does not leave slapd/postgres running.
_LIVE: weakref.WeakSet[Any] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    for svc in list(_LIVE):
        try:
            svc.stop()
        except Exception:  # pragma: no cover - best effort at exit
            pass


class _Service:
    def start(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def stop(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


# --------------------------------------------------------------------------
# TLS: a throwaway CA
# --------------------------------------------------------------------------

def make_test_ca(tmpdir: str | os.PathLike, hostname: str = LOCALHOST,
                 name: str = "Vaksam Test CA") -> dict[str, str]:
    """Make a throwaway CA and a server certificate signed by it, with the
    ``openssl`` CLI.

    The server certificate has SAN ``IP:127.0.0.1, DNS:localhost`` (plus
    ``hostname`` if it is something else).  Returns a dict of paths:
    ``ca_cert``, ``ca_key``, ``cert``, ``key`` -- directly usable as
    ``Slapd(tls=...)``.  Each call makes a new, unrelated CA (so a second
    call gives you a "wrong CA" for negative tests).
    """
    d = Path(tmpdir)
    d.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = d / "ca.key", d / "ca.crt"
    key, csr, cert = d / "server.key", d / "server.csr", d / "server.crt"
    ext = d / "server.ext"
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _run(["openssl", "req", "-x509", *ec, "-keyout", str(ca_key), "-out", str(ca_cert),
          "-days", "3650", "-subj", f"/CN={name}",
          "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign"], what="openssl (CA)")
    _run(["openssl", "req", *ec, "-keyout", str(key), "-out", str(csr),
          "-subj", f"/CN={hostname}"], what="openssl (server CSR)")
    sans = ["IP:127.0.0.1", "DNS:localhost"]
    extra = f"IP:{hostname}" if _is_ip(hostname) else f"DNS:{hostname}"
    if extra not in sans:
        sans.append(extra)
    ext.write_text(
        "basicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        f"subjectAltName={','.join(sans)}\n")
    _run(["openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca_cert),
          "-CAkey", str(ca_key), "-set_serial", str(int(time.time() * 1000)),
          "-out", str(cert), "-days", "3650", "-extfile", str(ext)],
         what="openssl (sign server cert)")
    for p in (ca_key, key):
        os.chmod(p, 0o600)
    return {"ca_cert": str(ca_cert), "ca_key": str(ca_key), "cert": str(cert), "key": str(key)}


def _is_ip(s: str) -> bool:
    try:
        socket.inet_pton(socket.AF_INET, s)
        return True
    except OSError:
        try:
            socket.inet_pton(socket.AF_INET6, s)
            return True
        except OSError:
            return False


# --------------------------------------------------------------------------
# OpenLDAP
# --------------------------------------------------------------------------

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SCHEMA_DIR = "/etc/ldap/schema"
MODULE_DIR = "/usr/lib/ldap"


def people_ldif(count: int, parent_dn: str, *, start: int = 0,
                password: str | None = None, mail_domain: str = "example.se") -> str:
    """LDIF for ``count`` inetOrgPerson entries ``uid=user<NNNNN>,<parent_dn>``
    with cn/sn/givenName/mail/employeeNumber (and ``userPassword`` if given).
    Works with both :meth:`Slapd.add_ldif` and :meth:`Slapd.load_ldif_offline`.
    """
    out = []
    for i in range(start, start + count):
        uid = f"user{i:05d}"
        rec = (f"dn: uid={uid},{parent_dn}\n"
               "objectClass: inetOrgPerson\n"
               f"uid: {uid}\n"
               f"cn: Test Person {i}\n"
               f"sn: Person{i}\n"
               "givenName: Test\n"
               f"mail: {uid}@{mail_domain}\n"
               f"employeeNumber: {100000 + i}\n")
        if password is not None:
            rec += f"userPassword: {password}\n"
        out.append(rec)
    return "\n".join(out) + "\n"


class Slapd(_Service):
    """A throwaway OpenLDAP server (old-style slapd.conf, back_mdb).

    * ``suffix``/``admin_dn``/``admin_password``: the database suffix and its
      rootdn/rootpw (the rootdn bypasses all limits and ACLs).
    * ``size_limit``: ``sizelimit`` for everybody else (soft = hard), also
      the cap on the total of a paged search for ordinary users.
    * ``unlimited_dn``: a "sync" service account that may page past the size
      limit (``size.hard=unlimited size.prtotal=unlimited``).  By default a
      *non-paged* search by it is still cut at ``size_limit`` (like AD's
      MaxPageSize: the client has to page); pass
      ``unlimited_paged_only=False`` to lift that too.  If
      ``unlimited_password`` is given the account entry (and any missing
      ``ou=`` parents) is created with that cleartext ``userPassword``.
    * ``tls``: dict with ``cert``, ``key`` and ``ca_cert`` paths (see
      :func:`make_test_ca`): StartTLS on the ldap:// port and an extra
      ldaps:// port (``ldaps_port``/``ldaps_uri``).
    * ``bootstrap``: create the suffix entry and ``ou=people`` at first start.

    Access: anyone may bind (auth), authenticated users read everything but
    passwords, the root DSE and schema are world-readable.
    """

    def __init__(self, suffix: str = "dc=example,dc=se", admin_dn: str | None = None,
                 admin_password: str = "admin-secret", size_limit: int | str = 500,
                 tls: dict | None = None, *, unlimited_dn: str | None = None,
                 unlimited_password: str | None = None,
                 unlimited_paged_only: bool = True, bootstrap: bool = True,
                 port: int | None = None, debug_level: int = 0,
                 extra_config: str = "", workdir: str | None = None):
        self.suffix = suffix
        self.admin_dn = admin_dn or f"cn=admin,{suffix}"
        self.admin_password = admin_password
        self.size_limit = size_limit
        self.tls = dict(tls) if tls else None
        self.unlimited_dn = unlimited_dn
        self.unlimited_password = unlimited_password
        self.unlimited_paged_only = unlimited_paged_only
        self.bootstrap = bootstrap
        self.debug_level = debug_level
        self.extra_config = extra_config
        self.host = LOCALHOST
        self.port = port or free_port()
        self.ldaps_port = free_port() if self.tls else None
        self._own_tmp = workdir is None
        self.tmpdir = Path(workdir or tempfile.mkdtemp(prefix="vaksam-slapd-"))
        self.db_dir = self.tmpdir / "db"
        self.conf_path = self.tmpdir / "slapd.conf"
        self.log_path = self.tmpdir / "slapd.log"
        self.proc: subprocess.Popen | None = None
        self._initialised = False
        self._log_fh = None

    # -- addresses ---------------------------------------------------------
    @property
    def uri(self) -> str:
        return f"ldap://{self.host}:{self.port}/"

    @property
    def ldaps_uri(self) -> str | None:
        return f"ldaps://{self.host}:{self.ldaps_port}/" if self.ldaps_port else None

    @property
    def people_dn(self) -> str:
        return f"ou=people,{self.suffix}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # -- config ------------------------------------------------------------
    def config_text(self) -> str:
        d = self.tmpdir
        lines = [f"include {SCHEMA_DIR}/{s}.schema"
                 for s in ("core", "cosine", "inetorgperson", "nis")]
        lines += [
            f"pidfile {d}/slapd.pid",
            f"argsfile {d}/slapd.args",
            f"modulepath {MODULE_DIR}",
            "moduleload back_mdb",
            "loglevel none",
        ]
        if self.tls:
            lines += [
                f"TLSCACertificateFile {self.tls['ca_cert']}",
                f"TLSCertificateFile {self.tls['cert']}",
                f"TLSCertificateKeyFile {self.tls['key']}",
                "TLSVerifyClient never",
            ]
        # Access control (frontend; applies to every database, first match wins).
        lines += [
            'access to dn.base="" by * read',
            'access to dn.base="cn=Subschema" by * read',
            "access to attrs=userPassword",
            "    by self write",
            "    by anonymous auth",
            "    by * none",
            "access to *",
            "    by users read",
            "    by * none",
            "",
            "database mdb",
            "maxsize 1073741824",  # 1 GiB: plenty for ~60,000 entries
            f'suffix "{self.suffix}"',
            f'rootdn "{self.admin_dn}"',
            f"rootpw {self.admin_password}",
            f"directory {self.db_dir}",
            "dbnosync",  # tests: speed over durability
            "checkpoint 1024 5",
            f"sizelimit {self.size_limit}",
            "index objectClass eq",
            "index uid,mail,employeeNumber,entryUUID eq",
            "index modifyTimestamp eq",  # the incremental sync's (modifyTimestamp>=mark): see docs/directory.md
            "index cn,sn,givenName eq,sub",
        ]
        if self.unlimited_dn:
            soft = str(self.size_limit) if self.unlimited_paged_only else "unlimited"
            # Paged results use the *hard* limit, and the total of all pages
            # is capped by size.prtotal (default: = hard).  Both must be lifted.
            lines.append(
                f'limits dn.exact="{self.unlimited_dn}" size.soft={soft} '
                "size.hard=unlimited size.pr=unlimited size.prtotal=unlimited")
        if self.extra_config:
            lines.append(self.extra_config)
        return "\n".join(lines) + "\n"

    def base_ldif(self) -> str:
        """The entries created at first start when ``bootstrap`` is on."""
        first_rdn = self.suffix.split(",")[0]
        attr, _, value = first_rdn.partition("=")
        recs = []
        if attr.strip().lower() == "dc":
            recs.append(f"dn: {self.suffix}\nobjectClass: top\nobjectClass: dcObject\n"
                        f"objectClass: organization\ndc: {value}\no: {value}\n")
        elif attr.strip().lower() == "o":
            recs.append(f"dn: {self.suffix}\nobjectClass: organization\no: {value}\n")
        else:
            recs.append(f"dn: {self.suffix}\nobjectClass: organizationalUnit\nou: {value}\n")
        made = {self.suffix.lower()}
        recs.append(f"dn: {self.people_dn}\nobjectClass: organizationalUnit\nou: people\n")
        made.add(self.people_dn.lower())
        if self.unlimited_dn and self.unlimited_password is not None \
                and self.unlimited_dn.lower().endswith(self.suffix.lower()):
            rdns = [r.strip() for r in self.unlimited_dn.split(",")]
            nsuffix = len([r for r in self.suffix.split(",")])
            # missing ou= parents, top-down
            for k in range(len(rdns) - nsuffix - 1, 0, -1):
                dn = ",".join(rdns[k:])
                if dn.lower() in made:
                    continue
                a, _, v = rdns[k].partition("=")
                if a.lower() != "ou":
                    raise ServiceError(f"cannot create parent {dn!r} of unlimited_dn")
                recs.append(f"dn: {dn}\nobjectClass: organizationalUnit\nou: {v}\n")
                made.add(dn.lower())
            a, _, v = rdns[0].partition("=")
            a = a.lower()
            if a == "uid":
                recs.append(f"dn: {self.unlimited_dn}\nobjectClass: account\n"
                            f"objectClass: simpleSecurityObject\nuid: {v}\n"
                            f"userPassword: {self.unlimited_password}\n")
            elif a == "cn":
                recs.append(f"dn: {self.unlimited_dn}\nobjectClass: organizationalRole\n"
                            f"objectClass: simpleSecurityObject\ncn: {v}\n"
                            f"userPassword: {self.unlimited_password}\n")
            else:
                raise ServiceError("unlimited_dn must start with uid= or cn=")
        return "\n".join(recs)

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> Slapd:
        if self.running:
            return self
        first = not self._initialised
        try:
            if first:
                self.db_dir.mkdir(parents=True, exist_ok=True)
                self.conf_path.write_text(self.config_text())
                if self.bootstrap:
                    self._slapadd(self.base_ldif())
                self._initialised = True
            urls = self.uri + (" " + self.ldaps_uri if self.ldaps_uri else "")
            self._log_fh = open(self.log_path, "ab")
            self.proc = subprocess.Popen(
                [SLAPD, "-d", str(self.debug_level), "-f", str(self.conf_path), "-h", urls],
                stdin=subprocess.DEVNULL, stdout=self._log_fh, stderr=subprocess.STDOUT)
            _LIVE.add(self)
            wait_for_port(self.port, proc=self.proc, log=self.log_path)
            self._wait_bind()
        except BaseException:
            # first start: remove everything; a restart keeps the data
            self.stop(cleanup=first)
            raise
        return self

    def _wait_bind(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            r = subprocess.run(["ldapwhoami", "-x", "-H", self.uri, "-D", self.admin_dn,
                                "-w", self.admin_password],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=10)
            if r.returncode == 0:
                return
            last = r.stdout.decode(errors="replace")
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise ServiceError(f"slapd on {self.uri} does not accept the admin bind: {last}"
                           f"{_log_tail(self.log_path)}")

    def stop(self, cleanup: bool = True) -> None:
        """Graceful stop (SIGTERM, then SIGKILL after 10 s).

        ``cleanup=False`` keeps the database so :meth:`start` can bring the
        same server (same port, same data) back.  The default removes the
        temporary directory, after which the object cannot be restarted.
        """
        _stop_process(self.proc)
        self.proc = None
        if self._log_fh:
            self._log_fh.close()
            self._log_fh = None
        if cleanup:
            _LIVE.discard(self)
            if self._own_tmp:
                shutil.rmtree(self.tmpdir, ignore_errors=True)
                self._initialised = False

    def kill(self) -> None:
        """SIGKILL slapd, simulating a crashed server.  Data stays; ``start()``
        brings it back on the same port."""
        if self.running:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def restart(self) -> None:
        self.stop(cleanup=False)
        self.start()

    # -- data --------------------------------------------------------------
    def add_ldif(self, text: str, *, bind_dn: str | None = None,
                 password: str | None = None, continue_on_error: bool = False,
                 timeout: float = 900) -> None:
        """Add entries online with ``ldapadd`` (one connection, so it is
        reasonably fast: a few thousand entries per second).  The LDIF may
        use plain entry records or ``changetype:`` records."""
        cmd = ["ldapadd", "-x", "-H", self.uri, "-D", bind_dn or self.admin_dn,
               "-w", password if password is not None else self.admin_password]
        if continue_on_error:
            cmd.append("-c")
        _run(cmd, input=text, timeout=timeout, what="ldapadd")

    def modify_ldif(self, text: str, timeout: float = 900) -> None:
        """Apply ``changetype: modify/delete/modrdn`` records with ldapmodify."""
        _run(["ldapmodify", "-x", "-H", self.uri, "-D", self.admin_dn,
              "-w", self.admin_password], input=text, timeout=timeout, what="ldapmodify")

    def load_ldif_offline(self, text: str) -> None:
        """Bulk-load with ``slapadd -q`` (by far the fastest way to get tens of
        thousands of entries in): stops slapd if it runs, loads, starts it
        again on the same port.  Plain entry records only (no
        ``changetype:``); records for the bootstrap entries are skipped, so
        an LDIF that also contains the suffix entry is fine.  slapadd
        generates entryUUID/entryCSN/createTimestamp etc."""
        was_running = self.running
        if was_running:
            self.stop(cleanup=False)
        if not self._initialised:
            self.db_dir.mkdir(parents=True, exist_ok=True)
            self.conf_path.write_text(self.config_text())
            if self.bootstrap:
                self._slapadd(self.base_ldif())
            self._initialised = True
        if self.bootstrap:
            text = _drop_records(text, _ldif_dns(self.base_ldif()))
        self._slapadd(text)
        if was_running:
            self.start()

    def _slapadd(self, text: str) -> None:
        if not text.strip():
            return
        with tempfile.NamedTemporaryFile("w", suffix=".ldif", dir=self.tmpdir,
                                         delete=False) as f:
            f.write(text)
            path = f.name
        try:
            _run([SLAPADD, "-q", "-f", str(self.conf_path), "-b", self.suffix, "-l", path],
                 timeout=1800, what="slapadd")
        finally:
            os.unlink(path)

    # -- clients -----------------------------------------------------------
    def connection(self, bind_dn: str | None = None, password: str | None = None,
                   *, start_tls: bool = False, ca_file: str | None = None,
                   ldaps: bool = False, **conn_kwargs):
        """An ldap3 ``Connection``, bound (as admin unless told otherwise)."""
        import ssl

        import ldap3

        tls = None
        if start_tls or ldaps:
            tls = ldap3.Tls(validate=ssl.CERT_REQUIRED,
                            ca_certs_file=ca_file or (self.tls or {}).get("ca_cert"))
        server = ldap3.Server(self.host, port=self.ldaps_port if ldaps else self.port,
                              use_ssl=ldaps, tls=tls, get_info=ldap3.NONE, connect_timeout=5)
        conn = ldap3.Connection(server,
                                user=bind_dn if bind_dn is not None else self.admin_dn,
                                password=password if password is not None
                                else (self.admin_password if bind_dn is None else None),
                                receive_timeout=30, **conn_kwargs)
        conn.open()
        if start_tls:
            conn.start_tls()
        if not conn.bind():
            raise ServiceError(f"bind as {conn.user!r} failed: {conn.result}")
        return conn

    def __repr__(self) -> str:
        return f"<Slapd {self.uri} suffix={self.suffix!r} pid={self.pid}>"


def _ldif_records(text: str) -> list[str]:
    recs, cur = [], []
    for line in text.splitlines():
        if not recs and not cur and line.lower().startswith("version:"):
            continue
        if line.strip() == "" and not line.startswith(" "):
            if cur:
                recs.append("\n".join(cur))
                cur = []
        else:
            cur.append(line)
    if cur:
        recs.append("\n".join(cur))
    return recs


def _record_dn(rec: str) -> str | None:
    unfolded = rec.replace("\n ", "")
    for line in unfolded.splitlines():
        if line.lower().startswith("dn:") and not line.lower().startswith("dn::"):
            return ",".join(p.strip() for p in line[3:].strip().split(",")).lower()
    return None


def _ldif_dns(text: str) -> set[str]:
    return {dn for dn in map(_record_dn, _ldif_records(text)) if dn}


def _drop_records(text: str, dns: set[str]) -> str:
    keep = [r for r in _ldif_records(text) if _record_dn(r) not in dns]
    return "\n\n".join(keep) + "\n"


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------

def find_pg_bindir() -> str:
    """Newest ``/usr/lib/postgresql/<ver>/bin`` with an ``initdb``."""
    env = os.environ.get("PG_BINDIR")
    if env:
        return env
    cands = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not cands:
        raise ServiceError("PostgreSQL server binaries not found under /usr/lib/postgresql "
                           "(run scripts/install-test-deps.sh)")
    cands.sort(key=lambda p: float(p.split("/")[4]) if p.split("/")[4].replace(".", "").isdigit()
               else 0)
    return os.path.dirname(cands[-1])


class Postgres(_Service):
    """A throwaway PostgreSQL cluster on 127.0.0.1.

    ``initdb`` runs as the ``postgres`` OS user when we are root.  Local
    (unix socket) connections are ``trust`` (used internally as the
    ``postgres`` superuser); TCP connections on 127.0.0.1 need the password
    (scram-sha-256), so a wrong password really fails.

    Attributes: ``url`` (SQLAlchemy, psycopg 3 driver), ``dsn`` (libpq
    keyword string for psycopg), ``host``, ``port``, ``user``, ``password``,
    ``dbname``, ``data_dir``, ``socket_dir``, ``log_path``.
    """

    def __init__(self, user: str = "vaksam", password: str = "vaksam-pw",
                 dbname: str = "vaksam", *, port: int | None = None,
                 settings: dict[str, str] | None = None):
        self.user = user
        self.password = password
        self.dbname = dbname
        self.host = LOCALHOST
        self.port = port or free_port()
        self.settings = {"fsync": "off", "synchronous_commit": "off",
                         "full_page_writes": "off", "max_connections": "100",
                         "shared_buffers": "128MB"}
        self.settings.update(settings or {})
        self.bindir: str | None = None
        self.tmpdir: Path | None = None
        self.data_dir: Path | None = None
        self.socket_dir: Path | None = None
        self.log_path: Path | None = None
        self._started = False

    # -- helpers -----------------------------------------------------------
    def _as_pg(self, cmd: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *cmd]
        return cmd

    def _bin(self, name: str) -> str:
        return os.path.join(self.bindir, name)

    def url_for(self, dbname: str, user: str | None = None,
                password: str | None = None) -> str:
        from urllib.parse import quote
        u = user or self.user
        p = password if password is not None else self.password
        return (f"postgresql+psycopg://{quote(u, safe='')}:{quote(p, safe='')}"
                f"@{self.host}:{self.port}/{dbname}")

    @property
    def url(self) -> str:
        return self.url_for(self.dbname)

    @property
    def dsn(self) -> str:
        return (f"host={self.host} port={self.port} dbname={self.dbname} "
                f"user={self.user} password={self.password}")

    @property
    def running(self) -> bool:
        return self._started and self.postmaster_pid() is not None

    def postmaster_pid(self) -> int | None:
        """PID of the running postmaster (from ``postmaster.pid``), or None."""
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError, TypeError):
            return None
        return pid if pid_alive(pid) else None

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> Postgres:
        if self._started:
            return self
        self.bindir = find_pg_bindir()
        self.tmpdir = Path(tempfile.mkdtemp(prefix="vaksam-pg-"))
        self.data_dir = self.tmpdir / "data"
        self.socket_dir = self.tmpdir
        self.log_path = self.tmpdir / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.tmpdir, "postgres", "postgres")
        try:
            _run(self._as_pg([self._bin("initdb"), "-D", str(self.data_dir), "-U", "postgres",
                              "--auth-local=trust", "--auth-host=scram-sha-256",
                              "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
                              "--no-instructions"]),
                 timeout=120, what="initdb")
            opts = [f"-p {self.port}", f"-k {self.socket_dir}",
                    f"-c listen_addresses={self.host}"]
            opts += [f"-c {k}={v}" for k, v in self.settings.items()]
            _run(self._as_pg([self._bin("pg_ctl"), "-D", str(self.data_dir),
                              "-l", str(self.log_path), "-o", " ".join(opts),
                              "-w", "-t", "60", "start"]),
                 timeout=90, what="pg_ctl start")
            self._started = True
            _LIVE.add(self)
            wait_for_port(self.port, log=self.log_path)
            self._admin_sql(f'CREATE ROLE "{self.user}" LOGIN CREATEDB PASSWORD '
                            f"{_sql_literal(self.password)}")
            self._admin_sql(f'CREATE DATABASE "{self.dbname}" OWNER "{self.user}"')
        except BaseException as e:
            msg = _log_tail(self.log_path)
            self.stop()
            if isinstance(e, ServiceError) and msg:
                raise ServiceError(str(e) + msg) from e
            raise
        return self

    def _admin_sql(self, sql: str, dbname: str = "postgres") -> list[tuple]:
        """Run SQL as the ``postgres`` superuser over the unix socket."""
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), port=self.port, user="postgres",
                             dbname=dbname, autocommit=True, connect_timeout=10) as conn:
            cur = conn.execute(sql)
            return cur.fetchall() if cur.description else []

    def sql(self, sql: str, dbname: str | None = None) -> list[tuple]:
        """Run one statement as superuser (autocommit); returns rows."""
        return self._admin_sql(sql, dbname or self.dbname)

    def create_database(self, name: str, owner: str | None = None) -> str:
        """Create database ``name`` (owned by ``user``); return its URL."""
        self._admin_sql(f'CREATE DATABASE "{name}" OWNER "{owner or self.user}"')
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        self._admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """``pg_ctl stop -m immediate``; falls back to SIGKILL of the
        postmaster PID from ``postmaster.pid``; removes the cluster."""
        if self.data_dir is not None and self.data_dir.exists():
            pid = self.postmaster_pid()
            if pid is not None:
                try:
                    subprocess.run(self._as_pg([self._bin("pg_ctl"), "-D", str(self.data_dir),
                                                "-m", "immediate", "-w", "-t", "20", "stop"]),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   timeout=30)
                except subprocess.TimeoutExpired:
                    pass
                if not _wait_dead(pid, 10):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    _wait_dead(pid, 10)
        self._started = False
        _LIVE.discard(self)
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    def __repr__(self) -> str:
        return f"<Postgres {self.host}:{self.port} db={self.dbname}>"


def pid_alive(pid: int) -> bool:
    """True if ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def _wait_dead(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return not pid_alive(pid)


def _sql_literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


# --------------------------------------------------------------------------
# SMTP sink
# --------------------------------------------------------------------------

@dataclass
class CapturedMessage:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    message: email.message.EmailMessage
    peer: Any = None
    received_at: float = field(default_factory=time.time)

    @property
    def subject(self) -> str | None:
        return self.message["Subject"]

    @property
    def to(self) -> str | None:
        return self.message["To"]

    def text(self) -> str:
        """The text/plain body (or the whole body if not multipart)."""
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    def html(self) -> str | None:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else None

    def attachments(self) -> list:
        return list(self.message.iter_attachments())


class _CaptureHandler:
    def __init__(self, owner: SmtpServer):
        self.owner = owner

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.owner.auth is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        err = self.owner._take_failure("MAIL")
        if err:
            return err
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        err = self.owner._take_failure("RCPT")
        if err:
            return err
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        delay = self.owner.data_delay
        if delay:
            import asyncio

            await asyncio.sleep(delay)
        err = self.owner._take_failure("DATA")
        if err:
            return err
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.owner._record(CapturedMessage(mail_from=envelope.mail_from,
                                           rcpt_tos=list(envelope.rcpt_tos), data=raw,
                                           message=msg, peer=session.peer))
        return "250 Message accepted for delivery"


def _Controller(owner: SmtpServer, handler, **kwargs):
    """An aiosmtpd Controller whose sessions honour the owner's ``busy`` and
    ``greeting_delay`` (checked for every new connection)."""
    import asyncio

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    class _Session(SMTP):
        async def _handle_client(self):
            if owner.greeting_delay:
                await asyncio.sleep(owner.greeting_delay)
            if owner.busy:
                await self.push("421 4.3.2 Service not available, closing transmission channel")
                if self.transport is not None:
                    self.transport.close()
                return
            await super()._handle_client()

    class _Ctl(Controller):
        def factory(self):
            return _Session(self.handler, **self.SMTP_kwargs)

    return _Ctl(handler, **kwargs)


class SmtpServer(_Service):
    """An aiosmtpd SMTP sink on 127.0.0.1 that keeps every message.

    * ``messages``: snapshot list of :class:`CapturedMessage`;
      ``clear()``; ``wait_for(n, timeout)``.
    * ``fail_next(n, code=451, text=..., stage="DATA")``: the next ``n``
      commands of that stage (``"MAIL"``, ``"RCPT"`` or ``"DATA"``) get
      ``code text`` (4xx: temporary, 5xx: permanent).
    * ``auth=(user, password)``: offer AUTH PLAIN/LOGIN (allowed without TLS)
      and require it.
    * ``busy = True``: every new connection is greeted with ``421`` and closed
      (a server that refuses service); ``greeting_delay = s``: the greeting
      comes after ``s`` seconds (a slow or hung server); ``data_delay = s``:
      the reply to each message's content comes after ``s`` seconds.
    * ``tls_context``: an ``ssl.SSLContext`` for STARTTLS (optional).
    """

    def __init__(self, *, port: int | None = None, auth: tuple[str, str] | None = None,
                 tls_context=None, require_starttls: bool = False):
        self.host = LOCALHOST
        self.port = port or free_port()
        self.auth = auth
        self.tls_context = tls_context
        self.require_starttls = require_starttls
        self.controller = None
        self._cond = threading.Condition()
        self._messages: list[CapturedMessage] = []
        self._failures: dict[str, collections.deque] = {
            "MAIL": collections.deque(), "RCPT": collections.deque(),
            "DATA": collections.deque()}
        self.auth_attempts: list[tuple[str, bool]] = []
        self.busy = False
        self.greeting_delay = 0.0
        self.data_delay = 0.0

    def start(self) -> SmtpServer:
        if self.controller is not None:
            return self
        kwargs: dict[str, Any] = {"ready_timeout": 10, "enable_SMTPUTF8": True,
                                  "decode_data": False}
        if self.tls_context is not None:
            kwargs.update(tls_context=self.tls_context,
                          require_starttls=self.require_starttls)
        if self.auth is not None:
            # AUTH is offered without TLS; "required" is enforced in handle_MAIL
            # (aiosmtpd's own auth_required=True warns when TLS is not required).
            kwargs.update(authenticator=self._authenticate, auth_require_tls=False)
        self.controller = _Controller(self, _CaptureHandler(self), hostname=self.host,
                                      port=self.port, **kwargs)
        self.controller.start()
        _LIVE.add(self)
        return self

    def stop(self) -> None:
        if self.controller is not None:
            try:
                self.controller.stop()
            finally:
                self.controller = None
                _LIVE.discard(self)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = False
        login = None
        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode("utf-8", "replace")
            ok = (login == self.auth[0]
                  and auth_data.password.decode("utf-8", "replace") == self.auth[1])
        self.auth_attempts.append((login or "", ok))
        return AuthResult(success=ok, handled=False)

    # -- capture -----------------------------------------------------------
    def _record(self, msg: CapturedMessage) -> None:
        with self._cond:
            self._messages.append(msg)
            self._cond.notify_all()

    @property
    def messages(self) -> list[CapturedMessage]:
        with self._cond:
            return list(self._messages)

    def clear(self) -> None:
        with self._cond:
            self._messages.clear()
            for q in self._failures.values():
                q.clear()
        self.busy, self.greeting_delay, self.data_delay = False, 0.0, 0.0

    def wait_for(self, n: int = 1, timeout: float = 10.0) -> list[CapturedMessage]:
        """Block until at least ``n`` messages arrived; return them all.
        Raises ``TimeoutError`` (with what did arrive) otherwise."""
        with self._cond:
            ok = self._cond.wait_for(lambda: len(self._messages) >= n, timeout=timeout)
            if not ok:
                raise TimeoutError(f"expected {n} message(s) within {timeout}s, got "
                                   f"{len(self._messages)}: "
                                   f"{[m.subject for m in self._messages]}")
            return list(self._messages)

    # -- failure injection -------------------------------------------------
    def fail_next(self, n: int = 1, code: int = 451, text: str = "Try again later",
                  stage: str = "DATA") -> None:
        stage = stage.upper()
        if stage not in self._failures:
            raise ValueError("stage must be MAIL, RCPT or DATA")
        with self._cond:
            for _ in range(n):
                self._failures[stage].append(f"{code} {text}")

    def _take_failure(self, stage: str) -> str | None:
        with self._cond:
            q = self._failures[stage]
            return q.popleft() if q else None

    def __repr__(self) -> str:
        return f"<SmtpServer {self.host}:{self.port} messages={len(self._messages)}>"


# --------------------------------------------------------------------------
# Chromium
# --------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"


def chromium_launch_args() -> list[str]:
    """Arguments for Debian's Chromium under Playwright
    (``chromium.launch(executable_path=CHROMIUM, args=chromium_launch_args())``):
    headless, no sandbox (we run as root), and no background traffic."""
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"]


# --------------------------------------------------------------------------
# Dovecot (IMAP)
# --------------------------------------------------------------------------

DOVECOT = "/usr/sbin/dovecot"


class Dovecot(_Service):
    """Debian's dovecot-imapd on 127.0.0.1 from a temporary config: one static password for
    any user, maildirs under the temporary directory, "/" as the hierarchy separator.

    ``tls``: a dict from :func:`make_test_ca`; then the listener speaks implicit TLS
    (``ssl = required``), else plain IMAP (``ssl = no``). ``append(raw, folder)`` puts a
    message in a mailbox the way a mail client's "send" would have delivered it.
    """

    def __init__(self, *, user: str = "organiser@region.example", password: str = "imap-test-pw",
                 tls: dict | None = None):
        self.user, self.password, self.tls = user, password, tls
        self.host, self.port = LOCALHOST, free_port()
        self.dir: Path | None = None
        self.proc: subprocess.Popen | None = None

    def config_text(self) -> str:
        d = self.dir
        ssl = (f"ssl = required\nssl_cert = <{self.tls['cert']}\nssl_key = <{self.tls['key']}\n"
               if self.tls else "ssl = no\n")
        return f"""protocols = imap
listen = {self.host}
base_dir = {d}/run
state_dir = {d}/state
instance_name = vaksam-test-{self.port}
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
first_valid_uid = 1
first_valid_gid = 1
disable_plaintext_auth = no
auth_mechanisms = plain login
{ssl}mail_location = maildir:{d}/mail/%u
mail_uid = dovecot
mail_gid = dovecot
passdb {{
  driver = static
  args = password={self.password}
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={d}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    port = {0 if self.tls else self.port}
  }}
  inet_listener imaps {{
    port = {self.port if self.tls else 0}
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""

    def start(self) -> Dovecot:
        if self.proc is not None:
            return self
        # The mail processes run as the dovecot user, who must be able to reach the maildirs.
        self.dir = Path(tempfile.mkdtemp(prefix="vaksam-dovecot-"))
        os.chmod(self.dir, 0o755)
        for sub in ("run", "state", "mail"):
            (self.dir / sub).mkdir()
        shutil.chown(self.dir / "mail", "dovecot", "dovecot")
        conf = self.dir / "dovecot.conf"
        conf.write_text(self.config_text())
        log = self.dir / "dovecot.log"
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stdout=open(log, "ab"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        _LIVE.add(self)
        wait_for_port(self.port, proc=self.proc, log=log)
        return self

    def stop(self) -> None:
        _stop_process(self.proc)
        self.proc = None
        _LIVE.discard(self)
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def client(self):
        """A logged-in imaplib client (the tests' own view of the mailbox)."""
        import imaplib
        import ssl as ssl_module

        if self.tls:
            ctx = ssl_module.create_default_context(cafile=self.tls["ca_cert"])
            conn = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=ctx)
        else:
            conn = imaplib.IMAP4(self.host, self.port)
        conn.login(self.user, self.password)
        return conn

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        conn = self.client()
        try:
            conn.create(folder)  # NO if it exists; fine
            status, data = conn.append(folder, "", None, raw)
            if status != "OK":
                raise ServiceError(f"APPEND failed: {data!r}")
        finally:
            conn.logout()

    def messages(self, folder: str = "INBOX") -> list[bytes]:
        """Every message in the folder (raw), in UID order; [] if the folder does not exist."""
        conn = self.client()
        try:
            status, _ = conn.select(folder, readonly=True)
            if status != "OK":
                return []
            _, data = conn.uid("SEARCH", None, "ALL")
            uids = data[0].split()
            out = []
            for uid in uids:
                _, fetched = conn.uid("FETCH", uid, "(BODY.PEEK[])")
                out.append(fetched[0][1])
            return out
        finally:
            conn.logout()

    def __repr__(self) -> str:
        return f"<Dovecot {self.host}:{self.port} tls={bool(self.tls)}>"
