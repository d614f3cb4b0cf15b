#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: the project with its
# test extras (editable, so the tests see this checkout), and Debian's chromium for the
# browser tests (Playwright drives /usr/bin/chromium; it never downloads a browser).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

python -m pip install -q -e '.[test]'
