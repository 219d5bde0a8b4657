#!/usr/bin/env bash
# Installs a built tokenclear on this host for systemd (docs/DEPLOYMENT.md): the server
# and clearctl into /usr/local/bin, the unit into /etc/systemd/system, the configuration
# (deploy/tokenclear.conf) into /etc/tokenclear/tokenclear.conf unless one is there
# already (an edited file is never overwritten), and a system user `tokenclear`. It
# starts nothing: edit the configuration, put the TLS files in /etc/tokenclear/tls/, then
# `systemctl enable --now tokenclear`. Run as root after the build (deploy/run.sh or
# cmake --build build).
#
#   sudo deploy/install.sh [BUILD_DIR]      # default: build
#   TOKENCLEAR_INSTALL_ROOT=/tmp/stage deploy/install.sh   # into a staging root (tests)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
root=${TOKENCLEAR_INSTALL_ROOT:-}

for binary in services/tokenclear_server tools/clearctl; do
  [ -x "$build/$binary" ] || { echo "install.sh: $build/$binary is not built" >&2; exit 2; }
done
install -D -m 0755 "$build/services/tokenclear_server" "$root/usr/local/bin/tokenclear_server"
install -D -m 0755 "$build/tools/clearctl" "$root/usr/local/bin/clearctl"
install -D -m 0644 "$repo/deploy/systemd/tokenclear.service" \
  "$root/etc/systemd/system/tokenclear.service"
install -D -m 0644 "$repo/docs/DEPLOYMENT.md" "$root/usr/local/share/doc/tokenclear/DEPLOYMENT.md"
install -d -m 0750 "$root/etc/tokenclear" "$root/etc/tokenclear/tls"
if [ ! -e "$root/etc/tokenclear/tokenclear.conf" ]; then
  install -m 0640 "$repo/deploy/tokenclear.conf" "$root/etc/tokenclear/tokenclear.conf"
else
  echo "install.sh: keeping the existing $root/etc/tokenclear/tokenclear.conf"
fi
if [ -z "$root" ]; then
  getent passwd tokenclear >/dev/null ||
    useradd --system --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin tokenclear
  chgrp -R tokenclear /etc/tokenclear
  systemctl daemon-reload 2>/dev/null || true   # no systemd running (a container): nothing to reload
fi
echo "installed; next: edit /etc/tokenclear/tokenclear.conf, then systemctl enable --now tokenclear"
