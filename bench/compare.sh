#!/usr/bin/env bash
# Online schema change, side by side, in one run on the same table:
#   sluice alter (ADD COLUMN forced to a shadow copy),
#   pt-online-schema-change (Debian package percona-toolkit),
#   the server's own blocking ALTER TABLE ... ALGORITHM=COPY;
# then (unless SKIP_BACKFILL=1) bench/backfill.sh: the sluice backfill vs one
# UPDATE vs a hand-written serial keyset loop.
# The tools alternate, REPEATS times each; medians and ratios are printed and
# written to the "sluice alter vs pt-online-schema-change" section of
# bench/RESULTS.md (other sections are left alone).
#
# Usage: bench/compare.sh            (server: 127.0.0.1:${BENCH_PORT:-3307}, user root)
#   BENCH_HOST, BENCH_PORT, BENCH_USER, BENCH_PASSWORD, BENCH_DB (default sluice_bench),
#   ROWS (default 1000000), REPEATS (default 3), WORKERS (default 2),
#   SLUICE (default build/cli/sluice)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
HOST="${BENCH_HOST:-127.0.0.1}"
PORT="${BENCH_PORT:-3307}"
USER_="${BENCH_USER:-root}"
PASS="${BENCH_PASSWORD:-}"
DB="${BENCH_DB:-sluice_bench}"
ROWS="${ROWS:-1000000}"
REPEATS="${REPEATS:-3}"
WORKERS="${WORKERS:-2}"
SLUICE="${SLUICE:-$root/build/cli/sluice}"

command -v pt-online-schema-change >/dev/null ||
  { echo "pt-online-schema-change not found: apt-get install percona-toolkit" >&2; exit 2; }
[ -x "$SLUICE" ] || { echo "sluice binary not found at $SLUICE (set SLUICE=...)" >&2; exit 2; }

export MYSQL_PWD="$PASS"
sql() { mariadb -h"$HOST" -P"$PORT" -u"$USER_" -N -B "$@"; }
dsn="mysql://${USER_}@${HOST}:${PORT}/${DB}"
[ -n "$PASS" ] && dsn="mysql://${USER_}:${PASS}@${HOST}:${PORT}/${DB}"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "preparing $DB.orders with $ROWS rows and 3 secondary indexes..."
sql -e "CREATE DATABASE IF NOT EXISTS \`$DB\`"
sql "$DB" -e "DROP TABLE IF EXISTS orders, _orders_new, _orders_old, orders_sluice_new, orders_sluice_old;
  CREATE TABLE orders (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id INT NOT NULL,
    status VARCHAR(16) NOT NULL,
    amount_cents INT NOT NULL,
    created_at DATETIME NOT NULL,
    note VARCHAR(64) NULL,
    KEY idx_customer (customer_id),
    KEY idx_status_created (status, created_at),
    KEY idx_created (created_at)
  ) ENGINE=InnoDB;
  INSERT INTO orders (customer_id, status, amount_cents, created_at, note)
  SELECT seq % 50000, ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'done'), seq % 100000,
         '2024-01-01' + INTERVAL (seq % 525600) MINUTE, CONCAT('order ', seq)
  FROM seq_1_to_${ROWS};
  ANALYZE TABLE orders;" >/dev/null

now() { date +%s.%N; }
declare -A times
run_tool() {  # tool trial
  local tool=$1 i=$2 col="c_${1//-/_}_$2" t0 t1
  t0=$(now)
  case $tool in
    sluice)
      "$SLUICE" --dsn "$dsn" --log-level warn alter orders "ADD COLUMN $col INT NULL" \
        --strategy copy --workers "$WORKERS" >/dev/null 2>"/tmp/compare_$tool.log" ;;
    pt-osc)
      pt-online-schema-change --alter "ADD COLUMN $col INT NULL" --execute \
        --recursion-method=none --no-check-replication-filters --quiet \
        "h=$HOST,P=$PORT,u=$USER_${PASS:+,p=$PASS},D=$DB,t=orders" \
        >/dev/null 2>"/tmp/compare_$tool.log" ;;
    copy)
      sql "$DB" -e "ALTER TABLE orders ADD COLUMN $col INT NULL, ALGORITHM=COPY" ;;
  esac || { echo "$tool failed, see /tmp/compare_$tool.log" >&2; cat "/tmp/compare_$tool.log" >&2; exit 1; }
  t1=$(now)
  times[$tool]+="$(printf '%.2f' "$(echo "$t1 - $t0" | bc)") "
  sql "$DB" -e "ALTER TABLE orders DROP COLUMN $col, ALGORITHM=INSTANT" 2>/dev/null ||
    sql "$DB" -e "ALTER TABLE orders DROP COLUMN $col"
  printf '  %-7s trial %d: %6.2f s\n' "$tool" "$i" "$(echo "$t1 - $t0" | bc)"
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for i in $(seq 1 "$REPEATS"); do
  for tool in sluice pt-osc copy; do run_tool "$tool" "$i"; done
