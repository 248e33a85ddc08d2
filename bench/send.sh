#!/usr/bin/env bash
# The send gate's benchmarks (issue 5), on SQLite, with Postfix's smtp-sink as the upstream and
# one load client (`veto-bench smtp-load`) for every target, measured in the same run:
#
#   relay   — the client straight to the sink (the peer) against the client through
#             `veto serve --smtp-listen` (AUTH, RCPT check against the registry, stamping,
#             DKIM signing, the check again inside the send fence, hand-over to the sink, the
#             send record) with BENCH_SUPPRESSED entries in the registry, BENCH_REPEAT rounds
#             alternating the two; reports messages/s and the ratio gate/peer.
#   drain   — BENCH_STEPS due steps (one-step sequence, one contact each) across
#             BENCH_MAILBOXES mailboxes, sent by the scheduler inside `veto serve`; reports the
#             drain rate against the same client's direct rate at the same concurrency, and
#             checks that each mailbox's messages left in due order.
#
#   bash bench/send.sh                                  # 10M suppressions, 100k steps
#   BENCH_SUPPRESSED=1000000 BENCH_STEPS=20000 bash bench/send.sh   # quick
#   BENCH_DKIM=rsa bash bench/send.sh                   # RSA-2048 signatures (default ed25519)
#   BENCH_SINK=aiosmtpd bash bench/send.sh              # upstream: aiosmtpd (default smtp-sink)
#   BENCH_BIN=/path/to/build bash bench/send.sh        # another build's veto and veto-bench
#
# The upstream is the peer: Postfix's smtp-sink (BENCH_SINK=smtp-sink, the default) answers
# from C and discards, the fastest upstream there is; aiosmtpd (BENCH_SINK=aiosmtpd,
# bench/aiosmtpd_sink.py, the upstream of the relay's tests) is an ordinary single-process
# server that also discards. The gate's ratio is reported against whichever one ran.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SUPPRESSED=${BENCH_SUPPRESSED:-10000000}
STEPS=${BENCH_STEPS:-100000}
MAILBOXES=${BENCH_MAILBOXES:-1000}
MESSAGES=${BENCH_MESSAGES:-20000}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
SIZE=${BENCH_SIZE:-2048}
REPEAT=${BENCH_REPEAT:-3}
DKIM=${BENCH_DKIM:-ed25519}
SINK=${BENCH_SINK:-smtp-sink}
SEND_CONCURRENCY=${BENCH_SEND_CONCURRENCY:-}
PORT=${BENCH_PORT:-18081}
SMTP_PORT=${BENCH_SMTP_PORT:-12525}
SINK_PORT=${BENCH_SINK_PORT:-12526}
SKIP_BUILD=${BENCH_SKIP_BUILD:-0}
DATA=${BENCH_DATA:-$ROOT/bench-data}
# The loaded registry is kept once per size ($BASE); every run starts from a fresh copy of it
# in its upstream's folder ($SET), since the drain leaves its mailboxes, sequence and sends
# behind.
BASE=$DATA/send-s$SUPPRESSED
SET=$BASE/$SINK
BIN=${BENCH_BIN:-$ROOT/target/release}
URL=http://127.0.0.1:$PORT
OUT=$SET/results-$(date -u +%Y%m%dT%H%M%SZ).json

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 2; }
mkdir -p "$SET"

if [ "$SKIP_BUILD" != 1 ]; then
  log "building (release)"
  cargo build --release -p veto -p veto-bench >&2
fi

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

case "$SINK" in
  smtp-sink)
    # Postfix's smtp-sink, without installing the MTA.
    SINK_BIN=$DATA/postfix/usr/sbin/smtp-sink
    if [ ! -x "$SINK_BIN" ]; then
      log "fetching Postfix's smtp-sink"
      mkdir -p "$DATA/postfix"
      ( cd "$DATA/postfix" && apt-get download postfix >/dev/null 2>&1 || { apt-get update -qq && apt-get download postfix >/dev/null; } )
      dpkg -x "$DATA"/postfix/postfix_*.deb "$DATA/postfix"
    fi
    LD_LIBRARY_PATH=$DATA/postfix/usr/lib/postfix "$SINK_BIN" -u nobody -m 512 "127.0.0.1:$SINK_PORT" 1024 &
    PIDS+=($!)
    ;;
  aiosmtpd)
    python3 -c 'import aiosmtpd' 2>/dev/null || die "aiosmtpd is not installed (python3 -m pip install aiosmtpd)"
    python3 "$ROOT/bench/aiosmtpd_sink.py" "$SINK_PORT" > "$SET/sink.out" &
    PIDS+=($!)
    for _ in $(seq 1 50); do grep -q LISTENING "$SET/sink.out" 2>/dev/null && break; sleep 0.1; done
    ;;
  *) die "BENCH_SINK must be smtp-sink or aiosmtpd, not $SINK" ;;
