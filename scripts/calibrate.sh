#!/usr/bin/env bash
# The full calibration of docs/calibration.md §5 in one command: calibrate CONFIG (default
# calibration/xinhui.yaml) to Xinhui's history, then the hold-out test (--holdout-from 2021: fit 2015-2020,
# forecast 2021-2023), then install the posterior as calibration/posterior/xinhui.parquet (what scripts/main.sh
# reads) with both reports beside it, and print the summary (coverage, identified parameters, the forecast
# interval of 2023 GDP and its width). Progress of each run goes to stderr, one line per generation
# (epsilon, acceptance, ESS, simulations, time, what is left). For every target outside its 90% interval each
# report has "What was tried" (DIR/tried.parquet), and the summary prints its verdict.
# Re-running continues an interrupted run and skips a finished one; nothing outside OUT and DEST is written.
#   CONFIG=...  OUT=runs/calibration  DEST=calibration/posterior  WORKERS=2  HOLDOUT_FROM=2021
#   HOLDOUT_BUDGET=1200 (simulations of the hold-out run; the full run uses the config's method.budget)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/xinhui-sim ] || bash scripts/bootstrap.sh
sim=.venv/bin/xinhui-sim
config=${CONFIG:-calibration/xinhui.yaml}
out=${OUT:-runs/calibration}
dest=${DEST:-calibration/posterior}
workers=${WORKERS:-2}
holdout_from=${HOLDOUT_FROM:-2021}
full="$out/full"
holdout="$out/holdout_$holdout_from"
start=$(date +%s)

run() {  # DIR ARGS...: calibrate into DIR unless it holds a finished calibration already
  local dir=$1; shift
  if [ -f "$dir/calibration.json" ]; then
    echo "$dir: finished already (choose another OUT to run again)" >&2
    return
  fi
  "$sim" calibrate "$config" --out "$dir" --workers "$workers" "$@"
}

echo "== calibration of $config ($workers workers) ==" >&2
run "$full"
echo "== hold-out test: fitted on the targets before $holdout_from ==" >&2
run "$holdout" --holdout-from "$holdout_from" --budget "${HOLDOUT_BUDGET:-1200}"
.venv/bin/python -m sim.calibration.install "$full" "$holdout" "$dest"
echo "total: $(( $(date +%s) - start )) s" >&2
