#!/bin/sh
# `npm start`: build the web client and serve it. The flags are read first, so --help and a bad
# flag are answered at once, before a build; then the server replaces this shell (exec), so
# signals reach it as they would a service's own process.
set -e
cli=signaling/src/cli.ts
for arg in "$@"; do
  case "$arg" in -h | --help) exec node --import tsx "$cli" --help ;; esac
done
node --import tsx "$cli" --check-flags "$@"
# The client is built again only when what it is built from changed since its last build here.
sh scripts/build-client.sh
exec node --import tsx "$cli" "$@"
