#!/usr/bin/env bash
# Backfill benchmark, one command: bench/backfill.sh
#
# On a local MariaDB/MySQL, with ROWS rows in `orders` (id BIGINT PK and 3
# secondary indexes), times side by side, RUNS times each, and reports medians:
#   single  - the backfill as one UPDATE statement
#   loop    - a hand-written serial keyset loop of 5000-row chunks (stored procedure)
#   engine  - sluice's chunked parallel engine (bench/backfill_bench -> RunDataStep)
# Every measured run is a real backfill: `total` is dropped and added again
# (NULL in every row) before it, and InnoDB purge is let settle.
# Also: the engine's peak RSS at SMALL_ROWS and ROWS, and what index deferral
# buys on an INSERT ... SELECT of ROWS rows into a table with 3 secondary indexes.
#
# Environment: HOST (127.0.0.1) PORT (3306) DBUSER (root) ROWS (1000000)
# SMALL_ROWS (100000) RUNS (3) WORKERS (4) BATCH (5000) BUILD (build) DB (sluice_bench_backfill)
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-3306}
DBUSER=${DBUSER:-root}
ROWS=${ROWS:-1000000}
SMALL_ROWS=${SMALL_ROWS:-100000}
RUNS=${RUNS:-3}
WORKERS=${WORKERS:-4}
BATCH=${BATCH:-5000}
BUILD=${BUILD:-build}
DB=${DB:-sluice_bench_backfill}
DSN="mysql://${DBUSER}@${HOST}:${PORT}/${DB}"
SQL=(mariadb -h"$HOST" -P"$PORT" -u"$DBUSER" --batch --skip-column-names)

if [ ! -d "$BUILD" ]; then cmake -S . -B "$BUILD" -DSLUICE_BENCH=OFF >/dev/null; fi
cmake --build "$BUILD" -j2 --target backfill_bench >/dev/null
DRIVER="$BUILD/bench/backfill_bench"

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

setup() {  # setup ROWS
  "${SQL[@]}" -e "DROP DATABASE IF EXISTS \`$DB\`; CREATE DATABASE \`$DB\`"
  "${SQL[@]}" "$DB" >/dev/null <<SQL
CREATE TABLE orders (
  id BIGINT NOT NULL PRIMARY KEY,
  customer_id INT NOT NULL,
  status TINYINT NOT NULL,
  created_at DATETIME NOT NULL,
  price_cents INT NOT NULL,
  quantity INT NOT NULL,
  total BIGINT NULL,
  KEY idx_customer (customer_id),
  KEY idx_status_created (status, created_at),
  KEY idx_created (created_at)
) ENGINE=InnoDB;
INSERT INTO orders (id, customer_id, status, created_at, price_cents, quantity)
  SELECT seq, seq % 50021, seq % 7, '2024-01-01' + INTERVAL (seq % 31536000) SECOND,
         100 + seq % 9900, 1 + seq % 9
  FROM seq_1_to_$1;
ANALYZE TABLE orders;
DELIMITER //
CREATE PROCEDURE keyset_loop()
BEGIN
  DECLARE lo BIGINT DEFAULT -9223372036854775808;
  DECLARE hi BIGINT;
  chunks: LOOP
    SET hi = NULL;
    SELECT id INTO hi FROM orders WHERE id > lo ORDER BY id LIMIT 1 OFFSET 4999;
    IF hi IS NULL THEN
      UPDATE orders SET total = price_cents * quantity WHERE id > lo;
      LEAVE chunks;
    END IF;
    UPDATE orders SET total = price_cents * quantity WHERE id > lo AND id <= hi;
    SET lo = hi;
  END LOOP;
END //
DELIMITER ;
SQL
}

engine() {  # engine REVISION STATEMENT [defer] -> prints "seconds rss_kib cpu_seconds"
  local out
  out=$( { /usr/bin/time -v "$DRIVER" "$DSN" "$1" "$2" "$WORKERS" "$BATCH" 0.5 "${3:-}"; } 2>&1 )
  local secs rss user sys
  secs=$(sed -n 's/.*engine_seconds=\([0-9.]*\).*/\1/p' <<<"$out")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' <<<"$out")
  user=$(sed -n 's/.*User time (seconds): \([0-9.]*\).*/\1/p' <<<"$out")
  sys=$(sed -n 's/.*System time (seconds): \([0-9.]*\).*/\1/p' <<<"$out")
  if [ -z "$secs" ]; then echo "engine run failed:" >&2; echo "$out" >&2; exit 1; fi
  echo "$secs $rss $(echo "$user + $sys" | bc -l)"
}

echo "== peak RSS at $SMALL_ROWS rows"
setup "$SMALL_ROWS"
read -r _ rss_small _ < <(engine rss_small "UPDATE orders SET total = price_cents * quantity")
echo "   ${rss_small} KiB"

