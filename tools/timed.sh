#!/usr/bin/env bash
# Usage: tools/timed.sh STAGE COMMAND [ARG...]
# Runs COMMAND as one named stage of a make target, then prints how long it took. With
# $STAGE_LOG set, also appends "STAGE SECONDS STATUS" to that file for the final summary.
set -u
stage=$1
shift
printf '\n==> %s: %s\n' "$stage" "$*"
start=$(date +%s%N)
"$@"
status=$?
tenths=$(( ($(date +%s%N) - start) / 100000000 ))
seconds="$((tenths / 10)).$((tenths % 10))"
verdict=$([ "$status" -eq 0 ] && echo ok || echo "FAILED (exit $status)")
printf '<== %s: %s in %s s\n' "$stage" "$verdict" "$seconds"
if [ -n "${STAGE_LOG:-}" ]; then
  printf '%-12s %8s s  %s\n' "$stage" "$seconds" "$verdict" >> "$STAGE_LOG"
fi
exit "$status"
