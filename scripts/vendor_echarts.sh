#!/usr/bin/env bash
# Fetches Apache ECharts from npm and vendors its minified build with its licence and
# notice into web/agent/vendor/ (committed: the desk serves it, nothing is loaded from a
# CDN at run time, which the Content-Security-Policy would refuse anyway).
# Usage: bash scripts/vendor_echarts.sh [version]   (default: the pinned one below)
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-6.1.0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "echarts@$version" >/dev/null && tar xzf "echarts-$version.tgz")
out=web/agent/vendor
mkdir -p "$out"
cp "$work/package/dist/echarts.min.js" "$out/echarts.min.js"
{
  echo "Apache ECharts $version (npm), dist/echarts.min.js, Apache License 2.0:"
  echo
  cat "$work/package/LICENSE"
  if [ -f "$work/package/NOTICE" ]; then
    echo
    echo "NOTICE:"
    echo
    cat "$work/package/NOTICE"
  fi
} > "$out/echarts.LICENSE"
echo "vendored echarts $version into $out ($(du -h "$out/echarts.min.js" | cut -f1))"
