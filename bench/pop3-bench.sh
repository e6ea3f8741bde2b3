#!/usr/bin/env bash
# POP3 side by side with Dovecot, using the shared kit (../shared/bench, see its README):
#   1. RETR of a 10,000-message mailbox (~500-byte SMS-like mails), one client, no pipelining
#   2. logins, 20 clients (users bench1..bench20), USER/PASS/STAT/QUIT: warm (auth-cache-ttl = 5m)
#   3. the same, cold (auth-cache-ttl = 0: every log-in runs PBKDF2 at $ITERATIONS iterations)
# The gateway side is bench/Gateway.Bench.Mailbox: a real node whose mailboxes are filled through the
# mailbox actor. Figures go to bench/README.md ("POP3"). Needs dovecot-pop3d and python3; run as root.
#   ITERATIONS=600000 ROUNDS=5 COLD_LOGINS=300 BENCH_DIR=/var/tmp/gateway-mailbox-bench DC_PORT=11110
#   ONLY=retr (or login) runs just that part.
set -euo pipefail
cd "$(dirname "$0")/.."
KIT=$(cd "${BENCH_KIT:-../shared/bench}" && pwd)
STATE=${BENCH_DIR:-/var/tmp/gateway-mailbox-bench}
ITERATIONS=${ITERATIONS:-600000}
ROUNDS=${ROUNDS:-5}
COLD_LOGINS=${COLD_LOGINS:-300}
export BENCH_STATE_DIR=$STATE/reference DC_PORT=${DC_PORT:-11110}
mkdir -p "$STATE"

dotnet build -c Release bench/Gateway.Bench.Mailbox -o "$STATE/bin" -v q -nologo | grep -v '^$' || true
NODE=(dotnet "$STATE/bin/Gateway.Bench.Mailbox.dll")

"$KIT/dovecot_ref.sh" stop >/dev/null 2>&1 || true
"$KIT/dovecot_ref.sh" fill 10000 bench
for i in $(seq 1 20); do "$KIT/dovecot_ref.sh" fill 10 "bench$i" >/dev/null; done
"$KIT/dovecot_ref.sh" start
REF_PID=$("$KIT/dovecot_ref.sh" status)

GW_PID=
GW_PORT=
start_gateway() { # $1 = mail.auth-cache-ttl
    "${NODE[@]}" serve --dir "$STATE/node" --iterations "$ITERATIONS" --auth-cache-ttl "$1" > "$STATE/node.log" 2>&1 &
    GW_PID=$!
    for _ in $(seq 1 1200); do
        grep -q READY "$STATE/node.log" && break
        kill -0 "$GW_PID" 2>/dev/null || { cat "$STATE/node.log"; exit 1; }
        sleep 0.5
    done
    grep -E 'filled|READY' "$STATE/node.log"
    GW_PORT=$(grep -o 'pop3=127.0.0.1:[0-9]*' "$STATE/node.log" | cut -d: -f2)
}
stop_gateway() {
    [ -n "$GW_PID" ] || return 0
    kill -TERM "$GW_PID" 2>/dev/null || true
    wait "$GW_PID" 2>/dev/null || true
    GW_PID=
}
trap 'stop_gateway; "$KIT/dovecot_ref.sh" stop >/dev/null 2>&1 || true' EXIT

REF=(--ref "127.0.0.1:$DC_PORT" --ref-pass benchpass --ref-pid "$REF_PID")
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); PBKDF2 iterations: $ITERATIONS; rounds: $ROUNDS"

start_gateway 5m
TGT=(--tgt "127.0.0.1:$GW_PORT" --tgt-pass benchpass --tgt-pid "$GW_PID")
ONLY=${ONLY:-all}
if [ "$ONLY" != login ]; then
echo "== RETR all of 10,000 messages, 1 client"
"$KIT/compare.py" pop3 --rounds "$ROUNDS" --log-dir "$STATE/logs/retr" "${REF[@]}" --ref-user bench "${TGT[@]}" --tgt-user bench -- -c 1
fi
[ "$ONLY" = retr ] && exit 0
echo "== logins, 20 clients, warm (auth-cache-ttl = 5m)"
"$KIT/compare.py" login --rounds "$ROUNDS" --log-dir "$STATE/logs/login-warm" "${REF[@]}" --ref-user 'bench{n}' "${TGT[@]}" --tgt-user 'bench{n}' -- -c 20 -n 2000
stop_gateway

start_gateway 0
TGT=(--tgt "127.0.0.1:$GW_PORT" --tgt-pass benchpass --tgt-pid "$GW_PID")
echo "== logins, 20 clients, cold (auth-cache-ttl = 0, PBKDF2 every time)"
"$KIT/compare.py" login --rounds "$ROUNDS" --log-dir "$STATE/logs/login-cold" "${REF[@]}" --ref-user 'bench{n}' "${TGT[@]}" --tgt-user 'bench{n}' -- -c 20 -n "$COLD_LOGINS"
stop_gateway
