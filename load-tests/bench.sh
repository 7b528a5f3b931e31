#!/usr/bin/env bash
# The benchmark, in one run on one machine (see docs/performance.md):
#   build; PostgreSQL (the local server, a fresh database); pgbench TPC-B, 16 clients, 30 s, on the
#   same server (PostgreSQL's own ceiling here); the engine's JMH figure; the gateway jar against
#   the fresh database; the seeder; SettlementMix at stepped arrival rates, up to the highest rate
#   with p99 <= 100 ms and no failed request; then ONE summary line.
# Durability stays as shipped: synchronous_commit on, fsync on (checked, never changed).
#
# Settings (environment): PGHOST/PGPORT/PGUSER (127.0.0.1/5432/postgres, trust auth),
# BENCH_PORT (gateway HTTP port, 18080), BENCH_RATES (arrivals/s to try, ascending),
# BENCH_STEP_SECONDS (each step's length, 30), BENCH_POPULATION (persons seeded, 20000),
# BENCH_P99_MS (100), BENCH_JFR=1 to record a flight recording of the gateway,
# BENCH_WARMUP_RATE and BENCH_WARMUP_SECONDS (the first rate, at least 100/s, for 60 s; not
# counted), BENCH_SKIP_BUILD=1 to reuse the jars already built.
set -euo pipefail
cd "$(dirname "$0")/.."

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
PORT="${BENCH_PORT:-18080}"
RATES="${BENCH_RATES:-100 200 300 400 500 600 700 800 900 1000 1100 1200 1300 1400 1600}"
STEP_SECONDS="${BENCH_STEP_SECONDS:-30}"
# The warm-up (not counted) must bring both JVMs to their steady state, JIT and heap sizing: after
# 30/s for 30 s, after 100/s for 60 s, and still after half the first step's rate for 60 s, the
# first step cost both JVMs up to 1.5-2 times their later CPU per request and missed the p99 bound
# where the same rate repeated passed it (800/s: p99 216, then 39 and 32 ms), so the warm-up runs
# at the first step's rate (at least 100/s) for 60 s.
FIRST_RATE="${RATES%% *}"
WARMUP_RATE="${BENCH_WARMUP_RATE:-$(( FIRST_RATE > 100 ? FIRST_RATE : 100 ))}"
WARMUP_SECONDS="${BENCH_WARMUP_SECONDS:-60}"
POPULATION="${BENCH_POPULATION:-20000}"
P99_MS="${BENCH_P99_MS:-100}"
DB=yizhan_bench
PGBENCH_DB=yizhan_pgbench
OUT=load-tests/target/bench
BASE="http://127.0.0.1:${PORT}"
mkdir -p "$OUT"
log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }

# ---- 1. build: the gateway jar, the JMH jar, the load classpath
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building (mvn -pl load-tests -am package -Pbench -DskipTests)"
  mvn -B -ntp -q -pl load-tests -am package -Pbench -DskipTests >"$OUT/build.log" 2>&1 \
    || { tail -50 "$OUT/build.log"; exit 1; }
fi
CP="load-tests/target/classes:$(cat load-tests/target/classpath.txt)"
JAVA_LOAD=(java --add-opens java.base/java.lang=ALL-UNNAMED -Xms512m -Xmx1g -cp "$CP")

# ---- 2. PostgreSQL: the local server, fresh databases, durability as shipped
if ! pg_isready -q; then
  log "starting the local PostgreSQL"
  pg_ctlcluster "$(pg_lsclusters -h | awk 'NR==1{print $1}')" main start
  for _ in $(seq 30); do pg_isready -q && break; sleep 1; done
fi
SYNC=$(psql -Atc "SHOW synchronous_commit")
FSYNC=$(psql -Atc "SHOW fsync")
[[ "$SYNC" == on && "$FSYNC" == on ]] || { log "synchronous_commit=$SYNC fsync=$FSYNC: refusing"; exit 1; }
for d in "$DB" "$PGBENCH_DB"; do
  psql -q -c "DROP DATABASE IF EXISTS $d" -c "CREATE DATABASE $d" >/dev/null
done