echo "== $ROWS rows, $RUNS runs each (workers=$WORKERS, batch-size=$BATCH)"
setup "$ROWS"
reset_total() {  # a fresh NULL column, as after ALTER TABLE ... ADD COLUMN
  "${SQL[@]}" "$DB" -e "ALTER TABLE orders DROP COLUMN total; ALTER TABLE orders ADD COLUMN total BIGINT NULL"
  wait_purge
}
wait_purge() {  # let InnoDB purge and flush the previous run's work, up to 120 s
  # The history list counts transactions: one big UPDATE is 1 entry, so wait for ~0.
  for _ in $(seq 1 240); do
    hist=$("${SQL[@]}" -e "SHOW ENGINE INNODB STATUS" | grep -o 'History list length [0-9]*' | grep -o '[0-9]*$' || echo 0)
    dirty=$("${SQL[@]}" -e "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" | awk '{print $2}')
    [ "${hist:-0}" -lt 20 ] && [ "${dirty:-0}" -lt 1000 ] && return
    sleep 0.5
  done
}
backfill="UPDATE orders SET total = price_cents * quantity"
single=(); loop=(); eng=(); cpus=(); rss_big=0
run_single() { reset_total; t0=$(now); "${SQL[@]}" "$DB" -e "$backfill"; t1=$(now); single+=("$(elapsed "$t0" "$t1")"); }
run_loop() { reset_total; t0=$(now); "${SQL[@]}" "$DB" -e "CALL keyset_loop()"; t1=$(now); loop+=("$(elapsed "$t0" "$t1")"); }
run_engine() {
  reset_total
  read -r secs rss cpu < <(engine "backfill_$1" "$backfill")
  eng+=("$secs")
  cpus+=("$cpu")
  if [ "$rss" -gt "$rss_big" ]; then rss_big=$rss; fi
}
for run in $(seq 1 "$RUNS"); do
  # Rotate the order so that background noise does not favour one of them.
  case $((run % 3)) in
    1) run_single; run_loop; run_engine "$run" ;;
    2) run_loop; run_engine "$run"; run_single ;;
    0) run_engine "$run"; run_single; run_loop ;;
  esac
  printf 'run %d: single %.2fs  loop %.2fs  engine %.2fs\n' "$run" "${single[-1]}" "${loop[-1]}" "${eng[-1]}"
done
"${SQL[@]}" "$DB" -e "SELECT IF(COUNT(*) = 0, 'check: every row backfilled', \
  CONCAT('check FAILED: ', COUNT(*), ' rows wrong')) FROM orders \
  WHERE total IS NULL OR total <> price_cents * quantity"

echo "== INSERT ... SELECT of $ROWS rows into a table with 3 secondary indexes"
copy_sql="INSERT INTO orders_copy SELECT * FROM orders"
"${SQL[@]}" "$DB" -e "CREATE TABLE orders_copy LIKE orders"
read -r copy_plain _ < <(engine copy_plain "$copy_sql")
"${SQL[@]}" "$DB" -e "DROP TABLE orders_copy; CREATE TABLE orders_copy LIKE orders"
read -r copy_defer _ < <(engine copy_defer "$copy_sql" all)
idx=$("${SQL[@]}" "$DB" -e "SELECT COUNT(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS \
  WHERE TABLE_SCHEMA = '$DB' AND TABLE_NAME = 'orders_copy'")

ms=$(median "${single[@]}"); ml=$(median "${loop[@]}"); me=$(median "${eng[@]}")
echo
echo "== results (medians of $RUNS runs, $ROWS rows)"
printf '%-34s %8.2f s\n' "single UPDATE" "$ms"
printf '%-34s %8.2f s\n' "serial keyset loop (5000 rows)" "$ml"
printf '%-34s %8.2f s\n' "sluice engine ($WORKERS workers)" "$me"
printf '%-34s %8.2f   (goal <= 0.35)\n' "engine / single UPDATE" "$(echo "$me / $ms" | bc -l)"
printf '%-34s %8.2f   (goal <= 1.2)\n' "engine / serial loop" "$(echo "$me / $ml" | bc -l)"
printf '%-34s %8.1f MiB at %d rows, %.1f MiB at %d rows (goal <= 64)\n' "engine peak RSS" \
  "$(echo "$rss_small / 1024" | bc -l)" "$SMALL_ROWS" "$(echo "$rss_big / 1024" | bc -l)" "$ROWS"
printf '%-34s %8.2f s CPU (user+sys) for %.2f s of wall time\n' "engine client CPU" \
  "$(median "${cpus[@]}")" "$me"
printf '%-34s %8.2f s plain, %.2f s with defer-indexes=all (%d indexes after, PRIMARY included)\n' \
  "INSERT ... SELECT copy" "$copy_plain" "$copy_defer" "$idx"
