#!/usr/bin/env bash
# Consumer smoke test of the packed tarball: install it into a fresh project outside the repository
# (its dependencies come from the registry), then require() and import both entry points and run
# them (on this Node, 22 and 24), and type-check a CommonJS and an ESM consumer (module nodenext)
# plus a node10 consumer.
#
#   usage: bash .ci/consumer-smoke.sh path/to/frappe-oauth-client-x.y.z.tgz
#
# attw/publint do not catch the CJS default-import trap (`import_keyv.default is not a constructor`),
# so this test runs the built code for real.
set -euo pipefail

# Runtime exports the main entry must have, space-separated. Each one is checked to exist (require
# and import) and to be typed (nodenext .cts and .mts). With `FrappeOAuthClient` listed here, it is
# also run through a whole authorize → callback → getAccessToken flow against the emulator (when it
# is only exported, the smoke test just constructs it and builds an authorize URL).
EXPECTED_MAIN_EXPORTS="FrappeOAuthClient FrappeError AuthorizationRequiredError AuthorizationDeniedError FrappeOAuthError TokenStoreError"
# Runtime exports of `frappe-oauth-client/testing`.
EXPECTED_TESTING_EXPORTS="FrappeEmulator"

TYPESCRIPT_VERSION="~5.9.3"
TYPES_NODE_VERSION="^20.19.43"

if [ "$#" -ne 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 <packed tarball>" >&2
  exit 2
fi
TARBALL="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
FIXTURES="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/consumer"

CONSUMER="$(mktemp -d "${TMPDIR:-/tmp}/frappe-oauth-client-consumer.XXXXXX")"
trap 'rm -rf "$CONSUMER"' EXIT
cd "$CONSUMER"
echo "consumer project: $CONSUMER"

fail() {
  echo "consumer smoke test FAILED: $*" >&2
  exit 1
}

# --- the tarball's layout ---------------------------------------------------------------------------
for file in package.json LICENSE README.md \
  dist/index.js dist/index.mjs dist/index.d.ts dist/index.d.mts \
  dist/testing/index.js dist/testing/index.mjs dist/testing/index.d.ts dist/testing/index.d.mts; do
  tar -tzf "$TARBALL" "package/$file" >/dev/null 2>&1 || fail "the tarball has no $file"
done
if tar -tzf "$TARBALL" | grep -Eq '^package/(src|test|\.ci|examples|node_modules)/'; then
  fail "the tarball ships files outside dist/"
fi

# --- install ----------------------------------------------------------------------------------------
npm init -y >/dev/null
npm install --no-audit --no-fund "$TARBALL" "typescript@$TYPESCRIPT_VERSION" "@types/node@$TYPES_NODE_VERSION"
cp "$FIXTURES"/* .

# Generated type checks for the expected main exports (one line per export).
{
  echo "import main = require('frappe-oauth-client');"
  echo "export const mainExports: unknown[] = ["
  for name in $EXPECTED_MAIN_EXPORTS; do echo "  main.$name,"; done
  echo "];"
} >main-exports.cts
{
  echo "import * as main from 'frappe-oauth-client';"
  echo "export const mainExports: unknown[] = ["
  for name in $EXPECTED_MAIN_EXPORTS; do echo "  main.$name,"; done
  echo "];"
} >main-exports.mts
if [[ " $EXPECTED_MAIN_EXPORTS " == *" FrappeOAuthClient "* ]]; then
  cat client-types.snippet >>main-exports.cts
  cat client-types.snippet >>main-exports.mts
fi

export EXPECTED_MAIN_EXPORTS EXPECTED_TESTING_EXPORTS

# --- run time ---------------------------------------------------------------------------------------
run_node() { # run_node <label> <command...>: fails on a non-zero exit or on a warning on stderr
  local label="$1"
  shift
  local err="$CONSUMER/.stderr"
  if ! "$@" 2>"$err"; then
    cat "$err" >&2
    fail "$label"
  fi
  cat "$err" >&2
  if grep -Eq 'Warning|ERR_' "$err"; then fail "$label printed a warning"; fi
}

echo "--- require() on Node $(node --version)"
run_node "require() smoke test" node smoke.cjs
echo "--- import on Node $(node --version)"
run_node "import smoke test" node smoke.mjs
for major in 22 24; do
  echo "--- require() and import on Node $major"
  run_node "Node $major smoke test" npx -y -p "node@$major" -c \
    "node -e 'process.exit(process.version.startsWith(\"v$major.\") ? 0 : 1)' && node smoke.cjs && node smoke.mjs"
done

# --- types ------------------------------------------------------------------------------------------
echo "--- tsc $(npx tsc --version): module nodenext (.cts + .mts), skipLibCheck false"
npx tsc -p tsconfig.nodenext.json || fail "type check with module nodenext"
echo "--- tsc: module commonjs, moduleResolution node10 (testing subpath via typesVersions)"
npx tsc -p tsconfig.node10.json || fail "type check with moduleResolution node10"

echo "consumer smoke test passed"
