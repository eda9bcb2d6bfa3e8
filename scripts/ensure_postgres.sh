#!/usr/bin/env bash
# The tests run on SQLite and PostgreSQL: install Debian's PostgreSQL when its programs are
# missing (as root, from the package registry), so `make test` works on a fresh machine.
# The server itself is started by the tests (scripts/pg_server.py), never as a system service.
set -euo pipefail
if command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    exit 0
fi
if [ -n "${BOTUI_TEST_PG:-}" ]; then
    exit 0  # the tests use that server
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL is not installed: install it (Debian: apt-get install postgresql)," >&2
    echo "or set BOTUI_TEST_PG to a server URL, or BOTUI_TEST_ENGINES=sqlite" >&2
    exit 1
fi
echo "installing PostgreSQL (Debian's postgresql package) for the tests..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends postgresql >/dev/null
# Debian's package may start its own cluster; the tests use a private one on a socket.
