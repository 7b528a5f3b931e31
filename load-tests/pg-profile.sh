#!/usr/bin/env bash
# PostgreSQL's side of the profile (see docs/performance.md): which statements a SettlementMix
# load spends the database's time on.
#
# Starts a private PostgreSQL cluster (the Debian binaries of the local server's version, a
# throw-away data directory under load-tests/target/pg-profile, port 5434) with pg_stat_statements
# and planning statistics on, and durability as shipped (synchronous_commit and fsync on); starts
# the gateway jar against it; seeds; runs a warm-up and SettlementMix at the given rates in one
# load-generator JVM; then prints the statements by total time (execution + planning) and the
# STEP lines of org.yizhan.load.Stepper (with the CPU split per request). The machine's own
# PostgreSQL is not touched.
#
# Settings (environment): PROFILE_RATES (arrivals/s, "300 500"), PROFILE_STEP_SECONDS (30),
# PROFILE_POPULATION (20000), PROFILE_PORT (gateway HTTP port, 18090), PROFILE_PG_PORT (5434),
# BENCH_SKIP_BUILD=1 to reuse the jars already built.
set -euo pipefail
cd "$(dirname "$0")/.."

RATES="${PROFILE_RATES:-300 500}"
STEP_SECONDS="${PROFILE_STEP_SECONDS:-30}"
POPULATION="${PROFILE_POPULATION:-20000}"
PORT="${PROFILE_PORT:-18090}"
PG_PORT="${PROFILE_PG_PORT:-5434}"
OUT="$PWD/load-tests/target/pg-profile"
BASE="http://127.0.0.1:${PORT}"
log() { echo "[pg-profile $(date -u +%H:%M:%S)] $*" >&2; }

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building (mvn -pl load-tests -am package -Pbench -DskipTests)"
  mkdir -p "$OUT"
  mvn -B -ntp -q -pl load-tests -am package -Pbench -DskipTests >"$OUT/build.log" 2>&1 \
    || { tail -50 "$OUT/build.log"; exit 1; }
fi
CP="load-tests/target/classes:$(cat load-tests/target/classpath.txt)"

# ---- a private cluster: the newest installed server binaries
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$BIN/initdb" ]] || { log "no PostgreSQL server binaries under /usr/lib/postgresql"; exit 1; }
RUN=()
if [[ $(id -u) == 0 ]]; then RUN=(runuser -u postgres --); fi
rm -rf "$OUT/data"
mkdir -p "$OUT"
[[ $(id -u) == 0 ]] && chown postgres "$OUT"
"${RUN[@]}" "$BIN/initdb" -D "$OUT/data" -A trust -U postgres >"$OUT/initdb.log"
cat >>"$OUT/data/postgresql.conf" <<EOF
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$OUT'
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
pg_stat_statements.track_planning = on
track_functions = all
EOF
"${RUN[@]}" "$BIN/pg_ctl" -D "$OUT/data" -l "$OUT/postgres.log" -w start >/dev/null
GW=""
cleanup() {
  [[ -n "$GW" ]] && { kill "$GW" 2>/dev/null || true; wait "$GW" 2>/dev/null || true; }
  "${RUN[@]}" "$BIN/pg_ctl" -D "$OUT/data" -m fast stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres
psql -q -c "CREATE DATABASE yizhan" >/dev/null
psql -q -d yizhan -c "CREATE EXTENSION pg_stat_statements" >/dev/null
log "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on port $PG_PORT," \
  "synchronous_commit=$(psql -Atc 'SHOW synchronous_commit') fsync=$(psql -Atc 'SHOW fsync')"

# ---- the gateway, seeded
METRICS_PORT=$((PORT + 1))   # the management port (the Prometheus scrape)
YIZHAN_DB_URL="jdbc:postgresql://127.0.0.1:${PG_PORT}/yizhan" YIZHAN_DB_USER=postgres \
  YIZHAN_HTTP_PORT="$PORT" YIZHAN_HTTP_HOST=127.0.0.1 YIZHAN_ACCESS_LOG_LEVEL=WARN \
  YIZHAN_MANAGEMENT_PORT="$METRICS_PORT" \
  java -Xms512m -Xmx1g -jar gateway/target/yizhan-gateway.jar >"$OUT/gateway.log" 2>&1 &
GW=$!
for _ in $(seq 120); do
  curl -fs "$BASE/health/ready" >/dev/null 2>&1 && break
  kill -0 "$GW" 2>/dev/null || { tail -30 "$OUT/gateway.log"; exit 1; }
  sleep 1
done
log "seeding $POPULATION persons"
java -cp "$CP" org.yizhan.load.Seed --base-url "$BASE" --population "$POPULATION" >&2
# requests the gateway has received so far (its Vert.x HTTP metrics, every method)
requests() {
  curl -fs "http://127.0.0.1:$METRICS_PORT/metrics" | awk '/^vertx_http_server_request_bytes_count/{n += $2} END{print n + 0}'
}
psql -q -d yizhan -c "SELECT pg_stat_statements_reset()" >/dev/null
REQUESTS_BEFORE=$(requests)

# ---- the load
log "warm-up 30/s for 30 s (counted), then SettlementMix at: $RATES"
# shellcheck disable=SC2086
java --add-opens java.base/java.lang=ALL-UNNAMED -Xms512m -Xmx1g -cp "$CP" -DbaseUrl="$BASE" \
  -Dpopulation="$POPULATION" -Dp99Ms=100 org.yizhan.load.Stepper "$OUT/gatling" "$GW" 30 30 \
  "$STEP_SECONDS" $RATES >"$OUT/steps.log" 2>&1 || { tail -30 "$OUT/steps.log"; exit 1; }

echo "# STEP rate pass|FAIL req/s p50 p99 KO settle/s settleP50 settleP99 cpu-ms/request:" \
  "gateway postgres loadgen machine-busy%"
grep '^STEP ' "$OUT/steps.log"
REQUESTS=$(($(requests) - REQUESTS_BEFORE))
echo "# statements by total time over the load's $REQUESTS requests (warm-up included). Times are"
echo "# wall time inside PostgreSQL: on a busy machine they include waiting for a CPU and for locks."
psql -d yizhan -P pager=off -c "
  SELECT calls,
         round(total_exec_time::numeric) AS exec_ms,
         round(total_plan_time::numeric) AS plan_ms,
         round(((total_exec_time + total_plan_time) / greatest(calls, 1))::numeric, 3) AS ms_per_call,
         round(((total_exec_time + total_plan_time) / greatest($REQUESTS, 1))::numeric, 3)
           AS ms_per_request,
         left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS statement
    FROM pg_stat_statements
   WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'yizhan')
   ORDER BY total_exec_time + total_plan_time DESC
   LIMIT 25"
