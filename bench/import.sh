#!/usr/bin/env bash
# Veto's import benchmark, on SQLite and PostgreSQL:
#   1. suppression migration: a 10,000,000-row SendGrid "global unsubscribes" export through
#      `veto import suppressions` (target: under 60 s);
#   2. lead import: a 1,000,000-row lead CSV through `veto import leads` against those
#      10,000,000 suppressions — rows/s end to end and the server's peak memory — against the
#      peer measured in the same run: PostgreSQL `COPY` of the same file into a table plus the
#      join against an indexed, normalised 10M table that finds the blocked rows;
#   3. memory does not grow with the file: the same import of a quarter of the file, and the
#      server's peak RSS of both runs.
#
#   bash bench/import.sh                                   # 10M suppressions / 1M leads
#   BENCH_SUPPRESSED=1000000 BENCH_CANDIDATES=100000 bash bench/import.sh   # quick run
#   BENCH_STORES=sqlite bash bench/import.sh
#   BENCH_BIN=/path/to/other/build BENCH_SKIP_BUILD=1 bash bench/import.sh   # another build
#
# Address verification's DNS check is switched off for the measured tenant (the peer resolves
# nothing either; the generated domains do not exist); syntax, role and disposable checks run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SUPPRESSED=${BENCH_SUPPRESSED:-10000000}
CANDIDATES=${BENCH_CANDIDATES:-1000000}
DOMAINS=${BENCH_DOMAINS:-50000}
SEED=${BENCH_SEED:-42}
STORES=${BENCH_STORES:-sqlite,postgres}
PORT=${BENCH_PORT:-18090}
PG_URL_BASE=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
PG_DB=${BENCH_PG_DB:-veto_import_bench}
SKIP_BUILD=${BENCH_SKIP_BUILD:-0}
DATA=${BENCH_DATA:-$ROOT/bench-data}
SET=$DATA/s$SUPPRESSED-c$CANDIDATES-d$DOMAINS-seed$SEED
BIN=${BENCH_BIN:-$ROOT/target/release}
URL=http://127.0.0.1:$PORT
RUN=${BENCH_RUN:-$DATA/import-run-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$RUN"
RESULTS=$RUN/results.txt

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
result() { echo "$*" | tee -a "$RESULTS"; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
reset_hwm() { echo 5 > "/proc/$1/clear_refs" 2>/dev/null || true; }

command -v psql >/dev/null || die "psql is needed (PostgreSQL client)"
if [ "$SKIP_BUILD" != 1 ]; then
  log "building (release)"
  cargo build --release --locked -p veto -p veto-bench >&2
fi

# ---------------------------------------------------------------- data
if [ ! -s "$SET/suppressed.txt" ]; then
  log "generating $SET"
  "$BIN/veto-bench" generate --out "$SET" --suppressed "$SUPPRESSED" --candidates "$CANDIDATES" \
    --domains "$DOMAINS" --seed "$SEED" >&2
fi
# The migration file: SendGrid's global unsubscribes export (email, created as Unix seconds).
MIGRATION=$SET/sendgrid-global-unsubscribes.csv
if [ ! -s "$MIGRATION" ]; then
  log "writing $MIGRATION"
  awk 'BEGIN { print "email,created" } { printf "%s,%d\n", $0, 1577836800 + NR }' "$SET/suppressed.txt" > "$MIGRATION"
fi
# The lead file: the candidates (5% suppressed, ~30% with case/space noise, 0.1% invalid) with
# the columns a CRM export has.
LEADS=$SET/leads.csv
if [ ! -s "$LEADS" ]; then
  log "writing $LEADS"
  python3 - "$SET/candidates.csv" "$LEADS" <<'EOF'
import csv, sys
src, dst = sys.argv[1], sys.argv[2]
with open(src, newline='') as f, open(dst, 'w', newline='') as out:
    r = csv.reader(f)
    next(r)
    w = csv.writer(out, lineterminator='\r\n')
    w.writerow(["Email Address", "First Name", "Last Name", "Company", "Phone", "Lead Owner", "Lead Source", "Record ID"])
    for i, row in enumerate(r):
        email = row[0] if row else ""
        local, _, domain = email.strip().partition("@")
        first, _, last = local.partition(".")
        company = domain.split(".")[0].title() if domain else ""
        w.writerow([email, first.title(), last.rstrip("0123456789").title(), company, "",
                    f"rep{i % 37}@vendor.example", "webinar-2026", f"0035{i:011d}"])
EOF
fi
LEADS_QUARTER=$SET/leads-quarter.csv
if [ ! -s "$LEADS_QUARTER" ]; then
  head -n $(( CANDIDATES / 4 + 1 )) "$LEADS" > "$LEADS_QUARTER"
fi
result "data: $SUPPRESSED suppressions ($(du -h "$MIGRATION" | cut -f1)), $CANDIDATES leads ($(du -h "$LEADS" | cut -f1)), run $RUN"

# ---------------------------------------------------------------- peer (PostgreSQL)
peer() {
  log "peer: PostgreSQL COPY + join against an indexed, normalised $SUPPRESSED table"
  psql "$PG_URL_BASE/postgres" -qc "DROP DATABASE IF EXISTS ${PG_DB}_peer" >/dev/null
  psql "$PG_URL_BASE/postgres" -qc "CREATE DATABASE ${PG_DB}_peer" >/dev/null
  local db="$PG_URL_BASE/${PG_DB}_peer"
  # Setup (not timed): the normalised, indexed suppression table.
  psql "$db" -q <<EOF >/dev/null
CREATE UNLOGGED TABLE raw (email text);
\copy raw FROM '$SET/suppressed.txt'
CREATE TABLE suppressed AS SELECT lower(btrim(email)) AS email FROM raw;
CREATE UNIQUE INDEX ON suppressed (email);
DROP TABLE raw;
VACUUM ANALYZE suppressed;
EOF
  local t0 t1 blocked
  t0=$(now)
  blocked=$(psql "$db" -qAt <<EOF
CREATE TABLE leads (email text, first_name text, last_name text, company text, phone text, owner text, source text, record_id text);
\copy leads FROM '$LEADS' WITH (FORMAT csv, HEADER true)
SELECT count(*) FROM leads l JOIN suppressed s ON s.email = lower(btrim(l.email));
EOF
)
  t1=$(now)
  PEER_S=$(elapsed "$t0" "$t1")
  result "peer: COPY + join: ${PEER_S} s, blocked rows found: $blocked"
}

# ---------------------------------------------------------------- Veto
SERVER_PID=
stop_server() { if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; fi; }
trap stop_server EXIT

start_server() {
  local db=$1 name=$2
  "$BIN/veto" serve --db "$db" --listen "127.0.0.1:$PORT" --no-snapshot > "$RUN/serve-$name.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    curl -fs "$URL/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$RUN/serve-$name.log" >&2; die "veto serve exited"; }
    sleep 0.2
  done
  die "veto serve not ready"
}

# Runs a veto import command; prints "<seconds> <rows>" and saves its JSON.
timed_import() {
  local out=$1
  shift
  local t0 t1
  t0=$(now)
  VETO_SERVER=$URL "$BIN/veto" --json "$@" > "$out" || true
  t1=$(now)
  echo "$(elapsed "$t0" "$t1")"
}

bench_store() {
  local store=$1 db
  case $store in
    sqlite) rm -rf "$RUN/sqlite"; mkdir -p "$RUN/sqlite"; db="sqlite://$RUN/sqlite/veto.db" ;;
    postgres)
      psql "$PG_URL_BASE/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
      psql "$PG_URL_BASE/postgres" -qc "CREATE DATABASE $PG_DB" >/dev/null
      db="$PG_URL_BASE/$PG_DB" ;;
    *) die "unknown store $store" ;;
  esac
  "$BIN/veto" migrate --db "$db" >/dev/null
  KEY=$("$BIN/veto" tenant create --db "$db" bench --admin-email bench@example.com --json \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
  start_server "$db" "$store"
  curl -fs -X PUT "$URL/v1/policy" -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \
    -d '{"verify": {"mail_domain": false, "role_account": true, "disposable": true}}' >/dev/null
  export VETO_API_KEY=$KEY

  log "$store: migration of $SUPPRESSED suppressions"
  reset_hwm "$SERVER_PID"
  local s; s=$(timed_import "$RUN/$store-migration.json" import suppressions "$MIGRATION" --format sendgrid-global-unsubscribes)
  local added; added=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"]["suppressions_added"])' "$RUN/$store-migration.json" 2>/dev/null || echo "failed")
  result "$store: migration: ${s} s for $SUPPRESSED rows ($(awk -v n="$SUPPRESSED" -v s="$s" 'BEGIN { printf "%.0f", n / s }') rows/s), added $added, server peak RSS $(( $(status_kb "$SERVER_PID" VmHWM) / 1024 )) MiB"

  # The index must hold the migrated entries before leads are matched: one check waits for it.
  curl -fs "$URL/v1/check?email=probe@example.com" -H "Authorization: Bearer $KEY" >/dev/null

  # The whole file first (rows are new contacts), then its first quarter again (a re-import:
  # updates), to compare peak memory across file sizes.
  for file in "$LEADS" "$LEADS_QUARTER"; do
    local rows; rows=$(( $(wc -l < "$file") - 1 ))
    log "$store: lead import of $rows rows"
    reset_hwm "$SERVER_PID"
    local before; before=$(status_kb "$SERVER_PID" VmRSS)
    s=$(timed_import "$RUN/$store-leads-$rows.json" import leads "$file")
    local peak; peak=$(status_kb "$SERVER_PID" VmHWM)
    local counts; counts=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["counts"]; print(" ".join(f"{k}={c[k]}" for k in ("created","updated","blocked","duplicate_in_file","invalid")))' "$RUN/$store-leads-$rows.json" 2>/dev/null || echo "failed")
    result "$store: leads $rows: ${s} s ($(awk -v n="$rows" -v s="$s" 'BEGIN { printf "%.0f", n / s }') rows/s), server RSS before $(( before / 1024 )) MiB, peak $(( peak / 1024 )) MiB; $counts"
    if [ "$file" = "$LEADS" ] && [ -n "${PEER_S:-}" ]; then
      result "$store: peer / veto = $(awk -v p="$PEER_S" -v s="$s" 'BEGIN { printf "%.2f", p / s }') (>= 1.00 meets the target)"
    fi
  done
  stop_server
}

peer
for store in ${STORES//,/ }; do
  bench_store "$store"
done
log "results in $RESULTS"
cat "$RESULTS"
