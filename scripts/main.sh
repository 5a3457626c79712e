#!/usr/bin/env bash
# The main job of the README: validate the shipped scenario variants, run them as one small batch
# (every variant x REPS replicates with common random numbers) into runs/main, and compare them with the plan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/xinhui-sim check scenarios/*.yaml
.venv/bin/xinhui-sim clean runs/main  # a fresh batch (an edited scenario would not resume); user files stay
.venv/bin/xinhui-sim batch scenarios/*.yaml --reps "${REPS:-4}" --seed "${SEED:-1}" --out runs/main
.venv/bin/xinhui-sim compare runs/main --baseline plan
.venv/bin/xinhui-sim report runs/main --baseline plan
