#!/usr/bin/env bash
# Veto's benchmark: seeded workload, bulk load, start-up, batch checks (CLI and raw HTTP),
# single checks with wrk, server memory — on SQLite and PostgreSQL — against DuckDB as the
# peer measured in the same run. See bench/README.md.
#
#   bash bench/check.sh                                          # 10M suppressed / 1M candidates
#   BENCH_SUPPRESSED=1000000 BENCH_CANDIDATES=100000 bash bench/check.sh   # quick run
#   BENCH_STORES=sqlite bash bench/check.sh                      # SQLite only
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SUPPRESSED=${BENCH_SUPPRESSED:-10000000}
CANDIDATES=${BENCH_CANDIDATES:-1000000}
DOMAINS=${BENCH_DOMAINS:-50000}
SEED=${BENCH_SEED:-42}
BLOCKED_SHARE=${BENCH_BLOCKED_SHARE:-0.05}
STORES=${BENCH_STORES:-sqlite,postgres}
PORT=${BENCH_PORT:-18080}
REPEAT=${BENCH_REPEAT:-3}
WRK_THREADS=${BENCH_WRK_THREADS:-1}
WRK_CONNECTIONS=${BENCH_WRK_CONNECTIONS:-64}
WRK_DURATION=${BENCH_WRK_DURATION:-30s}
WRK_WARMUP=${BENCH_WRK_WARMUP:-5s}
CHUNK=${BENCH_CHUNK:-50000}
PG_HOST=${BENCH_PG_HOST:-127.0.0.1}
PG_PORT=${BENCH_PG_PORT:-5432}
PG_USER=${BENCH_PG_USER:-postgres}
PG_DB=${BENCH_PG_DB:-veto_bench}
# 1: keep a store loaded by an earlier run with the same sizes (the load is then not measured).
REUSE_DB=${BENCH_REUSE_DB:-0}
# On a shared machine: before each measured phase, wait up to this many seconds for the rest of
# the machine to use less than BENCH_QUIET_CORES cores (0: do not wait).
QUIET_WAIT=${BENCH_QUIET_WAIT:-180}
QUIET_CORES=${BENCH_QUIET_CORES:-0.3}
SKIP_BUILD=${BENCH_SKIP_BUILD:-0}