done

m_sluice=$(echo "${times[sluice]}" | median)
m_pt=$(echo "${times[pt-osc]}" | median)
m_copy=$(echo "${times[copy]}" | median)
r_pt=$(printf '%.2f' "$(echo "scale=4; $m_sluice / $m_pt" | bc)")
r_copy=$(printf '%.2f' "$(echo "scale=4; $m_sluice / $m_copy" | bc)")
server=$(sql -e "SELECT VERSION()")
ptv=$(pt-online-schema-change --version | awk '{print $2}')
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
date_=$(date -u +%Y-%m-%dT%H:%MZ)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

printf '\nmedians over %d runs (%d rows, 3 secondary indexes):\n' "$REPEATS" "$ROWS"
printf '  sluice alter (copy, %d workers): %6.2f s\n' "$WORKERS" "$m_sluice"
printf '  pt-online-schema-change %s:   %6.2f s\n' "$ptv" "$m_pt"
printf '  ALTER ... ALGORITHM=COPY:         %6.2f s\n' "$m_copy"
printf '  sluice / pt-osc = %sx (goal <= 0.4x), sluice / ALGORITHM=COPY = %sx\n' "$r_pt" "$r_copy"

section=$(cat <<MD
<!-- compare.sh:begin -->
## sluice alter vs pt-online-schema-change vs ALGORITHM=COPY

\`bench/compare.sh\`, $date_; $server; $machine.
Load average (1/5/15 min) before: $load_before, after: $load_after (other work on the machine
slows all three tools; compare them within one run).
Table \`orders\`: $ROWS rows, 3 secondary indexes; \`ADD COLUMN\` forced to a copy
(\`sluice alter --strategy copy --workers $WORKERS\`). Median of $REPEATS alternating runs each.

| tool | median (s) | runs (s) |
|---|---:|---|
| sluice alter (shadow copy, $WORKERS workers) | $m_sluice | ${times[sluice]}|
| pt-online-schema-change $ptv | $m_pt | ${times[pt-osc]}|
| ALTER TABLE ... ALGORITHM=COPY (blocks writes) | $m_copy | ${times[copy]}|

sluice / pt-online-schema-change = **${r_pt}x** (goal <= 0.4x);
sluice / ALGORITHM=COPY = **${r_copy}x** (stretch goal < 1).
<!-- compare.sh:end -->
MD
)
results="$here/RESULTS.md"
[ -f "$results" ] || printf '# Benchmark results\n' >"$results"
# write_section NAME TEXT: replaces <!-- NAME:begin --> ... <!-- NAME:end -->
# in RESULTS.md, or appends it.
write_section() {
  if grep -q "<!-- $1:begin -->" "$results"; then
    python3 - "$results" "$1" "$2" <<'PY'
import re, sys
path, name, section = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read()
pattern = r"<!-- %s:begin -->.*?<!-- %s:end -->" % (re.escape(name), re.escape(name))
text = re.sub(pattern, lambda m: section, text, flags=re.S)
open(path, "w").write(text)
PY
  else
    printf '\n%s\n' "$2" >>"$results"
  fi
}
write_section compare.sh "$section"
echo "wrote $results"

# The data-step side of the comparison, in the same run: single UPDATE vs a
# hand-written keyset loop vs the sluice engine (bench/backfill.sh).
if [ "${SKIP_BACKFILL:-0}" != 1 ]; then
  out=$(PORT="$PORT" HOST="${BENCH_HOST:-127.0.0.1}" RUNS="$REPEATS" "$here/backfill.sh" | tee /dev/stderr)
  summary=$(printf '%s\n' "$out" | sed -n '/^== results/,$p')
  write_section backfill.sh "<!-- backfill.sh:begin -->
## Backfill: sluice engine vs one UPDATE vs a serial keyset loop

\`bench/compare.sh\` (which runs \`bench/backfill.sh\`), $(date -u +%Y-%m-%dT%H:%MZ); 1M-row \`orders\`,
3 secondary indexes; load average before: $load_before.

\`\`\`
$summary
\`\`\`
<!-- backfill.sh:end -->"
fi
