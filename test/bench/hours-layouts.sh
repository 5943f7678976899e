#!/bin/bash
# test/bench/hours-layouts.sh [PROVINCE_DB]: an experiment, not a figure of the bench (README,
# "A province on one machine"). Needs the province's database after its week was imported
# (bench-out/work/province.db, left by `npm run bench -- --province`) and about 6 GB of disk.
# The weekly import's B-tree writes under four layouts of `hours`, SQL only (the sqlite3 shell):
# A as it is (rowid table, the key, the covering index), B clustered by the covering index's order
# (WITHOUT ROWID, id kept unique), C the same with compact columns (day number, course number, no
# entered_by), D compact and clustered by date first (a week's rows, later than every row before
# them, go at the end), with a compact covering index by cadre and id kept unique. LAYOUTS="A D"
# runs some; COLD=1 drops the page cache before each timed part (root on Linux). Each: the year's
# rows but the week's, in key order, then the week's rows inserted in key order in one transaction
# (WAL, synchronous FULL, a 4 MB cache as import-hours has) and the checkpoint, timed.
set -e
if [ -n "$COLD" ] && ! [ -w /proc/sys/vm/drop_caches ]; then
  echo "COLD=1 needs to write /proc/sys/vm/drop_caches (root on Linux); run without it for a warm measure" >&2
  exit 2
fi
SRC=${1:-$(dirname "$0")/../../bench-out/work/province.db}
if ! [ -f "$SRC" ]; then
  echo "no province database at $SRC: run npm run bench -- --province first, or name one" >&2
  exit 2
fi
OUT=${OUT:-$(dirname "$SRC")/layouts}
mkdir -p "$OUT"
WEEK=$(sqlite3 -readonly $SRC "SELECT max(batch_id) FROM hours")
echo "source $SRC, week batch $WEEK, $(sqlite3 -readonly $SRC "SELECT count(*) FROM hours WHERE batch_id = $WEEK") week rows"
declare -A DDL SEL KEY
DDL[A]="CREATE TABLE h (id INTEGER PRIMARY KEY, cadre_id INTEGER NOT NULL, course_code TEXT NOT NULL, completed_on TEXT NOT NULL, quarters INTEGER NOT NULL, batch_id INTEGER, line INTEGER, entered_by TEXT NOT NULL, UNIQUE (cadre_id, course_code, completed_on)) STRICT; CREATE INDEX h_day ON h (cadre_id, completed_on, course_code, quarters);"
SEL[A]="id, cadre_id, course_code, completed_on, quarters, batch_id, line, entered_by"
DDL[B]="CREATE TABLE h (cadre_id INTEGER NOT NULL, completed_on TEXT NOT NULL, course_code TEXT NOT NULL, quarters INTEGER NOT NULL, id INTEGER NOT NULL, batch_id INTEGER, line INTEGER, entered_by TEXT NOT NULL, PRIMARY KEY (cadre_id, completed_on, course_code)) STRICT, WITHOUT ROWID; CREATE UNIQUE INDEX h_id ON h (id);"
SEL[B]="cadre_id, completed_on, course_code, quarters, id, batch_id, line, entered_by"
DDL[C]="CREATE TABLE h (cadre_id INTEGER NOT NULL, day INTEGER NOT NULL, course INTEGER NOT NULL, quarters INTEGER NOT NULL, id INTEGER NOT NULL, batch_id INTEGER, line INTEGER, PRIMARY KEY (cadre_id, day, course)) STRICT, WITHOUT ROWID; CREATE UNIQUE INDEX h_id ON h (id);"
SEL[C]="cadre_id, CAST(julianday(completed_on) - 2440588 AS INTEGER), (SELECT rowid FROM src.courses c WHERE c.code = course_code), quarters, id, batch_id, line"
DDL[D]="CREATE TABLE h (day INTEGER NOT NULL, cadre_id INTEGER NOT NULL, course INTEGER NOT NULL, quarters INTEGER NOT NULL, id INTEGER NOT NULL, batch_id INTEGER, line INTEGER, PRIMARY KEY (day, cadre_id, course)) STRICT, WITHOUT ROWID; CREATE UNIQUE INDEX h_id ON h (id); CREATE INDEX h_cadre ON h (cadre_id, day, course, quarters);"
SEL[D]="CAST(julianday(completed_on) - 2440588 AS INTEGER), cadre_id, (SELECT rowid FROM src.courses c WHERE c.code = course_code), quarters, id, batch_id, line"
declare -A ORDERS
ORDERS[D]="completed_on, cadre_id, course_code"
for L in ${LAYOUTS:-A B C D}; do
  ORDER=${ORDERS[$L]:-"cadre_id, completed_on, course_code"}
  DB=$OUT/layout-$L.db
  rm -f $DB $DB-wal $DB-shm
  t0=$(date +%s.%N)
  sqlite3 $DB <<SQL
PRAGMA journal_mode=WAL;
ATTACH '$SRC' AS src;
${DDL[$L]}
CREATE TABLE wk AS SELECT ${SEL[$L]} FROM src.hours WHERE batch_id = $WEEK ORDER BY $ORDER;
INSERT INTO h SELECT ${SEL[$L]} FROM src.hours WHERE batch_id <> $WEEK ORDER BY $ORDER;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
  t1=$(date +%s.%N)
  sync
  # COLD=1: from a dropped page cache, as the province bench times the week.
  if [ -n "$COLD" ]; then echo 3 > /proc/sys/vm/drop_caches; fi
  # The timed part: a fresh process, the week into the populated table.
  /usr/bin/time -f "%e s wall, %U user %S sys, %M KB" sqlite3 $DB <<SQL 2> $OUT/time-$L.txt
PRAGMA synchronous=FULL;
PRAGMA cache_size=-4000;
BEGIN IMMEDIATE;
INSERT INTO h SELECT * FROM wk;
COMMIT;
.print "layout $L, the week's checkpoint (busy|pages in the WAL|pages checkpointed):"
PRAGMA wal_checkpoint(PASSIVE);
SQL
  echo "layout $L: built in $(awk "BEGIN {printf \"%.1f\", $t1 - $t0}") s; week insert: $(tail -1 $OUT/time-$L.txt); file $(stat -c %s $DB) B, $(sqlite3 -readonly $DB "SELECT count(*) FROM h") rows"
  rm -f $DB $DB-wal $DB-shm
done
