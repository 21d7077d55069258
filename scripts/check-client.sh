#!/usr/bin/env bash
# The API contract for front-end teams: clients/openapi.yaml and the TypeScript types generated
# from it (clients/typescript/schema.d.ts). Both are committed, so a change to the API shows up
# in review as a change to these files; this script keeps them honest.
#
#   scripts/check-client.sh [DIR]    regenerate into a temporary directory and fail if DIR
#                                    (default: clients) differs; CI runs this via `make test`
#   scripts/check-client.sh --update regenerate clients/ in place (`make client`)
set -euo pipefail
cd "$(dirname "$0")/.."

python="${VENV:-.venv}/bin/python"
package=clients/typescript

# One definition of how the files are made, used both to update and to check them.
generate() {
  local out="$1"
  # --lang en: descriptions taken from translatable model texts are always in the same language.
  # A fixed in-memory SQLite: integer bounds in the schema otherwise follow the database backend
  # (PostgreSQL's smallint limits), and the contract must not depend on where it was generated.
  DATABASE_URL="sqlite://:memory:" "$python" manage.py spectacular --lang en --validate \
    --fail-on-warn --file "$out/openapi.yaml"
  # npm ci uses only the lockfile (and the registry named in clients/typescript/.npmrc); run it
  # again only when the lockfile changed since the last install.
  if [ ! "$package/node_modules/.package-lock.json" -nt "$package/package-lock.json" ]; then
    (cd "$package" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  "$package/node_modules/.bin/openapi-typescript" "$out/openapi.yaml" \
    --output "$out/typescript/schema.d.ts"
}

if [ "${1:-}" = "--update" ]; then
  mkdir -p "$package"
  generate clients
  echo "Updated clients/openapi.yaml and $package/schema.d.ts: review the diff and commit both."
  exit 0
fi

committed="${1:-clients}"
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
mkdir -p "$fresh/typescript"
generate "$fresh"

status=0
for file in openapi.yaml typescript/schema.d.ts; do
  if ! diff -u --label "$committed/$file (committed)" --label "$file (generated now)" \
    "$committed/$file" "$fresh/$file"; then
    status=1
  fi
done
if [ "$status" -ne 0 ]; then
  echo >&2
  echo "The API contract in $committed/ differs from what the code generates (diff above)." >&2
  echo "If the API change is intended, run \`make client\` and commit clients/ with it;" >&2
  echo "front-end teams build against these files." >&2
  exit 1
fi
echo "clients/ matches the API schema."
