#!/usr/bin/env bash
# Trains the model into models/assistant.tar.gz and prints how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
.venv/bin/rasa train --fixed-model-name assistant --out models
echo "Training took $(( $(date +%s) - start )) s; model size $(du -h models/assistant.tar.gz | cut -f1)."
