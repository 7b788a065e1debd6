#!/usr/bin/env bash
# Installs what the end-to-end tests (tests/e2e, `pytest -m e2e`) need, skipping whatever
# is already there, so a second run takes a few seconds:
#   - Debian packages: chromium (driven by Playwright and Lighthouse), a Java runtime (for
#     vnu.jar), fonts, and Node.js with npm if the machine has none;
#   - npm packages pinned in tests/e2e/package-lock.json: vnu-jar, axe-core, lighthouse;
#   - the project itself with its `test` extra (pytest, playwright, ...) in .venv.
# Run it from anywhere: bash tests/e2e/setup.sh
set -euo pipefail

E2E="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$E2E/../.." && pwd)"

say() { printf 'e2e setup: %s\n' "$*"; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# 1. Debian packages.
packages=()
{ [ -x /usr/bin/chromium ] && installed chromium; } || packages+=(chromium)
installed fonts-liberation || packages+=(fonts-liberation)
command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
if ! command -v node >/dev/null 2>&1; then
    packages+=(nodejs npm)  # Debian's Node 18 runs Lighthouse 12 too
elif ! command -v npm >/dev/null 2>&1; then
    packages+=(npm)
fi
if ((${#packages[@]})); then
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    say "apt-get install ${packages[*]}"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${packages[@]}" >/dev/null
fi

# 2. npm packages, exactly as locked. --ignore-scripts: vnu-jar's install script would
# download a Java runtime, and the machine's own Java is used instead.
stamp="$E2E/node_modules/.digest-e2e-lock.json"
if [ -f "$stamp" ] && cmp -s "$E2E/package-lock.json" "$stamp" \
    && [ -f "$E2E/node_modules/vnu-jar/build/dist/vnu.jar" ] \
    && [ -f "$E2E/node_modules/axe-core/axe.min.js" ] \
    && [ -f "$E2E/node_modules/lighthouse/cli/index.js" ]; then
    :
else
    say "npm ci in tests/e2e"
    (cd "$E2E" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    cp "$E2E/package-lock.json" "$stamp"
fi

# 3. Python: the project with its test extra, in the same .venv as the README's commands.
if [ ! -x "$REPO/.venv/bin/python" ]; then
    say "python3 -m venv .venv"
    python3 -m venv "$REPO/.venv"
fi
# Always asked: pip answers in a few seconds when everything is there, and picks up
# dependencies added to pyproject.toml since the last run.
"$REPO/.venv/bin/pip" install -q -e "$REPO[test]"

# 4. Everything answers.
java -version >/dev/null 2>&1 || { say "java does not run"; exit 1; }
chromium_version="$(/usr/bin/chromium --version 2>/dev/null)" || { say "chromium does not run"; exit 1; }
say "ready: ${chromium_version}, node $(node --version), $(java -version 2>&1 | head -n 1)"
