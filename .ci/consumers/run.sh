#!/usr/bin/env bash
# Consumer projects of the packed tarball: each project under .ci/consumers/ is copied into a fresh
# directory outside the repository, installs the tarball and its own tools from the registry, and
# runs `npm test`:
#   jest29, jest30        CommonJS projects tested with Jest in its default configuration (no
#                         transform settings, no --forceExit): the emulator, a sign-in and document
#                         calls through Jest's module loader; Jest 29 also on Node 22, Jest 30 on 24
#   vitest-esm            an ES module project tested with vitest
#   typescript-nodenext   a strict TypeScript project (module nodenext, skipLibCheck off) that
#                         compiles against the package's types and then runs
# A test run that does not end (something keeping Node alive) fails after TEST_TIMEOUT seconds.
#
#   usage: bash .ci/consumers/run.sh path/to/frappe-oauth-client-x.y.z.tgz [project...]
set -euo pipefail

TEST_TIMEOUT=180
PROJECTS_DEFAULT="jest29 jest30 vitest-esm typescript-nodenext"

if [ "$#" -lt 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 <packed tarball> [project...]" >&2
  exit 2
fi
TARBALL="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECTS="${*:-$PROJECTS_DEFAULT}"

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/frappe-oauth-client-consumers.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT

fail() {
  echo "consumer project FAILED: $*" >&2
  exit 1
}

# run_tests <project> <label> [node major]: `npm test` on this Node, or on the given major via npx.
run_tests() {
  local project="$1" label="$2" major="${3:-}"
  echo "--- $project: npm test on $label"
  if [ -z "$major" ]; then
    timeout "$TEST_TIMEOUT" npm test || fail "$project on $label (exit $?; 124 means it did not end)"
  else
    timeout "$TEST_TIMEOUT" npx -y -p "node@$major" -c \
      "node -e 'process.exit(process.version.startsWith(\"v$major.\") ? 0 : 1)' && npm test" ||
      fail "$project on $label (exit $?; 124 means it did not end)"
  fi
}

for project in $PROJECTS; do
  [ -d "$HERE/$project" ] || fail "no project .ci/consumers/$project"
  dir="$SCRATCH/$project"
  mkdir -p "$dir"
  cp -R "$HERE/$project/." "$dir/"
  # The Jest projects share one test file.
  case "$project" in jest*) cp "$HERE/jest/"*.test.js "$dir/" ;; esac
  echo
  echo "=== $project ($dir)"
  (
    cd "$dir"
    npm install --no-audit --no-fund "$TARBALL" || fail "npm install in $project"
    run_tests "$project" "Node $(node --version)"
    case "$project" in
      jest29) run_tests "$project" "Node 22" 22 ;;
      jest30) run_tests "$project" "Node 24" 24 ;;
    esac
  )
done

echo
echo "consumer projects passed: $PROJECTS"
