#!/usr/bin/env bash
# The whole workflow against the embedded local space, no account needed:
# validate -> plan -> apply -> re-plan (empty) -> revert latest -> re-plan (all changes again).
set -euo pipefail
cd "$(dirname "$0")/.."
R=".venv/bin/reconcile"
export RECONCILE_DEMO=1
DEMO_DIR=$(mktemp -d)
trap 'rm -rf "$DEMO_DIR"' EXIT
cp -r models "$DEMO_DIR/models"
cat > "$DEMO_DIR/reconcile.toml" <<'TOML'
[targets.local]
kind = "local"
TOML
cd "$DEMO_DIR"
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
step "reconcile validate"
"$OLDPWD/$R" validate
step "reconcile plan (empty local space -> example models)"
set +e; "$OLDPWD/$R" plan; code=$?; set -e
echo "exit code: $code (2 = changes)" >&2
step "reconcile apply --auto-approve"
"$OLDPWD/$R" apply --auto-approve
step "reconcile plan (after apply: must be empty)"
"$OLDPWD/$R" plan
step "reconcile snapshots list"
"$OLDPWD/$R" snapshots list
step "reconcile revert latest --auto-approve (undo the apply)"
"$OLDPWD/$R" revert latest --auto-approve
step "reconcile plan (after revert: the changes are pending again)"
set +e; "$OLDPWD/$R" plan --format markdown | head -40; set -e
step "demo finished"
