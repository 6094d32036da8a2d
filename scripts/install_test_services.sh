#!/usr/bin/env bash
# Test services that Python cannot install: a real Secret Service keyring (gnome-keyring inside a
# private D-Bus session) for tests/test_secret_service.py, and Xvfb for the headed `privacyguard
# login` tests. Installs them with apt-get where that works (Debian/Ubuntu, as root or with sudo
# without a password); elsewhere it says so and those tests skip with the same reason.
set -u
need=()
command -v gnome-keyring-daemon >/dev/null || need+=(gnome-keyring)
command -v dbus-run-session >/dev/null || need+=(dbus)
command -v xvfb-run >/dev/null || need+=(xvfb xauth)
[ ${#need[@]} -eq 0 ] && { echo "test services: present (gnome-keyring, dbus, xvfb)"; exit 0; }
if ! command -v apt-get >/dev/null; then
  echo "test services: apt-get not available; missing ${need[*]} (the tests that need them will skip)"; exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "test services: not root and no password-less sudo; missing ${need[*]} (those tests will skip)"; exit 0
  fi
fi
echo "test services: installing ${need[*]}"
$SUDO apt-get update -qq >/dev/null 2>&1 || true
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
  || echo "test services: apt-get install failed; the tests that need ${need[*]} will skip"
exit 0
