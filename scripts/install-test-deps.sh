#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: the project with its
# test extras (editable, so the tests see this checkout); Debian's chromium for the
# browser tests (Playwright drives /usr/bin/chromium; it never downloads a browser); and
# Virtuoso Open Source for the triple-store integration test (the test starts its own
# instance on 127.0.0.1; the package's daemon is not used). The other real store, Oxigraph's
# server (the `oxigraph` command), is one of the test extras: pip installs it.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python -m pip install -q -e '.[test]'
# The store tests fail, rather than skip, without their servers: say so now.
python - <<'EOF_CHECK' || { echo "oxigraph (Oxigraph's server) was not installed" >&2; exit 1; }
import shutil, sys, pathlib
here = str(pathlib.Path(sys.executable).parent)  # where the test looks first
sys.exit(0 if shutil.which("oxigraph", path=here) or shutil.which("oxigraph") else 1)
EOF_CHECK
