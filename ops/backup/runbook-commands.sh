#!/usr/bin/env bash
# Prints the `docker compose …` command lines of the README's backup runbook (the code blocks
# between the `backup-runbook` markers), one per line, continuation lines joined and trailing
# comments dropped. The restore drill runs them and the tests check them against
# docker-compose.yml, so the document, the compose file and the scripts cannot drift apart.
set -euo pipefail
readme=${1:-$(cd "$(dirname "$0")/../.." && pwd)/README.md}
awk '
  /<!-- backup-runbook/ { on = 1; next }
  /<!-- \/backup-runbook/ { on = 0 }
  !on { next }
  /^```/ { code = !code; next }
  !code { next }
  {
    line = $0
    sub(/[ \t][ \t]+#.*$/, "", line)   # a trailing comment: two spaces or more, then #
    if (held != "") { sub(/^[ \t]+/, "", line); line = held " " line }
    if (line ~ /\\$/) { sub(/[ \t]*\\$/, "", line); held = line; next }
    held = ""
    if (line ~ /^docker compose /) print line
  }
' "$readme"
