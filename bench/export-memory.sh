#!/usr/bin/env bash
# Peak memory of `passerelle export cohort` as the cohort grows (rows are streamed: it should stay flat).
# Learners are inserted straight into SQLite (no access codes) so that building large cohorts is quick.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build -c release --show-bin-path)/passerelle"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "learners  rows  peak RSS (KiB)  seconds"
for n in 300 3000 30000; do
  db="$work/bench-$n.sqlite"
  "$bin" init --db "$db" --root . --organisation "Bench" --admin "bench" > /dev/null
  "$bin" cohort create --db "$db" --organisation 1 --name "Cohorte $n" > /dev/null
  sqlite3 "$db" "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $n)
                 INSERT INTO learners (cohort_id, first_name, last_name, attributes)
                 SELECT 1, 'Prénom' || i, 'Nom' || i, '{\"structure\":\"CCAS\"}' FROM seq;"
  "$bin" assign assessment numerique --cohort 1 --purpose initial --db "$db" --root . > /dev/null
  /usr/bin/time -f "%M %e" -o "$work/time" "$bin" export cohort 1 --db "$db" --root . -o "$work/out.csv" 2> /dev/null
  read -r rss seconds < "$work/time"
  echo "$n  $(($(wc -l < "$work/out.csv") - 1))  $rss  $seconds"
done
