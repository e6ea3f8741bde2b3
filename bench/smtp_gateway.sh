#!/bin/bash
# A real gateway node for the SMTP acceptance benchmark (the target beside Postfix in compare.py).
#
#   bench/smtp_gateway.sh start     build Release, start a node on 127.0.0.1:$GW_PORT (default 2526)
#   bench/smtp_gateway.sh stop      SIGTERM it and wait
#   bench/smtp_gateway.sh status    print its pid (for --tgt-pid) or fail
#   bench/smtp_gateway.sh db        what the bench user's mailbox left in SQLite (journal, snapshots, mode)
#
# The node: a cluster of one, SQLite (WAL, synchronous=FULL) in a fresh $STATE/data, one user
# ($GW_USER, default bench@sms.example.net, password $GW_PASS, default benchpass), no GSM modules,
# and routing.job-consumer = sink, so every accepted job is recorded sending/sent/delivered at
# once and nothing is sent. sms.max-parts = 8 because the kit's 1 KB payload needs 7 GSM-7 parts.
# Logging at info (one line per accepted mail, like Postfix's maillog). State lives under
# $BENCH_STATE_DIR/gateway (default /var/tmp/mailbench/gateway).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
STATE=${BENCH_STATE_DIR:-/var/tmp/mailbench}/gateway
PORT=${GW_PORT:-2526}
USER_ADDR=${GW_USER:-bench@sms.example.net}
PASS=${GW_PASS:-benchpass}
BIN=$STATE/bin
LOG=$STATE/gateway.log

pid_of() {
    [ -r "$STATE/pid" ] || return 1
    local pid
    pid=$(cat "$STATE/pid")
    kill -0 "$pid" 2>/dev/null && echo "$pid"
}

case "${1:-}" in
start)
    if pid=$(pid_of); then echo "already running (pid $pid)" >&2; exit 1; fi
    mkdir -p "$STATE"
    dotnet build -c Release "$REPO/Gateway.Host" -o "$BIN" -v q -nologo >/dev/null
    rm -rf "$STATE/data"
    mkdir -p "$STATE/data"
    hash=$(echo "$PASS" | dotnet "$BIN/Gateway.Host.dll" hash-password)
    cat > "$STATE/bench.conf" <<CONF
gateway {
  node.name = "bench"
  log.level = info
  storage { provider = sqlite, connection-string = "Data Source=$STATE/data/gateway.db" }
  cluster { hostname = "127.0.0.1", port = 0 }
  mail {
    domain = "sms.example.net"
    smtp.listen = [ { host = "127.0.0.1", port = $PORT, tls = none } ]
    pop3.listen = []
  }
  users { bench { address = "$USER_ADDR", password-hash = "$hash", sms-groups = [bench] } }
  sms-groups { bench { selection = least-busy } }
  modules {}
  routing { outgoing = [], incoming = [], job-consumer = sink }
  sms.max-parts = 8
}
CONF
    cd "$STATE"
    nohup dotnet "$BIN/Gateway.Host.dll" run --config "$STATE/bench.conf" > "$LOG" 2>&1 &
    echo $! > "$STATE/pid"
    for _ in $(seq 1 300); do
        if grep -q "SMTP listening on" "$LOG"; then
            echo "gateway listening on 127.0.0.1:$PORT, pid $(cat "$STATE/pid"), user $USER_ADDR / $PASS, log $LOG"
            exit 0
        fi
        pid_of >/dev/null || { echo "gateway exited; see $LOG" >&2; tail -20 "$LOG" >&2; exit 1; }
        sleep 0.1
    done
    echo "gateway did not start within 30 s; see $LOG" >&2; exit 1
    ;;
stop)
    if pid=$(pid_of); then
        kill -TERM "$pid"
        for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    else
        echo "gateway not running"
    fi
    ;;
status)
    pid_of || { echo "gateway not running" >&2; exit 1; }
    ;;
db)
    python3 - "$STATE/data/gateway.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
q = lambda sql: c.execute(sql).fetchone()[0]
print("journal rows of mailbox-bench:", q("select count(*) from journal where persistence_id='mailbox-bench'"),
      "(the mailbox deletes what a snapshot covers)")
print("highest sequence number:", q("select max(sequence_number) from journal where persistence_id='mailbox-bench'"))
print("snapshots:", q("select count(*) from snapshot where persistence_id='mailbox-bench'"))
print("journal_mode:", q("pragma journal_mode"))
PY
    ;;
*)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
