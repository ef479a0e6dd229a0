#!/bin/sh
# Run the specs matching $1 n times in a row on one worker, stopping at the first failure:
#   npm run test:e2e:repeat -- receipts 20
# A flaky spec shows up here long before it shows up in CI.
set -eu
spec=${1:?usage: npm run test:e2e:repeat -- <spec> [times, default 20]}
times=${2:-20}
exec sh ../testkit/run-isolated.sh playwright test "$spec" --repeat-each "$times" --no-deps --max-failures 1 --workers "${E2E_WORKERS:-1}"