esac

# The registry: BENCH_SUPPRESSED addresses, from the seeded workload of bench/check.sh.
WORK=$DATA/s$SUPPRESSED-send
if [ ! -f "$BASE/veto.db" ]; then
  log "generating and loading $SUPPRESSED suppressions"
  "$BIN/veto-bench" generate --out "$WORK" --suppressed "$SUPPRESSED" --candidates 200000 >&2
  "$BIN/veto-bench" load --db "sqlite://$BASE/veto.db" --file "$WORK/suppressed.txt" > "$BASE/load.json"
fi
DB=$SET/veto.db
rm -f "$DB" "$DB-wal" "$DB-shm" "$SET/creds" "$SET/index.snapshot" "$SET/drain.json"
for f in "$BASE"/veto.db "$BASE"/veto.db-wal; do
  if [ -f "$f" ]; then cp "$f" "$SET/"; fi
done
cp "$BASE/load.json" "$SET/load.json"
# The copy is set-up: write it out before anything is timed, so the first relay round's
# commits do not queue behind gigabytes of the copy's write-back.
sync
# `veto-bench load` prints the tenant (with its API key) on its first line, the load summary on
# its second.
KEY=$(head -n1 "$SET/load.json" | python3 -c "import json,sys; print(json.load(sys.stdin)['api_key'])")

log "starting veto serve"
rm -f "$DB.serve-lock"
"$BIN/veto" serve --db "sqlite://$DB" --listen "127.0.0.1:$PORT" --smtp-listen "127.0.0.1:$SMTP_PORT" \
  --public-url https://veto.bench.test --snapshot "$SET/index.snapshot" \
  ${SEND_CONCURRENCY:+--send-concurrency "$SEND_CONCURRENCY"} > "$SET/serve.out" 2> "$SET/serve.err" &
PIDS+=($!)
for _ in $(seq 1 600); do grep -q "Veto listening" "$SET/serve.out" 2>/dev/null && break; sleep 0.5; done
grep -q "Veto listening" "$SET/serve.out" || die "veto serve did not start: $(tail -5 "$SET/serve.err")"

api() { curl -sf -H "Authorization: Bearer $KEY" -H 'content-type: application/json' "$@"; }
if [ ! -f "$SET/creds" ]; then
  api -d "{\"name\":\"sink\",\"host\":\"127.0.0.1\",\"port\":$SINK_PORT,\"tls\":\"none\"}" "$URL/v1/routes" > /dev/null
  DOM=$(api -d '{"domain":"acme.test"}' "$URL/v1/sending-domains")
  DOM_ID=$(echo "$DOM" | python3 -c "import json,sys; print(json.load(sys.stdin)['id'])")
  api -d "{\"algorithm\":\"$DKIM\"}" "$URL/v1/sending-domains/$DOM_ID/dkim" > /dev/null
  api -X PUT -d '{"verify":{"mail_domain":false,"role_account":false,"disposable":false}}' "$URL/v1/policy" > /dev/null
  api -d '{"name":"bench"}' "$URL/v1/smtp-credentials" \
    | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['username']+':'+d['password'])" > "$SET/creds"
fi
CREDS=$(cat "$SET/creds")

# Recipients: the candidate addresses (5% of them suppressed), normalised by the relay.
RCPTS=$WORK/values.txt
[ -f "$RCPTS" ] || RCPTS=$WORK/candidates.csv

load() { "$BIN/veto-bench" smtp-load --connections "$CONNECTIONS" --messages "$MESSAGES" --size "$SIZE" \
  --recipients "$RCPTS" --from rep@acme.test "$@"; }

