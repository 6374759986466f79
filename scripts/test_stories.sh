#!/usr/bin/env bash
# `rasa test` on the end-to-end test stories; any wrong intent, entity or action fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
.venv/bin/rasa test core --model models/assistant.tar.gz \
  --stories tests/test_stories.yml --out results/stories \
  --e2e --fail-on-prediction-errors --no-plot
echo "rasa test: every test story predicted correctly"