# ---- 3. PostgreSQL's own ceiling: pgbench TPC-B, 16 clients, 30 s (scale 16: one branch row
# per client, so pgbench is not bound by its own hot row)
log "pgbench -i -s 16; pgbench TPC-B -c 16 -j 2 -T 30"
pgbench -i -q -s 16 "$PGBENCH_DB" >"$OUT/pgbench-init.log" 2>&1
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
BUSY_BEFORE=$(busy_ticks)
# bash's time keyword: pgbench's own user and system CPU seconds, so the server's share shows too
TIMEFORMAT='%U %S'
{ time pgbench -c 16 -j 2 -T 30 "$PGBENCH_DB" >"$OUT/pgbench.log" 2>&1; } 2>"$OUT/pgbench-time.log"
BUSY_AFTER=$(busy_ticks)
PGBENCH_TPS=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$OUT/pgbench.log")
PGBENCH_TX=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$OUT/pgbench.log")
# the machine's CPU (all processes, ticks of 10 ms) per TPC-B transaction, pgbench itself included
PGBENCH_CPU=$(awk -v b="$((BUSY_AFTER - BUSY_BEFORE))" -v n="$PGBENCH_TX" 'BEGIN{printf "%.3f", b * 10 / n}')
# the rest of the machine's CPU, less pgbench's own: the server's (and the idle machine's) share
PGBENCH_SERVER_CPU=$(awk -v c="$PGBENCH_CPU" -v n="$PGBENCH_TX" '{printf "%.3f", c - ($1 + $2) * 1000 / n}' \
  "$OUT/pgbench-time.log")
log "pgbench TPC-B: $PGBENCH_TPS tps, machine CPU $PGBENCH_CPU ms per transaction" \
  "(server $PGBENCH_SERVER_CPU ms)"
psql -q -c "DROP DATABASE $PGBENCH_DB" >/dev/null

# ---- 4. the engine alone: JMH, one thread, 20- and 200-line claims
log "JMH EngineBenchmark (short run)"
java -jar load-tests/target/benchmarks.jar EngineBenchmark -wi 2 -w 2 -i 3 -r 2 -f 1 \
  >"$OUT/jmh.log" 2>&1
JMH20=$(awk '/^EngineBenchmark.*[[:space:]]20[[:space:]]+thrpt/{print int($(NF-3))}' "$OUT/jmh.log")
JMH200=$(awk '/^EngineBenchmark.*[[:space:]]200[[:space:]]+thrpt/{print int($(NF-3))}' "$OUT/jmh.log")
log "engine: $JMH20 settlements/s/core at 20 lines, $JMH200 at 200 lines"

# ---- 5. the gateway, against the fresh database
JFR=()
if [[ "${BENCH_JFR:-0}" == 1 ]]; then
  JFR=("-XX:StartFlightRecording=filename=$OUT/gateway.jfr,settings=profile,dumponexit=true")
fi
log "starting the gateway on port $PORT"
YIZHAN_DB_URL="jdbc:postgresql://${PGHOST}:${PGPORT}/${DB}" YIZHAN_DB_USER="$PGUSER" \
  YIZHAN_HTTP_PORT="$PORT" YIZHAN_HTTP_HOST=127.0.0.1 YIZHAN_ACCESS_LOG_LEVEL=WARN \
  java "${JFR[@]}" -Xms512m -Xmx1g -jar gateway/target/yizhan-gateway.jar >"$OUT/gateway.log" 2>&1 &
GW=$!
trap 'kill $GW 2>/dev/null || true; wait $GW 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  curl -fs "$BASE/health/ready" >/dev/null 2>&1 && break
  kill -0 $GW 2>/dev/null || { tail -30 "$OUT/gateway.log"; exit 1; }
  sleep 1
done

