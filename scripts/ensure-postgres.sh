#!/usr/bin/env bash
# Makes sure the PostgreSQL the sink's integration tests use is there (run by Maven before those tests, and by
# .ci/run). With INGEST_TEST_PG_URL set, the tests use that server and this does nothing. Otherwise it starts the
# local cluster(s) when installed and stopped, or installs PostgreSQL with apt-get when absent (Debian, as root).
# It never fails the build by itself: if no server answers, the tests fail and say how to point them elsewhere.
set -uo pipefail
if [ -n "${INGEST_TEST_PG_URL:-}" ]; then
  exit 0
fi
if ! command -v pg_lsclusters >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-postgres: installing PostgreSQL with apt-get"
    if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; then
      # as on this project's machines: the postgres user over TCP from this host without a password
      for hba in /etc/postgresql/*/main/pg_hba.conf; do
        sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
      done
    else
      echo "ensure-postgres: could not install PostgreSQL"
    fi
  else
    echo "ensure-postgres: PostgreSQL is not installed; set INGEST_TEST_PG_URL to a server the tests may use"
    exit 0
  fi
fi
command -v pg_lsclusters >/dev/null 2>&1 || exit 0
pg_lsclusters --no-header 2>/dev/null | while read -r version cluster port status rest; do
  if [ "$status" != "online" ]; then
    echo "ensure-postgres: starting cluster $version/$cluster"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || echo "ensure-postgres: could not start it"
  fi
done
# the tests connect as postgres without a password over TCP (trust), as this project's machines are set up
exit 0
