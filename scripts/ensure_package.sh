#!/usr/bin/env bash
# Install a Debian package when the program, library or file it provides is missing:
#   scripts/ensure_package.sh PROGRAM|LIBRARY.so.N|/PATH PACKAGE WHAT-FOR
# `make test` needs Chromium (the browser tests) and Caddy (the site's proxy in the tests of
# the whole site); `make run` in services mode needs Caddy.
set -euo pipefail
program=$1 package=$2 purpose=$3
case $program in
  *.so.*) ldconfig -p | grep -qF "$program (" && exit 0 ;;
  /*) [ -e "$program" ] && exit 0 ;;
  *) command -v "$program" >/dev/null && exit 0 ;;
esac
if [ "$(id -u)" -ne 0 ]; then
  echo "$program is missing ($purpose): run 'sudo apt-get install $package' and try again." >&2
  exit 1
fi
echo "Installing Debian's $package for $purpose..."
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q "$package" >/dev/null \
  || { apt-get update -q >/dev/null && apt-get install -y -q "$package" >/dev/null; }
