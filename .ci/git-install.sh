#!/usr/bin/env bash
# Install from a git URL, as `npm install git+https://…` would: clone the repository's committed
# HEAD, install it into a fresh project with `npm install git+file://…` (npm then installs the
# clone's dependencies and runs its `prepare` script, which builds dist/), and require() and
# import both entry points with the consumer smoke checks (.ci/consumer/checks.cjs).
#
#   usage: bash .ci/git-install.sh [path/to/repository]   (default: this repository)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${1:-$HERE/..}" && pwd)"

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/frappe-oauth-client-git-install.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT

fail() {
  echo "git-URL install FAILED: $*" >&2
  exit 1
}

git clone --quiet --no-local "$REPO" "$SCRATCH/clone" || fail "git clone $REPO"
echo "cloned $(git -C "$SCRATCH/clone" rev-parse --short HEAD) of $REPO"
[ ! -e "$SCRATCH/clone/dist" ] || fail "the clone already has a dist/: it would prove nothing"

mkdir "$SCRATCH/project"
cd "$SCRATCH/project"
npm init -y >/dev/null
npm install --no-audit --no-fund "git+file://$SCRATCH/clone" || fail "npm install git+file://…"
for file in dist/index.js dist/index.mjs dist/index.d.ts dist/testing/index.js dist/testing/index.mjs; do
  [ -f "node_modules/frappe-oauth-client/$file" ] || fail "the installed package has no $file (prepare did not build)"
done

cp "$HERE/consumer/checks.cjs" "$HERE/consumer/smoke.cjs" "$HERE/consumer/smoke.mjs" .
export EXPECTED_MAIN_EXPORTS="FrappeOAuthClient FrappeError isFrappeError"
export EXPECTED_TESTING_EXPORTS="FrappeEmulator"
node smoke.cjs || fail "require() of the git-URL install"
node smoke.mjs || fail "import of the git-URL install"
echo "git-URL install passed"
