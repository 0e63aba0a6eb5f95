#!/usr/bin/env bash
# Runs the plan guard the way the GitHub Action (action.yml) and the GitLab example do:
#   scripts/ci-guard.sh BINARY PLAN_JSON [RULES] [FAIL_ON]
# It writes guard.sarif (for code scanning) and guard-report.txt next to the plan, appends a
# Markdown summary (guard --format markdown: the findings and the access diff) to $GITHUB_STEP_SUMMARY when that is set
# (else to guard-summary.md), and exits with the guard's status: 0 clean, 1 findings at or above
# FAIL_ON, 2 bad input.
set -uo pipefail
bin="$1"
plan="$2"
rules="${3:-}"
fail_on="${4:-error}"
dir="$(dirname "$plan")"
rules_args=()
if [ -n "$rules" ]; then
  rules_args=(--rules "$rules")
fi
"$bin" guard --plan "$plan" "${rules_args[@]}" --format sarif --fail-on none > "$dir/guard.sarif"
sarif_status=$?
if [ "$sarif_status" -ge 2 ]; then
  echo "ci-guard: the guard could not read its input (exit status $sarif_status)" >&2
  exit "$sarif_status"
fi
"$bin" guard --plan "$plan" "${rules_args[@]}" --fail-on "$fail_on" > "$dir/guard-report.txt"
status=$?
summary="${GITHUB_STEP_SUMMARY:-$dir/guard-summary.md}"
# The Markdown report: findings by level with how to fix, and the plan's access changes.
"$bin" guard --plan "$plan" "${rules_args[@]}" --format markdown --fail-on "$fail_on" >> "$summary"
cat "$dir/guard-report.txt"
exit "$status"
