#!/bin/sh
# Greets its arguments (CMD supplies "world"; `hoist run --rm hello you` greets you).
echo "$GREETING, $*! (hello $VERSION, $(cat /app/built-on))"
cat /app/motd
