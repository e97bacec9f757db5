# One image for the four services and the gateway: `docker run interplay:0.1.0 billing` runs
# `interplay service billing`, configured only by the environment that command reads.
#
#   docker build -t interplay:0.1.0 .
#   docker build --build-arg NODE_IMAGE=registry.example/node:20-bookworm-slim -t interplay:0.1.0 .
#   docker build --build-arg EXTRA_CA_CERTS="$(cat /usr/local/share/ca-certificates/*.crt)" ...   (behind a TLS proxy)
#
# It builds with the classic builder too (Debian 12's engine has no BuildKit): no RUN --mount, no COPY --chmod.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles its addon here when no prebuilt binary can be fetched.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Behind a TLS-intercepting proxy, its CA certificates (PEM text) for npm; used in this stage only.
ARG EXTRA_CA_CERTS=""
# node-gyp uses the headers of the Node it runs on instead of downloading them.
RUN if [ -n "$EXTRA_CA_CERTS" ]; then printf '%s\n' "$EXTRA_CA_CERTS" > /tmp/extra-ca.pem && export NODE_EXTRA_CA_CERTS=/tmp/extra-ca.pem; fi \
 && npm_config_nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")" npm ci --no-audit --no-fund \
 && rm -f /tmp/extra-ca.pem
# The rest of what .dockerignore lets in: the build's configuration, bin/, scripts/ and src/ (tests left out).
COPY . ./
# Type-checked and bundled into dist/ (bin/bundle.js): everything JavaScript is inside the bundle, so
# the runtime needs from node_modules only the native addons it leaves out (scripts/runtime-modules.js),
# and of better-sqlite3 only the compiled addon, not the SQLite sources and objects it was built from.
RUN npm run build \
 && mkdir /runtime \
 && cp -a package.json bin dist /runtime/ \
 && node scripts/runtime-modules.js > /tmp/runtime-modules \
 && while read -r dir; do mkdir -p "/runtime/$(dirname "$dir")" && cp -a "$dir" "/runtime/$dir" || exit 1; done < /tmp/runtime-modules \
 && cd /runtime/node_modules/better-sqlite3 \
 && rm -rf deps src build/deps build/Release/obj build/Release/obj.target build/Release/.deps build/Release/test_extension.node build/Release/sqlite3.a

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    INTERPLAY_HOST=0.0.0.0 \
    INTERPLAY_PORT=8080 \
    INTERPLAY_DATA_DIR=/data
# A numeric, unprivileged user, so that Kubernetes' runAsNonRoot can verify it; /data is the one writable place.
RUN groupadd --system --gid 10001 interplay \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin interplay \
 && mkdir /data && chown 10001:10001 /data
USER 10001:10001
# Node's own fetch: the image has no curl. The gateway's /health answers 503 until every service is up.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.INTERPLAY_PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/app/bin/interplay", "service"]
CMD ["gateway"]
# Last, so that a change of the code rebuilds one step: the instructions above are cached. On the vfs
# driver every step copies the whole filesystem, so the stage has as few steps as it can (no WORKDIR,
# no EXPOSE: the port is INTERPLAY_PORT, 8080). The files stay root-owned, read-only to the user.
# package.json, bin/, dist/ and the native addons, without src/: bin/interplay runs the bundle
# (bin/source-stamp.js).
COPY --from=build /runtime /app
