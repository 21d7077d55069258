#!/usr/bin/env bash
# Debian packages the project needs, in two sets:
#   run   the service: CJK fonts and fast font subsetting for WeasyPrint PDFs, gettext (msgfmt)
#         to compile and extract the translations;
#   test  the run set, and for the tests: poppler to read PDFs back, Chromium for the browser
#         tests, Node.js with npm for the TypeScript client check.
# Installs only what is missing; needs root (or sudo). `--list` prints the set and installs nothing.
set -euo pipefail
set_name="${1:-run}"
case "$set_name" in
  run) packages=(fonts-noto-cjk libharfbuzz-subset0 gettext) ;;
  test) packages=(fonts-noto-cjk libharfbuzz-subset0 gettext poppler-utils chromium) ;;
  *) echo "usage: $0 [run|test] [--list]" >&2; exit 2 ;;
esac
# Node.js may come from elsewhere than Debian (nodesource, nvm): any working npm will do.
node=()
[ "$set_name" = test ] && node=(nodejs npm)
if [ "${2:-}" = "--list" ]; then
  echo "${packages[@]}" "${node[@]}"
  exit 0
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#node[@]} -eq 0 ] || command -v npm >/dev/null || missing+=("${node[@]}")
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
