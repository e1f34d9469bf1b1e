#!/usr/bin/env bash
# Runs integration test files as if the clock read TIME, to prove they pass at any hour (midnight UTC,
# an hour turning, the hour a run once failed at):
#
#   bash test/clock/run-at.sh '2026-11-30 23:58:50' test/api.test.ts test/pipeline.test.ts
#
# The tests' stack must already be up (SENSORWATCH_STACK_INSTANCE=test npm run stack:up). libfaketime (Debian's faketime package) shifts the
# clock of the test runner and of every service and tool the tests start, by the same offset, so they
# agree with each other; Kafka and Cassandra keep the real time, which is what a stack whose clients'
# clocks differ from its servers' sees. Tests that compare times with Prometheus (a Go binary, which
# reads the clock without libc) cannot be shifted this way and are not for this script.
# Each file runs on its own, shifted anew, so TIME falls near the start of every file.
set -euo pipefail
cd "$(dirname "$0")/../.."
# The tests' own stack instance, as npm test uses (its data never mixes with npm start's).
export SENSORWATCH_STACK_INSTANCE="${SENSORWATCH_STACK_INSTANCE-test}"
target="$1"
shift
lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
[ -f "$lib" ] || { echo "needs libfaketime: apt-get install faketime" >&2; exit 2; }
status=0
for file in "$@"; do
  offset=$(( $(date -u -d "$target" +%s) - $(date -u +%s) ))
  sign=$([ "$offset" -lt 0 ] && echo - || echo +)
  echo "=== $file at $target UTC (clock ${sign}${offset#-} s)"
  if FAKETIME="${sign}${offset#-}s" FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD="$lib" \
    npx vitest run --project integration "$file"; then
    echo "=== PASS $file at $target"
  else
    echo "=== FAIL $file at $target"
    status=1
  fi
done
exit $status
