#!/usr/bin/env bash
# What one settlement costs PostgreSQL, counted by the server itself (docs/performance.md, "What a
# settlement costs PostgreSQL"): a settle-only load (SettlementMix at 100% settlements, as bench.sh's
# settle-only step) against a PostgreSQL server you give it, then every counter the server keeps,
# divided by the settlements written in the measured interval (counted in the table, not by the
# load generator): the server's CPU (its postmaster and children, from /proc, as bench.sh), commits,
# statements per statement text (pg_stat_statements, nested ones too: foreign-key checks, the audit
# function's statements), rows inserted and updated per table (and how many updates were HOT),
# index entries, WAL records, full-page images and bytes. Then pgbench TPC-B on the same server, so
# the efficiency's numerator comes from the same place.
#
# The server must preload pg_stat_statements (shared_preload_libraries) and should run with
# track_functions = all; nothing of its configuration is changed. A throw-away cluster does:
#   initdb -D /tmp/x -A trust -U postgres; echo "port = 55433
#   shared_preload_libraries = 'pg_stat_statements'
#   pg_stat_statements.track = all
#   track_functions = all" >> /tmp/x/postgresql.conf; pg_ctl -D /tmp/x start
#
# Settings (environment): PGHOST/PGPORT/PGUSER (127.0.0.1/55433/postgres), COST_DB (the database it
# drops and creates, yizhan_cost), COST_RATE (settle arrivals/s, 200), COST_WARMUP_SECONDS (30,
# not counted), COST_SECONDS (30, counted), COST_POPULATION (20000), COST_PORT (gateway HTTP port,
# 18930), COST_PGBENCH (1: run pgbench TPC-B, -c 16 -j 2 -T 30 at scale 16, after the load),
# COST_GATEWAY_JAR, GATEWAY_JAVA_OPTS, BENCH_SKIP_BUILD=1 (reuse the jars built). The gateway's own
# settings pass through (YIZHAN_SETTLEMENT_BATCH_ENABLED=false, …).
set -euo pipefail
cd "$(dirname "$0")/.."

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-55433}" PGUSER="${PGUSER:-postgres}"
DB="${COST_DB:-yizhan_cost}"
RATE="${COST_RATE:-200}"
WARMUP_SECONDS="${COST_WARMUP_SECONDS:-30}"
SECONDS_COUNTED="${COST_SECONDS:-30}"
POPULATION="${COST_POPULATION:-20000}"
PORT="${COST_PORT:-18930}"
MANAGEMENT_PORT=$((PORT + 1))
GATEWAY_JAR="${COST_GATEWAY_JAR:-gateway/target/yizhan-gateway.jar}"
OUT="${COST_OUT:-load-tests/target/pg-settle-cost}"
BASE="http://127.0.0.1:${PORT}"
mkdir -p "$OUT"
log() { echo "[pg-settle-cost $(date -u +%H:%M:%S)] $*" >&2; }

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building (mvn -pl load-tests -am package -Pbench -DskipTests)"
  mvn -B -ntp -q -pl load-tests -am package -Pbench -DskipTests >"$OUT/build.log" 2>&1 \
    || { tail -50 "$OUT/build.log"; exit 1; }
fi
CP="load-tests/target/classes:$(cat load-tests/target/classpath.txt)"
JAVA_LOAD=(java --add-opens java.base/java.lang=ALL-UNNAMED -Xms256m -Xmx512m -cp "$CP")

POSTMASTER=$(head -1 "$(psql -Atc "SHOW data_directory")/postmaster.pid")
[[ "$(psql -Atc "SHOW shared_preload_libraries")" == *pg_stat_statements* ]] \
  || { log "the server does not preload pg_stat_statements"; exit 1; }
log "PostgreSQL $(psql -Atc 'SHOW server_version') on $PGPORT (postmaster $POSTMASTER)," \
  "synchronous_commit=$(psql -Atc 'SHOW synchronous_commit') fsync=$(psql -Atc 'SHOW fsync')" \
  "full_page_writes=$(psql -Atc 'SHOW full_page_writes') wal_compression=$(psql -Atc 'SHOW wal_compression')"
