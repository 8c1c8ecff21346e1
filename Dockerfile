# syntax=docker/dockerfile:1
#
# One image for every process of the stack (gateway, the five subgraphs, the facade subgraph
# and the workflow worker). docker-compose.yml picks the process with `command:`;
# TypeScript runs directly with tsx, there is no build step.

# --- manifests: only the package.json files and the lockfile ---------------------------------
# npm ci needs every workspace's package.json in place. Copying the whole tree and deleting
# everything else keeps this correct when workspaces are added (no list to maintain here), and
# the layer below (npm ci) stays cached as long as no manifest changes.
FROM node:20-bookworm-slim AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -depth -type d -empty -delete

# --- deps: production dependencies (tsx is one of them) ---------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY --from=manifests /app/ ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# --- runtime -----------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/ ./
# The source (.dockerignore keeps node_modules, local data, tools, .git and results out).
COPY . .
# Run as the unprivileged user of the node image; the code only reads /app.
USER node
EXPOSE 4000
# Default process: the gateway. Each compose service sets its own command.
CMD ["npx", "tsx", "gateway/src/index.ts"]
