#!/usr/bin/env bash
# The main job of the README: validate and run the shipped scenario variants into runs/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/xinhui-sim check scenarios/*.yaml
for scenario in scenarios/*.yaml; do
  name=$(basename "$scenario" .yaml)
  .venv/bin/xinhui-sim run "$scenario" --seed "${SEED:-1}" --out "runs/$name"
done
