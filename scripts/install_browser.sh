#!/usr/bin/env bash
# Debian's chromium (and CJK fonts for readable screenshots) for the browser tests.
# Playwright drives it through executable_path; `playwright install` is never used.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "chromium is missing and installing it needs root: apt-get install chromium fonts-noto-cjk" >&2
    exit 1
  fi
fi
echo "Installing chromium and fonts-noto-cjk from Debian packages"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