# ---- 6. seed
log "seeding $POPULATION persons"
"${JAVA_LOAD[@]}" org.yizhan.load.Seed --base-url "$BASE" --population "$POPULATION" >&2
# ---- 7. warm-up and stepped arrival rates, in one load-generator JVM (org.yizhan.load.Stepper),
# so the generator is warm too: a fresh Gatling JVM per step measured its own first seconds. A
# step passes with no failed request and p99 <= the bound. The search goes on past a step that
# only misses the bound, and stops when requests fail or the gateway falls behind the arrivals
# (completed requests/s under 90% of the rate). BEST is the highest passing step; SUSTAINED the
# highest step without errors that kept up with its median within the bound, reported (flagged)
# when no step meets the p99 bound.
log "warm-up ${WARMUP_RATE}/s for ${WARMUP_SECONDS} s, then steps of ${STEP_SECONDS} s at: $RATES"
# shellcheck disable=SC2086
"${JAVA_LOAD[@]}" -DbaseUrl="$BASE" -Dpopulation="$POPULATION" -Dp99Ms="$P99_MS" \
  org.yizhan.load.Stepper "$PWD/$OUT/gatling" "$GW" "$WARMUP_RATE" "$WARMUP_SECONDS" "$STEP_SECONDS" $RATES \
  >"$OUT/steps.log" 2>&1 || { tail -30 "$OUT/steps.log"; exit 1; }
grep '^STEP ' "$OUT/steps.log" | cut -d' ' -f2- >"$OUT/steps.txt"
BEST=""
SUSTAINED=""
while read -r rate ok all_rps all_p50 all_p99 all_ko s_rps s_p50 s_p99 cpu_gw cpu_pg cpu_load busy; do
  log "$rate/s: $ok; all $all_rps req/s p50 ${all_p50} ms p99 ${all_p99} ms KO $all_ko; settle $s_rps/s p50 ${s_p50} ms p99 ${s_p99} ms; CPU ms/request gateway ${cpu_gw} postgres ${cpu_pg} load generator ${cpu_load}; machine ${busy}% busy"
  step="$rate $all_rps $all_p50 $all_p99 $s_rps $s_p50 $s_p99 $cpu_gw $cpu_pg $cpu_load $busy"
  keeping_up=$(awk -v r="$all_rps" -v a="$rate" 'BEGIN{print (r >= 0.9 * a) ? 1 : 0}')
  [[ "$all_ko" == 0 && $keeping_up == 1 ]] || break
  # Sustained: no errors, keeping up, and the median still within the bound (not queueing).
  if (( all_p50 <= P99_MS )); then SUSTAINED="$step"; fi
  if [[ $ok == pass ]]; then BEST="$step"; fi
done <"$OUT/steps.txt"

RSS_KB=$(awk '/VmHWM/{print $2}' "/proc/$GW/status")
kill $GW; wait $GW 2>/dev/null || true
trap - EXIT

BOUND_MET=yes
if [[ -z "$BEST" ]]; then
  [[ -n "$SUSTAINED" ]] || { echo "BENCH no step ran without errors and p50 within the bound; see $OUT/steps.txt"; exit 1; }
  # No step met the p99 bound: report the highest sustained rate, flagged as such.
  BEST="$SUSTAINED"
  BOUND_MET=no
fi
MAX_SUSTAINED=$(cut -d' ' -f1 <<<"$SUSTAINED")
read -r rate all_rps all_p50 all_p99 s_rps s_p50 s_p99 cpu_gw cpu_pg cpu_load busy <<<"$BEST"
RATIO=$(awk -v s="$s_rps" -v t="$PGBENCH_TPS" 'BEGIN{printf "%.2f", s/t}')
echo "BENCH settlements/s=${s_rps} (mix ${rate}/s arrivals, ${all_rps} req/s) p50=${all_p50}ms p99=${all_p99}ms (settle p50=${s_p50}ms p99=${s_p99}ms) pgbench_tpcb_tps=${PGBENCH_TPS} ratio=${RATIO} peak_rss=$((RSS_KB / 1024))MiB engine_jmh=${JMH20}/s@20lines,${JMH200}/s@200lines cpu_ms_per_request=gateway:${cpu_gw},postgres:${cpu_pg},loadgen:${cpu_load} machine_busy=${busy}% pgbench_cpu_ms_per_tx=${PGBENCH_CPU}(server:${PGBENCH_SERVER_CPU}) p99_bound_${P99_MS}ms_met=${BOUND_MET} max_sustained_rate=${MAX_SUSTAINED}/s cores=$(nproc) load_avg=$(cut -d" " -f1 /proc/loadavg) synchronous_commit=${SYNC}"
