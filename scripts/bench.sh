#!/usr/bin/env bash
# Run every benchmark; each prints a table beside the peer it is compared to.
# NegMAS (the frontier's peer) is installed in its own venv, .venv-bench, never in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-bench/bin/python ]; then
  python3 -m venv .venv-bench
  .venv-bench/bin/pip install --quiet --upgrade pip
fi
.venv-bench/bin/pip install --quiet -e '.[bench]'

echo "== frontier (beside NegMAS)";        .venv-bench/bin/python benchmarks/frontier.py "$@"
echo "== forecast (beside a plain loop)";  .venv/bin/python benchmarks/forecast.py
echo "== intake (precision, recall, speed)"; .venv/bin/python benchmarks/intake.py
echo "== desk (beside a bare FastAPI endpoint)"; .venv/bin/python benchmarks/desk.py
echo "== pages (p95 with 10,000 messages)"; .venv/bin/python benchmarks/pages.py
