#!/usr/bin/env bash
# The main job of the README: validate the shipped scenario variants, run them as one small batch
# (every variant x REPS replicates with common random numbers, each replicate with a posterior draw of the
# calibrated parameters) into runs/main, write the report, and end with
# the executive summary of the plan targets (xinhui-sim compare). Quiet: the install, the checks and the
# batch print nothing unless something fails; the full tables are in runs/main (compare.md, summary.md, CSVs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
sim=.venv/bin/xinhui-sim
"$sim" -q check scenarios/*.yaml
# a fresh batch (an edited scenario would not resume); user files stay; a fresh clone has no runs/main yet
if [ -e runs/main ]; then "$sim" -q clean runs/main; fi
# each replicate draws its parameters from the shipped posterior (docs/calibration.md §5): the intervals of
# compare and of the executive summary include parameter uncertainty; POSTERIOR= (empty) leaves it out
posterior=("--posterior" "${POSTERIOR-calibration/posterior/xinhui.parquet}")
[ -n "${posterior[1]}" ] || posterior=()
"$sim" -q batch scenarios/*.yaml --reps "${REPS:-4}" --seed "${SEED:-1}" --out runs/main --no-progress "${posterior[@]}"
"$sim" -q report runs/main --baseline plan
"$sim" -q explain runs/main --baseline plan >/dev/null  # runs/main/explain.csv: growth by channel
"$sim" compare runs/main --baseline plan
