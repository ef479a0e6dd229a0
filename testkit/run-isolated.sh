#!/bin/sh
# Run a command in a network namespace of its own: loopback plus a veth pair that leads nowhere.
# WebRTC then gathers host candidates (Chromium finds none on loopback alone), and no packet
# can leave the machine. See docs/testing.md, "WebRTC with no network".
set -eu
if [ "${MESHCHAT_IN_NETNS:-}" = 1 ]; then
  ip link set lo up
  ip link add mc0 type veth peer name mc1
  ip addr add 198.18.0.1/24 dev mc0
  ip link set mc0 up
  ip link set mc1 up
  ip route add default via 198.18.0.2 dev mc0
  exec "$@"
fi
if command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1; then
  # As root a plain network namespace; otherwise inside a user namespace of our own.
  flags=-n
  [ "$(id -u)" = 0 ] || flags=-rn
  if unshare $flags true 2>/dev/null; then
    MESHCHAT_IN_NETNS=1 exec unshare $flags sh "$0" "$@"
  fi
fi
echo "run-isolated: cannot make a network namespace here (needs unshare and ip); running without isolation" >&2
exec "$@"
