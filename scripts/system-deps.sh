#!/usr/bin/env bash
# Debian packages the service and its tests need: CJK fonts and fast font subsetting for WeasyPrint
# PDFs, poppler to read PDFs back, Chromium for the browser tests and gettext (msgfmt) to compile
# and extract the translations, and Node.js with npm for the TypeScript client check. Installs only
# what is missing; needs root (or sudo).
set -euo pipefail
packages=(fonts-noto-cjk libharfbuzz-subset0 poppler-utils chromium gettext)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere than Debian (nodesource, nvm): any working npm will do.
command -v npm >/dev/null || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "Please install: ${missing[*]} (no apt-get here)" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing ${missing[*]} ..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
