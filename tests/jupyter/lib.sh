# shellcheck shell=bash
# Shared by up.sh, hub-up.sh and down.sh (sourced): wait for a server, stop one by its PID file.

# wait_ready URL TOKEN PIDFILE LOG: polls URL with the token until it answers (60 s at most); on failure prints
# the log and returns 1.
wait_ready() {
  local _
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null -H "Authorization: token $2" "$1" 2>/dev/null; then
      return 0
    fi
    kill -0 "$(cat "$3")" 2>/dev/null || break
    sleep 0.5
  done
  echo "the server did not start; its log ($4):" >&2
  cat "$4" >&2
  return 1
}

# stop_pid PIDFILE: SIGTERM (the server stops its kernels, proxy and users' servers), SIGKILL after 15 s.
stop_pid() {
  local pid _
  [ -f "$1" ] || return 0
  pid="$(cat "$1")"
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  kill -9 "$pid" 2>/dev/null
  return 0
}