DATA=${BENCH_DATA:-$ROOT/bench-data}
SET=$DATA/s$SUPPRESSED-c$CANDIDATES-d$DOMAINS-seed$SEED
BIN=$ROOT/target/release
URL=http://127.0.0.1:$PORT

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
older_than() { awk -v a="$1" -v b="$2" -v s="$3" 'BEGIN { exit !(b - a > s) }'; }
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }
maxof() { printf '%s\n' "$@" | sort -g | tail -1; }
# Runs a command under /usr/bin/time and appends "<wall s> <max RSS kB> <user s> <sys s>" to
# FILE, the wall time taken to the millisecond around it (time's own %e has 10 ms steps).
# Returns the command's exit status.
timed() {
  local file=$1 t0 t1 rc
  shift
  t0=$(now)
  /usr/bin/time -o "$file" -f '%M %U %S' "$@" && rc=0 || rc=$?
  t1=$(now)
  echo "$(elapsed "$t0" "$t1") $(tail -1 "$file")" >> "$file"
  return "$rc"
}
# Field N of the last line of FILE.
field() { tail -1 "$1" | cut -d' ' -f"$2"; }
time_wall() { field "$1" 1; }
time_rss() { field "$1" 2; }
TICK=$(getconf CLK_TCK)
# CPU time used by the whole machine (all cores) and by one process, in clock ticks.
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
# CPU ticks of every PostgreSQL server process (0 when none runs here).
pg_ticks() { local p t=0; for p in $(pgrep -x postgres 2>/dev/null); do t=$((t + $(proc_ticks "$p"))); done; echo "$t"; }
proc_ticks() { if [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ]; then awk '{ print $14 + $15 }' "/proc/$1/stat"; else echo 0; fi; }
# Waits (up to QUIET_WAIT s) until everything but veto serve uses less than QUIET_CORES cores over
# 2 s; appends <phase>_quiet_wait_s and <phase>_others_cores (at the start of the phase) to $2.
wait_quiet() {
  local phase=$1 metrics=$2 t0 b0 b1 s0 s1 cores
  t0=$(now)
  while :; do
    b0=$(cpu_busy); s0=$(proc_ticks "$SERVER_PID")
    sleep 2
    b1=$(cpu_busy); s1=$(proc_ticks "$SERVER_PID")
    cores=$(awk -v b=$((b1 - b0 - s1 + s0)) -v t="$TICK" 'BEGIN { printf "%.2f", b / t / 2 }')
    if awk -v c="$cores" -v q="$QUIET_CORES" 'BEGIN { exit !(c < q) }' || older_than "$t0" "$(now)" "$QUIET_WAIT"; then break; fi
    echo "  (others use $cores cores; waiting for a quieter machine)" >&2
  done
  echo "${phase}_quiet_wait_s=$(elapsed "$t0" "$(now)")" >> "$metrics"
  echo "${phase}_others_cores=$cores" >> "$metrics"
}
# `timed`, plus where the machine's CPU went meanwhile. Appends
# "<wall s> <max RSS kB> <client CPU s> <server CPU s> <other CPU s> <PostgreSQL CPU s>" to FILE:
# client = the command, server = veto serve, PostgreSQL = its server processes, other =
# everything else on the machine (other users' work makes the figures of that run pessimistic).
measure() {
  local file=$1 b0 b1 s0 s1 p0 p1 rc wall rss user sys
  shift
  b0=$(cpu_busy); s0=$(proc_ticks "$SERVER_PID"); p0=$(pg_ticks)
  timed "$file" "$@" && rc=0 || rc=$?
  b1=$(cpu_busy); s1=$(proc_ticks "$SERVER_PID"); p1=$(pg_ticks)
  read -r wall rss user sys < <(tail -1 "$file")
  awk -v w="$wall" -v r="$rss" -v u="$user" -v s="$sys" -v b=$((b1 - b0)) -v sv=$((s1 - s0)) -v pg=$((p1 - p0)) -v t="$TICK" \
    'BEGIN { c = u + s; printf "%s %s %.2f %.2f %.2f %.2f\n", w, r, c, sv / t, (b - sv - pg) / t - c, pg / t }' >> "$file"
  return "$rc"
}
loadavg() { cut -d' ' -f1 /proc/loadavg; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
# Resets the process's peak RSS (VmHWM), so each phase's peak can be read on its own.
reset_hwm() { echo 5 > "/proc/$1/clear_refs" 2>/dev/null || true; }
json_get() { python3 -c "import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
summary_of() { # FILE FIELD: a field of the {"summary": …} line of an NDJSON answer
  python3 - "$1" "$2" <<'EOF'
import json, sys
summary = None
with open(sys.argv[1]) as f:
    for line in f:
        if line.startswith('{"summary"'):
            summary = json.loads(line)["summary"]
print(summary[sys.argv[2]] if summary else "missing")
EOF
}

# ---------------------------------------------------------------- tools
need_apt() {
  if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
    log "installing $2"
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y "$2" >/dev/null || { apt-get update >/dev/null && apt-get install -y "$2" >/dev/null; }
    else sudo apt-get install -y "$2" >/dev/null; fi
  fi
}
need_apt wrk wrk
need_apt /usr/bin/time time
need_apt curl curl
need_apt python3 python3
if ! python3 -c 'import duckdb' 2>/dev/null; then
  log "installing duckdb (pip)"
  python3 -m pip install --quiet duckdb
fi
# The interpreter itself, not a wrapper (pyenv shims would add their start-up to the peer's time).
PY=$(python3 -c 'import sys; print(sys.executable)')

if [ "$SKIP_BUILD" != 1 ]; then
  log "building release binaries"
  cargo build --release -p veto -p veto-bench
fi
[ -x "$BIN/veto" ] && [ -x "$BIN/veto-bench" ] || die "release binaries missing in $BIN"
HAS_SNAPSHOT=0
if "$BIN/veto" serve --help 2>/dev/null | grep -q -- '--snapshot'; then HAS_SNAPSHOT=1; fi
SNAPSHOT=

GIT_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then GIT_COMMIT="$GIT_COMMIT+dirty"; fi

# ---------------------------------------------------------------- data
mkdir -p "$SET"
if [ ! -s "$SET/expected.json" ]; then
  log "generating $SUPPRESSED suppressed / $CANDIDATES candidates into $SET"
  "$BIN/veto-bench" generate --out "$SET" --suppressed "$SUPPRESSED" --candidates "$CANDIDATES" \
    --blocked-share "$BLOCKED_SHARE" --domains "$DOMAINS" --seed "$SEED"
fi
EXPECTED=$(cat "$SET/expected.json")
EXP_BLOCKED=$(json_get "$EXPECTED" blocked)
EXP_INVALID=$(json_get "$EXPECTED" invalid)

if [ ! -s "$SET/peer.duckdb" ]; then
  log "building the DuckDB file (not timed)"
  "$PY" bench/peer_duckdb.py build --db "$SET/peer.duckdb" --suppressed "$SET/suppressed.txt"
fi

# ---------------------------------------------------------------- per store
SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT

# Starts `veto serve` on $1 (logs in dir $2), waits until /healthz answers, and records
# <prefix>_listen_s, <prefix>_healthz_s, <prefix>_vmrss_kb, <prefix>_vmhwm_kb into $4.
start_server() {
  local db_url=$1 run=$2 prefix=$3 metrics=$4 t0 t_listen= t_ready= t b0 b1 sv p0 p1
  local args=(serve --db "$db_url" --listen "127.0.0.1:$PORT")
  if [ "$HAS_SNAPSHOT" = 1 ]; then args+=(--snapshot "$SNAPSHOT"); fi
  b0=$(cpu_busy); p0=$(pg_ticks)
  t0=$(now)
  "$BIN/veto" "${args[@]}" > "$run/serve-$prefix.out" 2> "$run/serve-$prefix.err" &
  SERVER_PID=$!
  ln -sf "serve-$prefix.out" "$run/serve.out"
  ln -sf "serve-$prefix.err" "$run/serve.err"
  while :; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$run/serve-$prefix.err" >&2; die "veto serve exited during start-up"; }
    t=$(now)
    if [ -z "$t_listen" ] && grep -q 'Veto listening' "$run/serve-$prefix.out"; then t_listen=$t; fi
    if curl -sf -o /dev/null "$URL/healthz"; then t_ready=$(now); [ -n "$t_listen" ] || t_listen=$t_ready; break; fi
    if older_than "$t0" "$t" 900; then die "veto serve not ready after 900 s"; fi
    sleep 0.02
  done
  b1=$(cpu_busy); sv=$(proc_ticks "$SERVER_PID"); p1=$(pg_ticks)
  {
    echo "${prefix}_server_cpu_s=$(awk -v v="$sv" -v t="$TICK" 'BEGIN { printf "%.2f", v / t }')"
    echo "${prefix}_pg_cpu_s=$(awk -v v=$((p1 - p0)) -v t="$TICK" 'BEGIN { printf "%.2f", v / t }')"
    echo "${prefix}_other_cpu_s=$(awk -v b=$((b1 - b0)) -v v="$sv" -v p=$((p1 - p0)) -v t="$TICK" 'BEGIN { printf "%.2f", (b - v - p) / t }')"
    echo "${prefix}_listen_s=$(elapsed "$t0" "$t_listen")"
    echo "${prefix}_healthz_s=$(elapsed "$t0" "$t_ready")"
    echo "${prefix}_vmrss_kb=$(status_kb "$SERVER_PID" VmRSS)"
    echo "${prefix}_vmhwm_kb=$(status_kb "$SERVER_PID" VmHWM)"
  } >> "$metrics"
  echo "  ready in $(elapsed "$t0" "$t_ready") s; $(curl -s "$URL/healthz")" >&2
}

pg_ok() {
  command -v psql >/dev/null 2>&1 && psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -Atqc 'select 1' >/dev/null 2>&1
}

run_store() {
  local store=$1
  local run=$SET/run-$store db_url metrics
  mkdir -p "$run"
  metrics=$run/metrics.env
  local reuse=0
  case $store in
    sqlite)
      db_url="sqlite://$run/veto.db"
      if [ "$REUSE_DB" = 1 ] && [ -s "$run/veto.db" ] && [ -s "$run/load.out" ]; then reuse=1
      else rm -f "$run/veto.db" "$run/veto.db-wal" "$run/veto.db-shm"; fi
      ;;
    postgres)
      if ! pg_ok; then
        echo "SKIP postgres: nothing answers on $PG_HOST:$PG_PORT as $PG_USER (start PostgreSQL or set BENCH_STORES=sqlite)" >&2
        return 0
      fi
      db_url="postgres://$PG_USER@$PG_HOST:$PG_PORT/$PG_DB"
      if [ "$REUSE_DB" = 1 ] && [ -s "$run/load.out" ] \
        && psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -Atqc 'select 1' >/dev/null 2>&1; then reuse=1
      else
        psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
        psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "CREATE DATABASE $PG_DB" >/dev/null
      fi
      ;;
    *) die "unknown store '$store' (sqlite, postgres)" ;;
  esac

  # A reused store keeps the load figures of the run that loaded it.
  local previous_load=
  if [ "$reuse" = 1 ] && [ -s "$metrics" ]; then previous_load=$(grep -E '^(load_|sqlite_file_bytes|loadavg_load)' "$metrics" || true); fi
  {
    echo "store=$store"
    echo "suppressed=$SUPPRESSED"
    echo "candidates=$CANDIDATES"
    echo "expected_blocked=$EXP_BLOCKED"
    echo "expected_invalid=$EXP_INVALID"
    echo "repeat=$REPEAT"
    echo "nproc=$(nproc)"
    echo "git_commit=$GIT_COMMIT"
  } > "$metrics"

  # -- bulk load
  echo "loadavg_load=$(loadavg)" >> "$metrics"
  if [ "$reuse" = 1 ]; then
    log "$store: reusing the loaded store (BENCH_REUSE_DB=1; load not measured again)"
    { echo "load_reused=1"; [ -z "$previous_load" ] || echo "$previous_load"; } >> "$metrics"
  else
    log "$store: loading $SUPPRESSED entries"
    timed "$run/load.time" \
      "$BIN/veto-bench" load --db "$db_url" --file "$SET/suppressed.txt" --chunk "$CHUNK" > "$run/load.out"
    echo "load_cpu_s=$(awk -v u="$(field "$run/load.time" 3)" -v s="$(field "$run/load.time" 4)" 'BEGIN { printf "%.1f", u + s }')" >> "$metrics"
    local last; last=$(tail -1 "$run/load.out")
    {
      echo "load_wall_s=$(time_wall "$run/load.time")"
      echo "load_max_rss_kb=$(time_rss "$run/load.time")"
      echo "load_import_s=$(json_get "$last" elapsed_s)"
      echo "load_rows_per_s=$(json_get "$last" rows_per_s)"
    } >> "$metrics"
    if [ "$store" = sqlite ]; then echo "sqlite_file_bytes=$(stat -c %s "$run/veto.db")" >> "$metrics"; fi
  fi
  local key; key=$(json_get "$(head -1 "$run/load.out")" api_key)

  # -- start-up (cold: no index snapshot; the node loads every entry from the store)
  echo "loadavg_startup=$(loadavg)" >> "$metrics"
  wait_quiet startup "$metrics"
  log "$store: starting veto serve (cold: no snapshot)"
  SNAPSHOT=$run/index.snapshot
  rm -f "$SNAPSHOT"
  start_server "$db_url" "$run" ready "$metrics"
  if [ "$HAS_SNAPSHOT" = 1 ]; then
    # A cold start writes a snapshot in the background: let it finish before measuring.
    local t0; t0=$(now)
    until grep -q 'index snapshot written' "$run/serve.err"; do
      if older_than "$t0" "$(now)" 600; then echo "WARNING: no index snapshot written after 600 s" >&2; break; fi
      sleep 0.2
    done
    echo "snapshot_written_after_ready_s=$(elapsed "$t0" "$(now)")" >> "$metrics"
  fi

  # -- batch checks: rounds of (DuckDB peer, veto check --file, POST /v1/check/bulk), so the
  # peer and Veto run under the same conditions of the machine
  echo "loadavg_batch=$(loadavg)" >> "$metrics"
  wait_quiet batch "$metrics"
  log "$store: batch checks, $REPEAT rounds of: DuckDB peer, veto check --file, curl POST /v1/check/bulk"
  local pq=() pp=() prss=() pcpu=() poth=() peer_blocked=
  local cw=() crss=() chwm=() ccpu=() csrv=() coth=() cpg=()
  local bw=() brss=() bhwm=() bsrv=() both=() rc
  for i in $(seq "$REPEAT"); do
    measure "$run/peer.time" \
      "$PY" bench/peer_duckdb.py query --db "$SET/peer.duckdb" --candidates "$SET/candidates.csv" \
      --out "$run/peer-blocked.csv" > "$run/peer.json"
    pq+=("$(json_get "$(cat "$run/peer.json")" query_s)"); pp+=("$(field "$run/peer.time" 1)"); prss+=("$(field "$run/peer.time" 2)")
    pcpu+=("$(field "$run/peer.time" 3)"); poth+=("$(field "$run/peer.time" 5)")
    peer_blocked=$(json_get "$(cat "$run/peer.json")" blocked)
    echo "  round $i: DuckDB query ${pq[-1]} s, process ${pp[-1]} s (cpu ${pcpu[-1]} s, others ${poth[-1]} s), blocked $peer_blocked" >&2

    reset_hwm "$SERVER_PID"
    set +e
    measure "$run/cli.time" env VETO_API_KEY="$key" \
      "$BIN/veto" --server "$URL" check --file "$SET/candidates.csv" --column email --json > "$run/cli.ndjson" 2> "$run/cli.err"
    rc=$?
    set -e
    [ "$rc" -le 1 ] || { cat "$run/cli.err" >&2; die "veto check --file failed (exit $rc)"; }
    cw+=("$(field "$run/cli.time" 1)"); crss+=("$(field "$run/cli.time" 2)"); ccpu+=("$(field "$run/cli.time" 3)")
    csrv+=("$(field "$run/cli.time" 4)"); coth+=("$(field "$run/cli.time" 5)"); chwm+=("$(status_kb "$SERVER_PID" VmHWM)")
    cpg+=("$(field "$run/cli.time" 6)")
    echo "  round $i: veto check --file ${cw[-1]} s (exit $rc; cpu client ${ccpu[-1]} s, server ${csrv[-1]} s, others ${coth[-1]} s), client ${crss[-1]} kB, server peak ${chwm[-1]} kB" >&2

    reset_hwm "$SERVER_PID"
    measure "$run/bulk.time" \
      curl -sS --fail -o "$run/bulk.ndjson" -H "Authorization: Bearer $key" -H 'Content-Type: text/plain' -H 'Expect:' \
      --data-binary "@$SET/values.txt" "$URL/v1/check/bulk?purpose=sales&kind=email"
    bw+=("$(field "$run/bulk.time" 1)"); brss+=("$(field "$run/bulk.time" 2)"); bsrv+=("$(field "$run/bulk.time" 4)")
    both+=("$(field "$run/bulk.time" 5)"); bhwm+=("$(status_kb "$SERVER_PID" VmHWM)")
    echo "  round $i: curl bulk ${bw[-1]} s (cpu server ${bsrv[-1]} s, others ${both[-1]} s), client ${brss[-1]} kB, server peak ${bhwm[-1]} kB" >&2
  done
  local cli_blocked cli_invalid bulk_blocked bulk_invalid
  cli_blocked=$(summary_of "$run/cli.ndjson" blocked)
  cli_invalid=$(summary_of "$run/cli.ndjson" invalid)
  bulk_blocked=$(summary_of "$run/bulk.ndjson" blocked)
  bulk_invalid=$(summary_of "$run/bulk.ndjson" invalid)
  {
    echo "peer_query_s=$(median "${pq[@]}")"
    echo "peer_query_all=$(IFS=,; echo "${pq[*]}")"
    echo "peer_process_s=$(median "${pp[@]}")"
    echo "peer_process_all=$(IFS=,; echo "${pp[*]}")"
    echo "peer_rss_kb=$(maxof "${prss[@]}")"
    echo "peer_cpu_s=$(median "${pcpu[@]}")"
    echo "peer_other_cpu_s=$(median "${poth[@]}")"
    echo "peer_blocked=$peer_blocked"
    echo "cli_wall_s=$(median "${cw[@]}")"
    echo "cli_wall_all=$(IFS=,; echo "${cw[*]}")"
    echo "cli_client_rss_kb=$(maxof "${crss[@]}")"
    echo "cli_server_hwm_kb=$(maxof "${chwm[@]}")"
    echo "cli_client_cpu_s=$(median "${ccpu[@]}")"
    echo "cli_server_cpu_s=$(median "${csrv[@]}")"
    echo "cli_other_cpu_s=$(median "${coth[@]}")"
    echo "cli_pg_cpu_s=$(median "${cpg[@]}")"
    echo "cli_blocked=$cli_blocked"
    echo "cli_invalid=$cli_invalid"
    echo "cli_block_lines=$(grep -c '"verdict":"block"' "$run/cli.ndjson" || true)"
    echo "bulk_wall_s=$(median "${bw[@]}")"
    echo "bulk_wall_all=$(IFS=,; echo "${bw[*]}")"
    echo "bulk_client_rss_kb=$(maxof "${brss[@]}")"
    echo "bulk_server_hwm_kb=$(maxof "${bhwm[@]}")"
    echo "bulk_server_cpu_s=$(median "${bsrv[@]}")"
    echo "bulk_other_cpu_s=$(median "${both[@]}")"
    echo "bulk_blocked=$bulk_blocked"
    echo "bulk_invalid=$bulk_invalid"
  } >> "$metrics"
  [ "$peer_blocked" = "$EXP_BLOCKED" ] || echo "WARNING: DuckDB found $peer_blocked blocked, expected $EXP_BLOCKED" >&2
  [ "$cli_blocked" = "$EXP_BLOCKED" ] || echo "WARNING: veto check reported $cli_blocked blocked, expected $EXP_BLOCKED" >&2
  [ "$cli_invalid" = "$EXP_INVALID" ] || echo "WARNING: veto check reported $cli_invalid invalid, expected $EXP_INVALID" >&2
  [ "$bulk_blocked" = "$EXP_BLOCKED" ] || echo "WARNING: the bulk endpoint reported $bulk_blocked blocked, expected $EXP_BLOCKED" >&2
  [ "$bulk_invalid" = "$EXP_INVALID" ] || echo "WARNING: the bulk endpoint reported $bulk_invalid invalid, expected $EXP_INVALID" >&2

  # -- single checks with wrk
  echo "loadavg_wrk=$(loadavg)" >> "$metrics"
  wait_quiet wrk "$metrics"
  log "$store: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION (after a $WRK_WARMUP warm-up)"
  BENCH_VALUES=$SET/values.txt VETO_API_KEY=$key \
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_WARMUP" -s bench/wrk_check.lua "$URL" > "$run/wrk-warmup.out"
  reset_hwm "$SERVER_PID"
  measure "$run/wrk.time" env BENCH_VALUES="$SET/values.txt" VETO_API_KEY="$key" \
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" --latency -s bench/wrk_check.lua "$URL" > "$run/wrk.out"
  cat "$run/wrk.out" >&2
  local w; w=$(grep '^WRK_JSON ' "$run/wrk.out" | sed 's/^WRK_JSON //')
  {
    for k in rps p50_ms p90_ms p99_ms p999_ms max_ms requests errors_status errors_timeout errors_connect errors_read; do
      echo "wrk_$k=$(json_get "$w" "$k")"
    done
    echo "wrk_threads=$WRK_THREADS"
    echo "wrk_connections=$WRK_CONNECTIONS"
    echo "wrk_duration=$WRK_DURATION"
    echo "wrk_server_hwm_kb=$(status_kb "$SERVER_PID" VmHWM)"
    echo "wrk_client_cpu_s=$(field "$run/wrk.time" 3)"
    echo "wrk_server_cpu_s=$(field "$run/wrk.time" 4)"
    echo "wrk_other_cpu_s=$(field "$run/wrk.time" 5)"
    echo "wrk_pg_cpu_s=$(field "$run/wrk.time" 6)"
  } >> "$metrics"

  # -- memory after everything, then stop
  sleep 1
  echo "final_vmrss_kb=$(status_kb "$SERVER_PID" VmRSS)" >> "$metrics"
  stop_server

  # -- warm restart: from the index snapshot the first node wrote
  if [ "$HAS_SNAPSHOT" = 1 ] && [ -s "$SNAPSHOT" ]; then
    echo "snapshot_bytes=$(stat -c %s "$SNAPSHOT")" >> "$metrics"
    echo "loadavg_restart=$(loadavg)" >> "$metrics"
    wait_quiet restart "$metrics"
    log "$store: restarting veto serve (warm: from the snapshot)"
    start_server "$db_url" "$run" restart "$metrics"
    stop_server
  fi

  python3 bench/report.py "$metrics" "$DATA/results-$store.json"
  cp "$DATA/results-$store.json" "$run/results.json"
}

IFS=, read -r -a STORE_LIST <<< "$STORES"
for s in "${STORE_LIST[@]}"; do
  run_store "$s"
done
