#!/usr/bin/env bash
# Builds local stand-ins for the registry images the Dockerfile and docker-compose.yml name, on a
# machine that cannot pull from Docker Hub. Each is made from Debian packages and implements only
# what this repository relies on (see docs/deploy.md). An image that already exists is kept, so a
# machine that can pull the real ones, or ran this before, builds nothing.
#
#   deploy/standins/build.sh [--force]
#
# Needs a running engine, debootstrap, and network access to deb.debian.org (apt) only.
set -euo pipefail
# The engine of Debian 12 has the legacy builder only; saying so keeps the newer client quiet about BuildKit.
export DOCKER_BUILDKIT=0
here=$(cd "$(dirname "$0")" && pwd)
force=${1:-}

have() { [ "$force" != --force ] && docker image inspect "$1" >/dev/null 2>&1; }
say() { echo "standins: $*" >&2; }
# A build's output is shown only when it fails.
build() {
  local log
  log=$(mktemp)
  if ! docker build "$@" >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; echo "standins: docker build $* failed" >&2; exit 1; fi
  rm -f "$log"
}

# debian:bookworm-slim: a minbase debootstrap, without the package caches, lists and docs that the
# real slim image leaves out too.
if ! have debian:bookworm-slim; then
  command -v debootstrap >/dev/null || { echo "standins: debootstrap is missing (apt-get install debootstrap)" >&2; exit 2; }
  rootfs=$(mktemp -d /tmp/interplay-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  say "debootstrap bookworm into $rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  # mktemp made the directory 0700; as the image's / it would shut every non-root user out.
  chmod 755 "$rootfs"
  # The configuration of the real image: a PATH (an imported image has none) and bash as the command.
  tar -C "$rootfs" -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  say "debian:bookworm-slim imported"
fi

# node:20-bookworm-slim: Debian ships Node 18, so the Node 20 of this machine (the nodesource package
# nodejs) is copied in, file by file as `dpkg -L nodejs` lists them, docs left out. Like the real image
# it is Node in the filesystem, not a dpkg package: no python3 dependency, and apt in a build stage
# installs build tools without touching it.
if ! have node:20-bookworm-slim; then
  node_version=$(node --version 2>/dev/null || true)
  case "$node_version" in v20.*) ;; *) echo "standins: node:20-bookworm-slim needs Node 20 on this machine (found ${node_version:-none})" >&2; exit 2 ;; esac
  dpkg -s nodejs >/dev/null 2>&1 || { echo "standins: node:20-bookworm-slim copies the nodejs package, which is not installed" >&2; exit 2; }
  context=$(mktemp -d /tmp/interplay-node.XXXXXX)
  trap 'rm -rf "$context"' EXIT
  # npm's own tree is copied whole: npm updated in place leaves files that the package's list does not name.
  { dpkg -L nodejs | grep -v '^/usr/lib/node_modules/' | while read -r f; do if [ -f "$f" ] || [ -L "$f" ]; then echo "${f#/}"; fi; done
    find /usr/lib/node_modules \( -type f -o -type l \) | sed 's#^/##'
  } | grep -vE '^usr/share/(doc|man)/' | tar -C / --no-recursion -c -T - -f "$context/node.tar"
  cp "$here/node/Dockerfile" "$context/"
  say "node:20-bookworm-slim from nodejs $node_version"
  build -t node:20-bookworm-slim "$context"
  rm -rf "$context"
  trap - EXIT
fi

# postgres:15 and nats:2.9 install Debian's packages, so their builds reach deb.debian.org.
if ! have postgres:15; then
  say "postgres:15 from Debian's postgresql-15"
  build --network host -t postgres:15 "$here/postgres"
fi
if ! have nats:2.9; then
  say "nats:2.9 from Debian's nats-server (2.9.10)"
  build --network host -t nats:2.9 "$here/nats"
fi
