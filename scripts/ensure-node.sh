#!/usr/bin/env bash
# Node.js and npm are needed only to fetch the front-end libraries at build time.
set -euo pipefail
if command -v npm >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Node.js and npm from Debian…" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  exit 0
fi
echo "towngrid needs npm to fetch its front-end libraries: install Node.js (e.g. apt-get install nodejs npm)" >&2
exit 1
