# syntax=docker/dockerfile:1

# ---- build: compile TypeScript with the dev dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY plugins ./plugins
RUN npm run build

# ---- runtime: production dependencies and the compiled output only ----
FROM node:20-bookworm-slim AS runtime
# 0.0.0.0 is the container's own interfaces: without it a published port reaches nothing. A gateway
# listening beyond loopback without app keys or an admin key refuses to start unless told
# ALLOW_EXPOSED; here it is, so publish the port on loopback only (docker run -p
# 127.0.0.1:8787:8787 ...), or configure app keys (HUBSTAFF_GATEWAY_APPS) before publishing it
# wider, and HUBSTAFF_GATEWAY_ALLOWED_HOSTS for the names other machines or containers use.
ENV NODE_ENV=production \
    HUBSTAFF_GATEWAY_HOST=0.0.0.0 \
    HUBSTAFF_GATEWAY_ALLOW_EXPOSED=true \
    HUBSTAFF_GATEWAY_PORT=8787 \
    HUBSTAFF_GATEWAY_STATE_DIR=/data/state \
    HUBSTAFF_GATEWAY_RECORDINGS=/data/recordings
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
# The bundled spec: mock mode, the default without a token, serves it.
COPY spec ./spec
# The dashboard page at /_gateway/ (its chart library comes from node_modules/uplot).
COPY dashboard ./dashboard
RUN mkdir -p /data/state /data/recordings \
    && chown -R node:node /data \
    && chmod 0700 /data/state
USER node
VOLUME ["/data"]
EXPOSE 8787
# Health answers any client (the rest of /_gateway/ is loopback-only, and this probe is loopback).
# From outside the container the admin surface needs an admin key: set
# HUBSTAFF_GATEWAY_ADMIN_KEY_SHA256 (README, "Operating a shared gateway").
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HUBSTAFF_GATEWAY_PORT || 8787) + '/_gateway/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node runs as PID 1 and gets SIGTERM itself, which the gateway handles as a graceful stop.
ENTRYPOINT ["node", "bin/hubstaff-gateway.js"]
CMD ["serve"]
