#!/usr/bin/env bash
# Waits until every container of a compose project runs and every one with a healthcheck is healthy:
# what `docker compose up --wait` does, for docker-compose v1, which has no --wait.
#
#   deploy/compose-wait.sh [PROJECT] [TIMEOUT_SECONDS]     (npm run compose:wait)
#
# PROJECT defaults to $COMPOSE_PROJECT_NAME, else compose's default, the directory's name. Exits 0
# when ready, 1 with the containers' states once the timeout (default 180 s) passes.
set -euo pipefail
project=${1:-${COMPOSE_PROJECT_NAME:-$(basename "$(pwd)" | tr '[:upper:]' '[:lower:]' | tr -cd 'a-z0-9_-')}}
timeout=${2:-180}
deadline=$(( $(date +%s) + timeout ))

states() {
  local ids
  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$project")
  [ -n "$ids" ] || return 0
  # name, state, health ("none" without a healthcheck)
  docker inspect --format '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' $ids
}

while :; do
  current=$(states)
  if [ -z "$current" ]; then
    waiting="no containers of project $project"
  else
    waiting=$(echo "$current" | awk '$2 != "running" || ($3 != "healthy" && $3 != "none")')
    if [ -z "$waiting" ]; then
      echo "compose-wait: $project: $(echo "$current" | wc -l) containers running and healthy"
      exit 0
    fi
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "compose-wait: $project not ready within ${timeout} s:" >&2
    echo "${waiting}" | sed 's/^/  /' >&2
    exit 1
  fi
  sleep 1
done
