#!/usr/bin/env bash
# Checks and unit-tests the alert rules: promtool check rules + promtool test rules.
# promtool compares annotations too; they are prose, so this copies alerts.yml without them.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
command -v promtool >/dev/null || { echo "promtool not found (Debian: apt-get install prometheus)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

promtool check config "$here/../prometheus.yml"
python3 - "$here/../alerts.yml" "$work/alerts.yml" <<'PY'
import sys, yaml
rules = yaml.safe_load(open(sys.argv[1]))
for group in rules["groups"]:
    for rule in group["rules"]:
        rule.pop("annotations", None)
yaml.safe_dump(rules, open(sys.argv[2], "w"), sort_keys=False)
PY
cp -- "$here/alerts.test.yml" "$work/"
promtool test rules "$work/alerts.test.yml"