psql -q -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
psql -q -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
# pg_stat_kcache (Debian: postgresql-NN-pg-stat-kcache), when the server preloads it: the CPU time
# (getrusage) of each statement, where pg_stat_statements has only wall time
KCACHE=0
if [[ "$(psql -Atc "SHOW shared_preload_libraries")" == *pg_stat_kcache* ]]; then
  psql -q -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_kcache" >/dev/null
  KCACHE=1
fi

server_ticks() {
  local own children
  own=$(awk '{sub(/^.*\) /, ""); print $12 + $13 + $14 + $15}' "/proc/$POSTMASTER/stat")
  children=$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v pm="$POSTMASTER" \
    '{sub(/^.*\) /, ""); if ($2 == pm) n += $12 + $13} END{print n + 0}')
  echo $((own + children))
}

# ---- the gateway, seeded (on a port nobody answers on: another gateway there would take the load)
if curl -s -o /dev/null "$BASE/" 2>/dev/null || curl -s -o /dev/null "http://127.0.0.1:$MANAGEMENT_PORT/"; then
  log "port $PORT or $MANAGEMENT_PORT is in use: set COST_PORT"; exit 1
fi
log "starting the gateway ($GATEWAY_JAR) on port $PORT"
# shellcheck disable=SC2086
YIZHAN_DB_URL="jdbc:postgresql://${PGHOST}:${PGPORT}/${DB}" YIZHAN_DB_USER="$PGUSER" \
  YIZHAN_HTTP_PORT="$PORT" YIZHAN_HTTP_HOST=127.0.0.1 YIZHAN_ACCESS_LOG_LEVEL=WARN \
  YIZHAN_MANAGEMENT_PORT="$MANAGEMENT_PORT" \
  java @tools/gateway.jvm-options ${GATEWAY_JAVA_OPTS:-} -jar "$GATEWAY_JAR" >"$OUT/gateway.log" 2>&1 &
GW=$!
trap 'kill $GW 2>/dev/null || true; wait $GW 2>/dev/null || true' EXIT
for _ in $(seq 180); do
  curl -fs "$BASE/health/ready" >/dev/null 2>&1 && break
  kill -0 $GW 2>/dev/null || { tail -30 "$OUT/gateway.log"; exit 1; }
  sleep 1
done
log "seeding $POPULATION persons"
"${JAVA_LOAD[@]}" org.yizhan.load.Seed --base-url "$BASE" --population "$POPULATION" >"$OUT/seed.log" 2>&1

stepper() { # <log> <warm-up s> <step s>
  "${JAVA_LOAD[@]}" -DbaseUrl="$BASE" -Dpopulation="$POPULATION" -Dp99Ms=100 \
    -Dsimulation=SettlementMix -DsettlePercent=100 -DpostgresPid="$POSTMASTER" \
    org.yizhan.load.Stepper "$PWD/$OUT/gatling" "$GW" "$RATE" "$2" "$3" "$RATE" >"$OUT/$1" 2>&1 \
    || { tail -30 "$OUT/$1"; exit 1; }
}
# ---- warm-up (not counted): the gateway's JIT, its connections' prepared statements and plans
log "warm-up: settle-only at ${RATE}/s for ${WARMUP_SECONDS} s"
stepper warmup.log 0 "$WARMUP_SECONDS"
psql -q -d "$DB" -c "CHECKPOINT" >/dev/null

# ---- the counted interval: every counter reset or read before and after
# the settlements written, the WAL position and the database's commits
snapshot() {
  psql -Atd "$DB" -c "SELECT (SELECT count(*) FROM settlement), pg_current_wal_lsn() - '0/0'::pg_lsn,
    (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database())"
}
psql -q -d "$DB" -c "SELECT pg_stat_statements_reset()" -c "SELECT pg_stat_reset()" \
  -c "SELECT pg_stat_reset_shared('wal')" -c "SELECT pg_stat_reset_slru(NULL)" >/dev/null
