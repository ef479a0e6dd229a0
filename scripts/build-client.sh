#!/bin/sh
# Build the web client into client/dist, unless it is up to date: built here before from the same
# sources, protocol package and lockfile, with the same VITE_ settings in the environment.
# `npm start` runs it first; so does the integration stage, before its passes run side by side: a
# build there empties client/dist under any server of the other passes that is reading it.
set -e
stamp=node_modules/.cache/meshchat/client-build
settings=$(env | grep '^VITE_' | sort || true)
if [ -f client/dist/index.html ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$settings" ] &&
  [ -z "$(find client/src client/index.html client/xliff client/vite.config.ts client/lit-localize.json client/package.json shared/src package-lock.json -newer "$stamp" 2>/dev/null | head -n 1)" ]; then
  echo "build-client: the web client in client/dist is up to date"
else
  npm run build
  mkdir -p "$(dirname "$stamp")"
  printf '%s' "$settings" >"$stamp"
fi
