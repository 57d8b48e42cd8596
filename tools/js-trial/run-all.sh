#!/bin/bash
# The trial of Contentful's own JavaScript tools against `reconcile emulator serve` (see README.md).
# Usage: npm ci && ./run-all.sh        (PORT, REPO, OUT may be set; needs node >= 20 and the repo's .venv)
set -euo pipefail
cd "$(dirname "$0")"
REPO=${REPO:-$(cd ../.. && pwd)}
PORT=${PORT:-18803}
OUT=${OUT:-$(mktemp -d)}
CERT=$REPO/tests/emulator/tls/cert.pem
export OUT TOKEN=trial-token SPACE=trialspace HOST=127.0.0.1:$PORT INSECURE=false
export NODE_EXTRA_CA_CERTS=$CERT REQUESTS_CA_BUNDLE=$CERT   # node and the Python SDK trust the test certificate
export HOME=$OUT/home && mkdir -p "$HOME"                   # no ~/.contentfulrc.json of yours is read

CONTENTFUL_MANAGEMENT_TOKEN=$TOKEN "$REPO/.venv/bin/python" -m reconcile emulator serve --port "$PORT" \
  --data "$OUT/data" --space trialspace --space otherspace --space clispace --space assetspace --space assetcopy \
  --tls-cert "$CERT" \
  --tls-key "$REPO/tests/emulator/tls/key.pem" 2> "$OUT/emulator.log" &
SERVER=$!
trap 'kill $SERVER' EXIT
for _ in $(seq 100); do grep -q Serving "$OUT/emulator.log" && break; sleep 0.2; done

step() { echo "== $*"; }
migrate() { node run-migration.js "migrations/$1.js" > "$OUT/$1.log" 2>&1 || { tail -20 "$OUT/$1.log"; exit 1; }; echo "$1 OK"; }

step "(1) contentful-migration, (2) contentful-management"
migrate 01-create
node sdk-flow.js
node entity.js 2>&1 | grep -v deprecated   # the JS SDK's own real-API entry test, entity (legacy) client
for m in 02-evolve 00-tmpdel 03-content 04-remove; do migrate "$m"; done
npx contentful space migration --host "$HOST" --space-id clispace --management-token "$TOKEN" -y \
  migrations/00-tmpdel.js > "$OUT/cli-migration.log" 2>&1 && echo "contentful space migration OK"

step "(3) contentful-export, contentful-import into otherspace, export again"
node export-import.js > "$OUT/export-import.log" 2>&1 || { tail -30 "$OUT/export-import.log"; exit 1; }
grep -E "^(contentTypes|editorInterfaces|entries|locales|tags) " "$OUT/export-import.log"
node import-into-env.js > "$OUT/import-into-env.log" 2>&1 || { tail -30 "$OUT/import-into-env.log"; exit 1; }
grep "^import into" "$OUT/import-into-env.log"
node assets.js > "$OUT/assets.log" 2>&1 || { tail -30 "$OUT/assets.log"; exit 1; }
grep -E "^(SDK asset|publish before|stale update|delete published|archive published|entry |export-import-export|import again)" "$OUT/assets.log"

step "(4) reconcile around them"
mkdir -p "$OUT/proj" && cd "$OUT/proj"
printf '[targets.emu]\nkind = "contentful"\nspace_id = "trialspace"\nenvironment = "master"\n' > reconcile.toml
printf 'token_env = "TOKEN"\nbase_url = "https://%s"\n' "$HOST" >> reconcile.toml
R="$REPO/.venv/bin/reconcile"
$R pull -t emu
set +e; $R plan -t emu > plan1.txt; echo "plan after pull: exit $? (2: setTagsForEntries left post's draft unpublished)"; set -e
$R apply -t emu --auto-approve > /dev/null 2>&1 && $R plan -t emu > /dev/null && echo "plan after apply: exit 0"
printf '\n[[fields]]\nid = "website"\nname = "Website"\ntype = "Symbol"\nvalidations = [{ regexp = { pattern = "^https://" } }]\neditor = { widget_id = "urlEditor", widget_namespace = "builtin", settings = { helpText = "Homepage" } }\n' >> models/content_types/author.toml
sed -i 's/^name = "Blog post"/name = "Article"/' models/content_types/post.toml
$R apply -t emu --auto-approve > /dev/null 2>&1 && $R plan -t emu > /dev/null && echo "apply of a change, plan: exit 0"
cd - > /dev/null
node readback.js
migrate 05-after-reconcile
set +e; (cd "$OUT/proj" && $R plan -t emu > plan2.txt); echo "plan after a migration on top: exit $? (2 expected)"; set -e
echo "all done; logs in $OUT"
