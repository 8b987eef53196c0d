#!/usr/bin/env bash
# Install the system packages the test suite needs (real slapd, PostgreSQL,
# Chromium, libical GI bindings, openssl) -- only what is missing -- and make
# sure no system slapd/PostgreSQL service is left running: the tests start
# their own throwaway instances on free 127.0.0.1 ports (tests/services.py).
#
# Idempotent; safe to run as root in CI with no stdin and no TTY.
# Usage: scripts/install-test-deps.sh   (as root, or with sudo available)
#   INSTALL_TEST_DEPS_FORCE=1  run apt-get even if everything looks installed
set -euo pipefail

# fonts-dejavu-core: the Unicode TTF embedded in follow-up PDFs (the app falls back to a core font without it).
# nodejs: runs the certified OpenID provider of the sign-in tests (tests/oidc, installed below with npm ci).
# dovecot-imapd: the organiser mailbox the calendar-reply tests read (tests/services.py Dovecot).
PACKAGES=(slapd ldap-utils postgresql chromium gir1.2-ical-3.0 python3-gi openssl fonts-dejavu-core nodejs dovecot-imapd)

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo -n)
    else
        echo "install-test-deps: must run as root (or with passwordless sudo)" >&2
        exit 1
    fi
fi
as_root() { "${SUDO[@]}" "$@"; }

missing=()
for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != "install ok installed" ] || [ "${INSTALL_TEST_DEPS_FORCE:-0}" = 1 ]; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-test-deps: all packages present (${PACKAGES[*]})"
else
    echo "install-test-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true

    # Keep maintainer scripts from starting services while we install
    # (postgresql would otherwise start its "main" cluster on :5432).
    # Only add a policy-rc.d if there is none, and only remove our own.
    POLICY=/usr/sbin/policy-rc.d
    created_policy=0
    if [ ! -e "$POLICY" ]; then
        printf '#!/bin/sh\n# temporary, from install-test-deps.sh\nexit 101\n' \
            | as_root tee "$POLICY" >/dev/null
        as_root chmod 755 "$POLICY"
        created_policy=1
    fi
    cleanup_policy() {
        if [ "$created_policy" -eq 1 ]; then
            as_root rm -f "$POLICY"
        fi
    }
    trap cleanup_policy EXIT

    # slapd: no questions, and no default database (we never use the system one).
    if printf '%s\n' "${missing[@]}" | grep -qx slapd; then
        if command -v debconf-set-selections >/dev/null 2>&1; then
            as_root debconf-set-selections <<'EOF'
slapd slapd/no_configuration boolean true
slapd slapd/domain string example.se
slapd shared/organization string Vaksam test
slapd slapd/password1 password unused-test-password
slapd slapd/password2 password unused-test-password
slapd slapd/move_old_database boolean true
slapd slapd/purge_database boolean false
EOF
        fi
    fi

    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --no-upgrade \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${missing[@]}" </dev/null

    cleanup_policy
    trap - EXIT
fi

# Make sure no system service is holding ports / files the tests might want.
# (No systemd here; `service` drives the init.d scripts.  Errors are fine:
# the service may simply not be running or not exist.)
stop_service() {
    local name=$1
    if command -v service >/dev/null 2>&1; then
        as_root service "$name" stop </dev/null >/dev/null 2>&1 || true
    fi
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        as_root systemctl stop "$name" </dev/null >/dev/null 2>&1 || true
    fi
}
# slapd: only if the packaged daemon's own pidfile names a live process, so the
# init script (start-stop-daemon) cannot touch the tests' own slapd instances.
SYS_SLAPD_PID=/run/slapd/slapd.pid
if [ -s "$SYS_SLAPD_PID" ] && kill -0 "$(cat "$SYS_SLAPD_PID")" 2>/dev/null; then
    stop_service slapd
fi
# dovecot: only the packaged instance (its own pidfile); the tests' instances have their own base_dir.
SYS_DOVECOT_PID=/run/dovecot/master.pid
if [ -s "$SYS_DOVECOT_PID" ] && kill -0 "$(cat "$SYS_DOVECOT_PID")" 2>/dev/null; then
    stop_service dovecot
fi
if [ -d /etc/postgresql ] && command -v pg_lsclusters >/dev/null 2>&1; then
    # stop only the packaged clusters (pg_ctlcluster), never our test clusters
    pg_lsclusters --no-header 2>/dev/null | while read -r ver cluster _port status _rest; do
        case "$status" in
            online*) as_root pg_ctlcluster "$ver" "$cluster" stop -m fast </dev/null || true ;;
        esac
    done
fi

# The OpenID provider for the sign-in tests (tests/oidc/package-lock.json): npm ci, again only when
# the lock file changed. Debian packages npm apart from nodejs (NodeSource's nodejs includes it).
OIDC_DIR="$(cd "$(dirname "$0")/.." && pwd)/tests/oidc"
if [ -f "$OIDC_DIR/package-lock.json" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm </dev/null
    fi
    lock_sum=$(sha256sum "$OIDC_DIR/package-lock.json" | cut -d' ' -f1)
    stamp="$OIDC_DIR/node_modules/.installed-lock-sha256"
    if [ "$(cat "$stamp" 2>/dev/null || true)" != "$lock_sum" ]; then
        echo "install-test-deps: npm ci in tests/oidc"
        (cd "$OIDC_DIR" && npm ci --no-audit --no-fund --loglevel=error)
        echo "$lock_sum" > "$stamp"
    fi
fi

# Sanity: the binaries tests/services.py expects.
fail=0
for bin in /usr/sbin/slapd /usr/sbin/slapadd /usr/bin/ldapadd /usr/bin/ldapwhoami \
           /usr/bin/chromium /usr/bin/openssl /usr/bin/node /usr/sbin/dovecot; do
    if [ ! -x "$bin" ]; then
        echo "install-test-deps: missing $bin" >&2
        fail=1
    fi
done
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "install-test-deps: missing /usr/lib/postgresql/*/bin/initdb" >&2
    fail=1
fi
if ! runuser -u postgres -- true 2>/dev/null && [ "$(id -u)" -eq 0 ]; then
    echo "install-test-deps: OS user 'postgres' missing" >&2
    fail=1
fi
exit "$fail"
