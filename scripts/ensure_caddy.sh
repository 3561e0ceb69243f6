#!/usr/bin/env bash
# Caddy is the one origin in front of the WSGI and ASGI servers (config/Caddyfile): `make run`
# in services mode and the tests of the whole site start it. Install Debian's when missing.
set -euo pipefail
command -v caddy >/dev/null && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Caddy is missing: run 'sudo apt-get install caddy' (or see https://caddyserver.com/docs/install) and try again." >&2
  exit 1
fi
echo "Installing Debian's caddy for the site's reverse proxy..."
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q caddy >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q caddy >/dev/null; }