log "relay: $REPEAT rounds of direct vs gated, $MESSAGES messages, $CONNECTIONS connections, DKIM $DKIM"
RESULTS=()
for r in $(seq 1 "$REPEAT"); do
  d=$(load --target "127.0.0.1:$SINK_PORT")
  g=$(load --target "127.0.0.1:$SMTP_PORT" --auth "$CREDS")
  echo "round $r direct: $d" >&2
  echo "round $r gated:  $g" >&2
  RESULTS+=("{\"round\":$r,\"direct\":$d,\"gated\":$g}")
done

log "drain: $STEPS due steps across $MAILBOXES mailboxes"
python3 - "$URL" "$KEY" "$STEPS" "$MAILBOXES" "$SET" <<'PY' >&2
import json, sys, urllib.request
url, key, steps, mailboxes, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def call(method, path, body=None, ctype="application/json"):
    data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"Authorization": "Bearer " + key, "content-type": ctype})
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read() or b"null")
boxes = [call("POST", "/v1/mailboxes", {"address": f"rep{i}@acme.test"})["id"] for i in range(mailboxes)]
csv = "email,name\n" + "".join(f"lead{i}@drain{i % 997}.example,Lead {i}\n" for i in range(steps))
call("POST", "/v1/imports/leads?file_name=drain.csv", csv.encode(), "text/csv")
seq = call("POST", "/v1/sequences", {"name": "drain", "steps": [{"delay": 0, "subject": "Hello {{ first_name }}", "body": "Drain bench."}]})["id"]
# Contact i is enrolled from mailbox i % mailboxes; every step falls due at one instant in the
# future, so the scheduler finds all of them due at once when the clock reaches it.
import datetime
start = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=60 + steps // 4000)
for b in range(mailboxes):
    mine = [i for i in range(b, steps, mailboxes)]
    for k in range(0, len(mine), 5000):
        chunk = mine[k:k + 5000]
        call("POST", f"/v1/sequences/{seq}/enrollments/bulk",
             {"contacts": [{"email": f"lead{i}@drain{i % 997}.example"} for i in chunk],
              "mailbox_id": boxes[b], "start_at": start.strftime("%Y-%m-%dT%H:%M:%S.%fZ")})
json.dump({"sequence": seq, "start": start.isoformat(), "mailboxes": boxes}, open(out + "/drain.json", "w"))
PY
START=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['start'])" "$SET/drain.json")
SEQ=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['sequence'])" "$SET/drain.json")
python3 - "$START" <<'PY'
import datetime, sys, time
t = datetime.datetime.fromisoformat(sys.argv[1])
while datetime.datetime.now(datetime.timezone.utc) < t:
    time.sleep(0.05)
PY
T0=$(date +%s.%N)
while :; do
  n=$(sqlite3 "file:$DB?mode=ro" "SELECT count(*) FROM sends WHERE sequence_id = (SELECT id FROM sequences WHERE name = 'drain') AND outcome = 'sent'" 2>/dev/null || echo 0)
  [ "$n" -ge "$STEPS" ] && break
  sleep 0.2
done
T1=$(date +%s.%N)
DRAIN=$(awk -v a="$T0" -v b="$T1" -v n="$STEPS" 'BEGIN { printf "%.1f", n / (b - a) }')
# Per-mailbox order: the steps were all due at one instant, so each mailbox must send them in
# enrolment order (its claim order); count sends that left before an earlier-enrolled one.
ORDER=$(sqlite3 "file:$DB?mode=ro" "
  SELECT count(*) FROM (
    SELECT enrollment_id, LAG(enrollment_id) OVER (PARTITION BY mailbox_id ORDER BY at, rowid) AS prev
    FROM sends WHERE sequence_id = (SELECT id FROM sequences WHERE name = 'drain') AND outcome = 'sent')
  WHERE prev > enrollment_id")
log "peer at the drain's concurrency: the client straight to the sink"
PEER=$(load --target "127.0.0.1:$SINK_PORT") || die "the peer run failed (is smtp-sink still up?)"
echo "{\"relay\":[$(IFS=,; echo "${RESULTS[*]}")],\"drain\":{\"steps\":$STEPS,\"mailboxes\":$MAILBOXES,\"per_second\":$DRAIN,\"order_violations\":$ORDER},\"peer\":$PEER,\"dkim\":\"$DKIM\",\"suppressed\":$SUPPRESSED,\"sink\":\"$SINK\"}" | tee "$OUT"
