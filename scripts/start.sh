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
# The client is built again only when what it is built from changed since its last build here: its
# sources, the protocol package, the lockfile, or the VITE_ settings in the environment.
stamp=node_modules/.cache/meshchat/client-build
settings=$(env | grep '^VITE_' | sort || true)
if [ -f client/dist/index.html ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$settings" ] &&
  [ -z "$(find client/src client/index.html client/xliff client/vite.config.ts client/lit-localize.json client/package.json shared/src package-lock.json -newer "$stamp" 2>/dev/null | head -n 1)" ]; then
  echo "start: the web client in client/dist is up to date"
else
  npm run build
  mkdir -p "$(dirname "$stamp")"
  printf '%s' "$settings" >"$stamp"
fi
exec node --import tsx "$cli" "$@"
