#!/usr/bin/env bash
# Creates .venv with Python 3.12 (pyenv via .python-version) and installs the project with its test tools.
# Idempotent: reinstalls only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
  for cand in python3.12 python3.13 "$HOME/.pyenv/versions/3.12.1/bin/python3"; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'; then
      PY="$cand"; break
    fi
  done
fi
"$PY" -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12+ is required"'
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  # quiet: pip's and setuptools' notices go to a log, shown only when the install fails
  if ! .venv/bin/python -m pip install -q -e ".[dev]" >.venv/install.log 2>&1; then
    tail -n 30 .venv/install.log >&2; echo "install failed; full log: .venv/install.log" >&2; exit 1
  fi
  .venv/bin/python -c "import sim, mesa, pyarrow" 
  rm -f .venv/.installed-*
  touch "$stamp"
fi
