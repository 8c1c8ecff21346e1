# syntax=docker/dockerfile:1
#
# One image for every process of the stack (gateway, the five subgraphs, the facade subgraph
# and the workflow worker). docker-compose.yml picks the process with `command:`
# (scripts/lib/production.ts: `node dist/<entry>.js`). The image runs compiled JavaScript only:
# `npm run build` (scripts/build.ts) compiles the TypeScript in the build stage, and the runtime
# stage has production dependencies and dist/ — no TypeScript, no tsx, no dev dependencies.

# --- manifests: only the package.json files and the lockfile ---------------------------------
# npm ci needs every workspace's package.json in place. Copying the whole tree and deleting
# everything else keeps this correct when workspaces are added (no list to maintain here), and
# the npm ci layers below stay cached as long as no manifest changes.
FROM node:20-bookworm-slim AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -depth -type d -empty -delete

# --- build: every dependency, then `npm run build` → dist/ -------------------------------------
# `npm ci` installs exactly the committed lock. (.ci/run uses `npm install` on its machines
# because its registry snapshot lacks other platforms' optional binaries; for linux x64 the lock
# holds everything npm ci needs, and npm ci only fetches the binaries of this platform.)
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY --from=manifests /app/ ./
RUN npm ci --no-audit --no-fund
COPY . .
# tsc of the production code, the files it reads, the workspace packages, the workflow bundle
RUN npm run build

# --- deps: production dependencies only ---------------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY --from=manifests /app/ ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# --- runtime -----------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# node_modules (production only) and the workspaces' package.json files
COPY --from=deps /app/ ./
# the build: compiled JavaScript, the schemas and other files it reads, dist/node_modules (the
# workspace packages, linked to their compiled copies) and dist/workflows/workflow-bundle.js
COPY --from=build /app/dist ./dist
# Run as the unprivileged user of the node image; the code only reads /app.
USER node
EXPOSE 4000
# Default process: the gateway. Each compose service sets its own command.
CMD ["node", "dist/gateway/src/index.js"]
