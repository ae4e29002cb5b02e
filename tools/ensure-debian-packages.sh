#!/usr/bin/env bash
# Install the named Debian packages unless their programs are there already:
#   chromium  for the browser tests
#   ripgrep   for OpenCode's grep and glob tools (OpenCode would otherwise download its
#             own rg, which an offline machine cannot)
set -euo pipefail
missing=()
for package in "$@"; do
  case $package in
    chromium) [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
    ripgrep) command -v rg >/dev/null 2>&1 || missing+=(ripgrep) ;;
    *) echo "ensure-debian-packages: unknown package $package" >&2; exit 2 ;;
  esac
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "Installing Debian packages: ${missing[*]}" >&2
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
