# Pulse image (docker-compose.yml): the server, which also serves the built web app.
# Node 24 is the active LTS line; the build stage has the compilers and dev dependencies, the
# runtime stage only what `node server/dist/main.js` needs, run as the unprivileged `node` user.

FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN npm install -g pnpm@12
COPY . .
# Build everything, then drop the dev dependencies (vite, typescript, test tools) from node_modules.
RUN pnpm install --frozen-lockfile \
 && pnpm build \
 && CI=true pnpm install --frozen-lockfile --prod

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 PULSE_DATA_DIR=/app/.pulse/data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/pnpm-workspace.yaml ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
# Workspace packages with their production node_modules (links into /app/node_modules/.pnpm).
COPY --from=build --chown=node:node /app/packages ./packages
COPY --from=build --chown=node:node /app/server ./server
COPY --from=build --chown=node:node /app/web/dist ./web/dist
# The embedded database's directory (used only without DATABASE_URL) must be writable.
RUN mkdir -p /app/.pulse/data && chown -R node:node /app/.pulse
USER node
EXPOSE 3000
# Liveness only: readiness (/api/health/ready) is for the load balancer, a restart does not fix Redis.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM drains: readiness turns 503, sockets are sent to reconnect elsewhere, the leader lock is freed.
STOPSIGNAL SIGTERM
CMD ["node", "server/dist/main.js"]