if [[ $KCACHE == 1 ]]; then psql -q -d "$DB" -c "SELECT pg_stat_kcache_reset()" >/dev/null; fi
sleep 1 # the statistics collector's reset reaches the backends' next report
read -r S0 L0 C0 <<<"$(snapshot | tr '|' ' ')"
START=$(psql -Atc "SELECT now()")
T0=$(server_ticks)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
log "counted: settle-only at ${RATE}/s for ${SECONDS_COUNTED} s (load average $LOAD0)"
PERF=""
if [[ "${COST_PERF:-0}" == 1 ]]; then
  # samples of the server's processes (postmaster and children now running) for the interval
  PIDS=$( (echo "$POSTMASTER"; awk -v pm="$POSTMASTER" '{sub(/^.*\) /, ""); if ($2 == pm) print FILENAME}' \
    /proc/[0-9]*/stat 2>/dev/null | cut -d/ -f3) | paste -sd,)
  ps -o pid=,args= --ppid "$POSTMASTER" >"$OUT/perf-processes.txt" || true
  perf record -q -F 997 -p "$PIDS" -o "$OUT/perf.data" -- sleep "$((SECONDS_COUNTED + 5))" \
    >"$OUT/perf.log" 2>&1 &
  PERF=$!
fi
stepper step.log 0 "$SECONDS_COUNTED"
T1=$(server_ticks)
if [[ -n "$PERF" ]]; then
  wait "$PERF" || true
  perf report -i "$OUT/perf.data" --no-children --sort sym --stdio >"$OUT/perf-report.txt" 2>/dev/null || true
  grep -v '^#' "$OUT/perf-report.txt" | grep -v '^$' | head -60 >"$OUT/perf-top.txt" || true
  # the share of each process (backends by their title: the gateway's connections are "idle")
  perf report -i "$OUT/perf.data" --no-children --sort pid --stdio 2>/dev/null | grep -v '^#' \
    | grep -v '^$' | head -20 >"$OUT/perf-pids.txt" || true
fi
sleep 1
read -r S1 L1 C1 <<<"$(snapshot | tr '|' ' ')"
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
N=$((S1 - S0))
[[ $N -gt 0 ]] || { log "no settlement written"; exit 1; }
# what the snapshot queries themselves committed is negligible (two statements)
echo "# settle-only at ${RATE}/s for ${SECONDS_COUNTED} s: $(grep '^STEP ' "$OUT/step.log" | cut -d' ' -f2-)"
echo "# load average before $LOAD0, after $LOAD1"
awk -v n="$N" -v t="$((T1 - T0))" -v w="$((L1 - L0))" -v c="$((C1 - C0))" 'BEGIN{
  printf "COST settlements=%d server_cpu_ms_per_settlement=%.3f commits_per_settlement=%.3f wal_bytes_per_settlement=%.0f\n",
    n, t * 10 / n, c / n, w / n }'

psql -d "$DB" -P pager=off -v n="$N" -v start="$START" -v kcache="$KCACHE" <<'SQL'
\echo '# WAL (pg_stat_wal) per settlement'
SELECT round(wal_records / :n::numeric, 1) AS records, round(wal_fpi / :n::numeric, 2) AS full_page_images,
       round(wal_bytes / :n::numeric) AS bytes, round(wal_buffers_full / :n::numeric, 3) AS buffers_full,
       round(wal_sync / :n::numeric, 3) AS syncs
  FROM pg_stat_wal;
\echo '# tables: rows inserted / updated (HOT) per settlement; index scans'
SELECT relname, round(n_tup_ins / :n::numeric, 3) AS ins, round(n_tup_upd / :n::numeric, 3) AS upd,
       round(n_tup_hot_upd / :n::numeric, 3) AS hot, round(n_tup_del / :n::numeric, 3) AS del,
       round(coalesce(idx_scan, 0) / :n::numeric, 2) AS idx_scans, round(seq_scan / :n::numeric, 3) AS seq_scans,
       (SELECT count(*) FROM pg_index i WHERE i.indrelid = t.relid) AS indexes
  FROM pg_stat_user_tables t WHERE n_tup_ins + n_tup_upd + coalesce(idx_scan, 0) + seq_scan > 0
 ORDER BY n_tup_ins + n_tup_upd DESC;
\echo '# functions (track_functions = all): calls and self time per settlement'
SELECT funcname, round(calls / :n::numeric, 3) AS calls, round((self_time / :n)::numeric, 4) AS self_ms,
       round((total_time / :n)::numeric, 4) AS total_ms
  FROM pg_stat_user_functions ORDER BY total_time DESC;
