#!/usr/bin/env bash
# Runs a command and stops it when the process that started us dies, even by SIGKILL,
# so test and dev servers never outlive their owner.
owner=$1; shift
"$@" &
child=$!
trap 'kill -TERM $child 2>/dev/null; wait $child; exit' TERM INT
while kill -0 "$owner" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
kill -TERM "$child" 2>/dev/null
# Give it a moment to flush, then make sure.
for _ in 1 2 3 4 5; do kill -0 "$child" 2>/dev/null || break; sleep 1; done
kill -KILL "$child" 2>/dev/null
wait "$child"
