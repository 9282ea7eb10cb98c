#!/usr/bin/env bash
# A private PulseAudio server with a null sink, for the audio tests.
#
#   eval "$(bash .ci/pulse.sh start)"   # starts it, prints `export PULSE_SERVER=...`
#   bash .ci/pulse.sh stop              # stops it (by its own pid file)
#   bash .ci/pulse.sh env               # prints the exports again
#
# Runs as root too (CI does): the server gets its own HOME/runtime folder so it
# touches no system state, accepts anonymous clients on a private socket, and
# never exits while idle. Everything played goes to the null sink
# `hiptimer_null`; tests record its monitor `hiptimer_null.monitor` with parecord.
# HIPTIMER_PULSE_DIR chooses the folder (default /tmp/hiptimer-pulse).
set -euo pipefail

DIR="${HIPTIMER_PULSE_DIR:-/tmp/hiptimer-pulse}"
SOCK="$DIR/native"
PIDFILE="$DIR/pulseaudio.pid"
LOG="$DIR/pulseaudio.log"
SINK=hiptimer_null

print_env() {
    echo "export PULSE_SERVER=unix:$SOCK"
    echo "export HIPTIMER_PULSE_SINK=$SINK"
}

running() {
    [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

start() {
    if ! command -v pulseaudio >/dev/null; then
        echo "pulse.sh: pulseaudio is not installed (apt-get install pulseaudio pulseaudio-utils)" >&2
        exit 1
    fi
    if running; then
        print_env
        return
    fi
    mkdir -p "$DIR/home" "$DIR/runtime" "$DIR/state"
    rm -f "$SOCK"
    # setsid: the server outlives this script and ignores the caller's signals.
    HOME="$DIR/home" XDG_RUNTIME_DIR="$DIR/runtime" XDG_CONFIG_HOME="$DIR/home/.config" \
        PULSE_RUNTIME_PATH="$DIR/runtime" PULSE_STATE_PATH="$DIR/state" \
        setsid pulseaudio -n --daemonize=no --exit-idle-time=-1 --disallow-exit \
        --disallow-module-loading=no --use-pid-file=no --disable-shm=yes \
        --log-target=file:"$LOG" --log-level=notice \
        --load="module-null-sink sink_name=$SINK rate=48000 sink_properties=device.description=HipTimer_null" \
        --load="module-native-protocol-unix auth-anonymous=1 socket=$SOCK" \
        </dev/null >/dev/null 2>&1 &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 100); do
        if PULSE_SERVER="unix:$SOCK" pactl info >/dev/null 2>&1; then
            PULSE_SERVER="unix:$SOCK" pactl set-default-sink "$SINK"
            PULSE_SERVER="unix:$SOCK" pactl set-default-source "$SINK.monitor"
            print_env
            return
        fi
        if ! running; then break; fi
        sleep 0.1
    done
    echo "pulse.sh: the PulseAudio server did not start; its log ($LOG):" >&2
    cat "$LOG" >&2 2>/dev/null || true
    stop >/dev/null 2>&1 || true
    exit 1
}

stop() {
    if running; then
        local pid
        pid="$(cat "$PIDFILE")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE" "$SOCK"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
env) print_env ;;
*)
    echo "usage: $0 start|stop|env" >&2
    exit 2
    ;;
esac