\echo '# MultiXact SLRU (foreign-key locks of one row by concurrent transactions)'
SELECT name, blks_zeroed, blks_hit, blks_read, blks_written FROM pg_stat_slru WHERE name LIKE 'Multi%';
\echo '# statements (pg_stat_statements, nested included) per settlement: calls, rows, time (ms: wall time in the server), WAL'
SELECT round(calls / :n::numeric, 3) AS calls, round(rows / :n::numeric, 2) AS rows,
       round(((total_exec_time + total_plan_time) / :n)::numeric, 4) AS ms,
       round(wal_bytes / :n::numeric) AS wal_b, round(wal_fpi / :n::numeric, 2) AS fpi,
       round(shared_blks_dirtied / :n::numeric, 2) AS dirtied, toplevel AS top,
       left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS statement
  FROM pg_stat_statements
 WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
 ORDER BY total_exec_time + total_plan_time DESC LIMIT 40;
\if :kcache
\echo '# CPU (pg_stat_kcache: user + system, plan + exec) per settlement, by statement, ms'
SELECT round((sum(k.exec_user_time + k.exec_system_time + k.plan_user_time + k.plan_system_time) * 1000 / :n)::numeric, 4) AS cpu_ms,
       k.top, left(regexp_replace(min(s.query), '\s+', ' ', 'g'), 110) AS statement
  FROM pg_stat_kcache() k JOIN pg_stat_statements s USING (queryid, dbid, userid)
 WHERE k.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.toplevel = k.top
 GROUP BY k.queryid, k.top ORDER BY 1 DESC LIMIT 30;
\echo '# CPU of top-level statements per settlement (pg_stat_kcache), ms'
SELECT round((sum(exec_user_time + exec_system_time + plan_user_time + plan_system_time) * 1000 / :n)::numeric, 4) AS cpu_ms
  FROM pg_stat_kcache() WHERE top AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database());
\endif
\echo '# top-level statements per settlement (all of them), and their time'
SELECT round(sum(calls) / :n::numeric, 2) AS statements, round(sum(rows) / :n::numeric, 2) AS rows,
       round((sum(total_exec_time + total_plan_time) / :n)::numeric, 4) AS ms,
       round(sum(wal_bytes) / :n::numeric) AS wal_b
  FROM pg_stat_statements
 WHERE toplevel AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database());
\echo '# batches: settlements per transaction (xmin) over the counted interval'
SELECT count(*) AS transactions, round(avg(c), 2) AS mean_batch, max(c) AS max_batch
  FROM (SELECT xmin, count(*) c FROM settlement
         WHERE settled_at >= :'start'::timestamptz GROUP BY xmin) b;
SQL

if [[ -s "$OUT/perf-top.txt" ]]; then
  echo "# perf: the server's processes, by function (self)"
  cat "$OUT/perf-top.txt"
  echo "# perf: by process (see perf-processes.txt for what each pid is)"
  cat "$OUT/perf-pids.txt"
fi

# ---- pgbench TPC-B on the same server (the efficiency's numerator)
if [[ "${COST_PGBENCH:-1}" == 1 ]]; then
  kill $GW 2>/dev/null || true
  wait $GW 2>/dev/null || true
  PB="${DB}_pgbench"
  psql -q -c "DROP DATABASE IF EXISTS $PB" -c "CREATE DATABASE $PB" >/dev/null
  pgbench -i -q -s 16 "$PB" >"$OUT/pgbench-init.log" 2>&1
  P0=$(server_ticks)
  pgbench -c 16 -j 2 -T 30 "$PB" >"$OUT/pgbench.log" 2>&1
  P1=$(server_ticks)
  TX=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$OUT/pgbench.log")
  TPS=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$OUT/pgbench.log")
  awk -v t="$((P1 - P0))" -v n="$TX" -v tps="$TPS" -v l="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN{
    printf "COST pgbench_tpcb_tps=%s pgbench_server_cpu_ms_per_tx=%.3f load_avg=%s\n", tps, t * 10 / n, l }'
  psql -q -c "DROP DATABASE $PB" >/dev/null
fi
