# The runner's container image. docs/deploy-container.md: build, run, health, stop.
#   docker build -t openconnect-runner .
# BASE_IMAGE: any image with Node 20 at /usr/local/bin/node (the official slim image by default; the
# image test passes one it builds from the machine's own node).
ARG BASE_IMAGE=node:20-bookworm-slim
# Where /app comes from: "build" compiles the sources here (needs the npm registry); "prebuilt" takes a
# context made on the host by `node scripts/image-context.mjs <dir>` (build it with BuildKit, which skips
# the unused build stage: `docker build --build-arg APP_FROM=prebuilt -f Dockerfile <dir>`).
ARG APP_FROM=build

FROM ${BASE_IMAGE} AS build
WORKDIR /src
# pnpm as the README installs it (npm ships with node; corepack's signing keys lag behind pnpm releases).
RUN npm install -g pnpm@10
COPY . .
RUN pnpm install --frozen-lockfile && node scripts/image-context.mjs /out

FROM scratch AS prebuilt
COPY . /out/

FROM ${APP_FROM} AS app

FROM ${BASE_IMAGE} AS runtime
# HOST: every interface of the container (the runner's demo mode would keep to loopback otherwise).
# OUTBOX: the SQLite outbox on the /data volume, so accepted events survive a new container.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    OUTBOX=sqlite:/data/outbox.db
# The code stays root's (read-only to the runner); only the outbox folder is the runner's.
COPY --from=app /out/app /app
COPY --from=app --chown=1000:1000 /out/data /data
VOLUME /data
WORKDIR /app
# A numeric user, so Kubernetes' runAsNonRoot can verify it (the official image calls uid 1000 "node").
USER 1000:1000
EXPOSE 8080
# Slim images have no curl: node's fetch asks /healthz on the port the runner listens on.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself is PID 1 (no npm/pnpm in between): the runner's own SIGTERM/SIGINT handlers drain and exit 0.
ENTRYPOINT ["node", "/app/dist/main.js"]
