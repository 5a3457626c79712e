#!/usr/bin/env bash
# The test command of the README and of .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python -m pytest -q "$@"
