// docker-compose.yml, derived from the service registry: one block per service, the gateway's
// subgraph URLs and dependencies, the processes' commands from the production build.
import { DEFAULT_PORTS, PARTS, SERVICES, SUBGRAPH_NAMES, type PartName, type ServiceEntry } from '@marketplace/services'
import { productionCommand } from '../lib/production'

/** the gateway's GET /metrics listener (METRICS_PORT; with GATEWAY_WORKERS > 1 the cluster primary's) */
export const GATEWAY_METRICS_PORT = 9400
/** Temporal's own Prometheus exporter in each process running a Temporal worker (TEMPORAL_METRICS_PORT) */
export const TEMPORAL_METRICS_PORT = 9464
/** the processes that run a Temporal worker: the subgraphs' activity workers and the workflow worker */
export const TEMPORAL_WORKERS: readonly string[] = [...SERVICES.map((s) => s.name), 'workflow-worker']
export const PROMETHEUS_PORT = 9090
export const GRAFANA_PORT = 3000

const command = (part: PartName): string =>
  `[${productionCommand(part)
    .map((arg) => `'${arg}'`)
    .join(', ')}]`

const readyCheck = (port: number): string =>
  `['CMD', 'node', '-e', "fetch('http://127.0.0.1:${port}/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]`

// why a service holds a secret besides the gateway's, said once in the file
const SECRET_NOTES: Readonly<Record<string, string>> = {
  JWT_SECRET: 'issues the tokens at login (the only subgraph that has it)',
}

function serviceBlock(service: ServiceEntry): string {
  const secrets = service.secrets.flatMap((secret) => [
    ...(SECRET_NOTES[secret] ? [`      # ${SECRET_NOTES[secret]}`] : []),
    `      ${secret}: \${${secret}:?set ${secret}}`,
  ])
  return [
    `  ${service.name}:`,
    '    <<: *subgraph',
    `    command: ${command(service.name as PartName)}`,
    '    environment:',
    '      <<: *subgraph-env',
    `      ${service.name.toUpperCase()}_DATABASE_URL: postgres://postgres:\${POSTGRES_PASSWORD:-postgres}@postgres:5432/${service.database}`,
    `      PORT: '${service.port}'`,
    ...secrets,
    '    expose:',
    `      - '${service.port}'`,
    `      - '${TEMPORAL_METRICS_PORT}' # Temporal's worker metrics`,
    '    healthcheck:',
    '      <<: *node-healthcheck-timing',
    `      test: ${readyCheck(service.port)}`,
    '',
  ].join('\n')
}

export function composeFile(): string {
  const subgraphUrls = SUBGRAPH_NAMES.map(
    (name) => `      SUBGRAPH_${name.toUpperCase()}_URL: http://${name}:${DEFAULT_PORTS[name]}/graphql`,
  ).join('\n')
  const gatewayDependsOn = SUBGRAPH_NAMES.map((name) => `      ${name}:\n        condition: service_healthy`).join('\n')
  const subgraphs = SERVICES.map(serviceBlock).join('\n')
  return `# The production-shaped stack: Postgres, Redis, a Temporal cluster with its Web UI, the five
# service subgraphs, the façade subgraph, the workflow worker and the gateway, all Node
# processes from the one image built by ./Dockerfile.
#
#   GATEWAY_SECRET=... JWT_SECRET=... docker compose up --build
#
# Required in the environment (or in an untracked .env file next to this one), no defaults:
#   GATEWAY_SECRET  signs the caller identity the gateway forwards to the subgraphs (>= 16 chars);
#                   given to the gateway, every subgraph and the façade
#   JWT_SECRET      issues (users) and verifies (gateway) client JWTs (>= 16 chars); given to
#                   those two only: a compromised subgraph cannot mint tokens
# NODE_ENV=production everywhere: anything but development/test refuses the public development
# secrets and turns introspection and field suggestions off.
# Optional:
#   RATING_UPDATE_DEADLINE  façade: how long moderation retries the rating update (default 6h)
#   MUTATION_WAIT_MS        façade: how long a mutation waits for its run (default 20000)
#   POSTGRES_PASSWORD  defaults to "postgres", a DEVELOPMENT-ONLY value: set your own anywhere
#                      else. It is also written into the database URLs, so use URL-safe characters.
#
# Only the gateway (4000) is published on all interfaces. The Temporal frontend (7233), the
# Temporal Web UI (8233), Prometheus (${PROMETHEUS_PORT}) and Grafana (${GRAFANA_PORT}, anonymous viewers) have no
# authentication here and are published on 127.0.0.1 only.
# Postgres, Redis, the subgraphs (the façade included) and the workflow worker are reachable
# only inside the compose network.
#
# Every long-running service has \`restart: unless-stopped\` (Docker restarts a container whose
# process exits; a cluster primary restarts its own workers) and, where it serves HTTP, a
# healthcheck on GET /ready (it answers, and so do its dependencies), which \`depends_on:
# condition: service_healthy\` waits for. GET /health (alive) is for a load balancer or an
# orchestrator's liveness probe.
#
# Replicas: the subgraphs and the façade publish no host port, so
#   docker compose up --scale users=2 --scale comments=2
# runs more containers behind each service name (Docker's DNS answers with every replica's
# address); SUBGRAPH_WORKERS=N forks N worker processes inside each subgraph container, and
# GATEWAY_WORKERS=N inside the gateway's (which publishes port 4000, so it is not --scale'd
# here: put a load balancer in front of several gateways instead). Each replica opens its own
# database pools: keep replicas × (DATABASE_POOL_SIZE + DATABASE_WRITE_POOL_SIZE) per service,
# plus Temporal's, under Postgres's max_connections.
#
# GENERATED from the service registry (packages/services) by \`npm run generate\`: edit
# scripts/generate/compose.ts, not this file. Checked by tests/unit/docker-compose.test.ts.

name: marketplace

# ---------------------------------------------------------------------------------------------
# Shared fragments (YAML anchors; \`<<\` merges are shallow: a service that sets \`environment\`
# or \`healthcheck\` itself must merge the fragment into it, as below).
# ---------------------------------------------------------------------------------------------

x-node-app: &node-app
  build:
    context: .
    dockerfile: Dockerfile
  image: marketplace-supergraph:local
  init: true # tini as PID 1: forwards SIGTERM to node, reaps children
  restart: unless-stopped

x-subgraph-env: &subgraph-env
  NODE_ENV: production
  HOST: 0.0.0.0
  REDIS_URL: redis://redis:6379
  GATEWAY_SECRET: \${GATEWAY_SECRET:?set GATEWAY_SECRET}
  MIGRATE_ON_START: 'true'
  # worker processes sharing the port (node:cluster); the primary restarts one that dies
  WORKERS: \${SUBGRAPH_WORKERS:-1}
  # Each subgraph also runs the Temporal activity worker for its own task queue.
  TEMPORAL_ADDRESS: temporal:7233
  # Temporal's worker metrics for Prometheus (off in cluster workers: SUBGRAPH_WORKERS > 1)
  TEMPORAL_METRICS_PORT: '${TEMPORAL_METRICS_PORT}'
  TEMPORAL_METRICS_HOST: 0.0.0.0

x-subgraph-depends-on: &subgraph-depends-on
  postgres:
    condition: service_healthy
  redis:
    condition: service_healthy
  temporal:
    condition: service_healthy

x-node-healthcheck-timing: &node-healthcheck-timing
  interval: 10s
  timeout: 5s
  retries: 6
  start_period: 60s # migrations run before the server listens

x-subgraph: &subgraph
  <<: *node-app
  depends_on: *subgraph-depends-on

services:
  # -------------------------------------------------------------------------------------------
  # Infrastructure
  # -------------------------------------------------------------------------------------------

  postgres:
    image: postgres:17
    restart: unless-stopped
    # One server, one database per service: docker/postgres/ creates them on first start.
    command: ['postgres', '-c', 'max_connections=200'] # ${SERVICES.length} pools + the Temporal stores
    environment:
      POSTGRES_USER: postgres
      # DEVELOPMENT DEFAULT: set POSTGRES_PASSWORD outside local experiments.
      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:-postgres}
    volumes:
      - postgres-data:/var/lib/postgresql/data
      - ./docker/postgres:/docker-entrypoint-initdb.d:ro
    healthcheck:
      # Over TCP on purpose: while the init scripts run, the server listens on its Unix socket
      # only, so this stays unhealthy until the databases exist.
      test: ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -p 5432 -U postgres -d postgres']
      interval: 5s
      timeout: 5s
      retries: 12
      start_period: 30s

  # A cache only: no persistence (a snapshot taken before an invalidation would bring stale
  # entries back after a restart) and no eviction (an evicted tag set would let the responses it
  # lists outlive an invalidation; the gateway turns its response cache off under any other policy).
  redis:
    image: redis:7
    restart: unless-stopped
    command: ['redis-server', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction']
    healthcheck:
      test: ['CMD', 'redis-cli', 'ping']
      interval: 5s
      timeout: 3s
      retries: 12

  # Temporal server (frontend, history, matching, worker in one process) on the Postgres above.
  # auto-setup creates the \`temporal\` and \`temporal_visibility\` databases and installs or
  # upgrades their schema at every start, then registers the \`default\` namespace.
  temporal:
    image: temporalio/auto-setup:1.28.1
    restart: unless-stopped
    depends_on:
      postgres:
        condition: service_healthy
    environment:
      DB: postgres12
      DB_PORT: '5432'
      POSTGRES_USER: postgres
      POSTGRES_PWD: \${POSTGRES_PASSWORD:-postgres}
      POSTGRES_SEEDS: postgres
      # no CustomKeywordField: SQL visibility allows 10 Keyword attributes, the runs use 9
      SKIP_ADD_CUSTOM_SEARCH_ATTRIBUTES: 'true'
    ports:
      - '127.0.0.1:7233:7233'
    healthcheck:
      # The server binds to the container's address, which the service name resolves to.
      # \`temporal\` is the CLI of recent images; tctl is the fallback of older ones.
      test:
        - CMD-SHELL
        - >-
          temporal operator cluster health --address temporal:7233 | grep -q SERVING
          || tctl --address temporal:7233 cluster health | grep -q SERVING
      interval: 10s
      timeout: 10s
      retries: 12
      start_period: 60s

  # One-shot: registers the runs' search attributes (docker/temporal/register-search-attributes.sh,
  # generated from workflows/src/search-attributes.ts); a start that sets them fails without them.
  temporal-setup:
    image: temporalio/admin-tools:1.28.1-tctl-1.18.4-cli-1.4.1
    # done once it has succeeded; tried again while Temporal is not answering yet
    restart: on-failure:5
    depends_on:
      temporal:
        condition: service_healthy
    environment:
      TEMPORAL_ADDRESS: temporal:7233
      TEMPORAL_NAMESPACE: default
    volumes:
      - ./docker/temporal:/setup:ro
    # the image's own entrypoint is \`sleep infinity\`
    entrypoint: ['sh', '/setup/register-search-attributes.sh']

  temporal-ui:
    image: temporalio/ui:2.34.0
    restart: unless-stopped
    depends_on:
      temporal:
        condition: service_healthy
    environment:
      TEMPORAL_ADDRESS: temporal:7233
    ports:
      - '127.0.0.1:8233:8080'

  # -------------------------------------------------------------------------------------------
  # Subgraphs: one Apollo subgraph (and one Temporal activity worker) per service, each with
  # its own database. Not published: the gateway is the only public entry.
  # -------------------------------------------------------------------------------------------

${subgraphs}
  # -------------------------------------------------------------------------------------------
  # Workflows: the façade subgraph, whose mutations start scenarios (Temporal workflows), and
  # the worker that runs the scenario code. The activities they call are served by the five
  # subgraphs above, each on its own task queue. Neither owns a database or uses Redis.
  # -------------------------------------------------------------------------------------------

  facade:
    <<: *node-app
    command: ${command('facade')}
    environment:
      NODE_ENV: production
      HOST: 0.0.0.0
      PORT: '${PARTS.facade.port}'
      WORKERS: \${SUBGRAPH_WORKERS:-1}
      GATEWAY_SECRET: \${GATEWAY_SECRET:?set GATEWAY_SECRET}
      TEMPORAL_ADDRESS: temporal:7233
      # How long a moderation run retries the rating update before it undoes the approval.
      RATING_UPDATE_DEADLINE: \${RATING_UPDATE_DEADLINE:-6h}
      # How long a mutation waits for its run before answering with the operation RUNNING.
      MUTATION_WAIT_MS: \${MUTATION_WAIT_MS:-20000}
    expose:
      - '${PARTS.facade.port}'
    healthcheck:
      <<: *node-healthcheck-timing
      test: ['CMD', 'node', '-e', "fetch('http://127.0.0.1:${PARTS.facade.port}/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
    depends_on:
      temporal:
        condition: service_healthy
      temporal-setup:
        condition: service_completed_successfully

  # No HTTP endpoint of its own and nothing waits for it, so no healthcheck: it exits non-zero
  # when it fails and \`restart: unless-stopped\` brings it back.
  workflow-worker:
    <<: *node-app
    command: ${command('workflow-worker')}
    environment:
      NODE_ENV: production
      TEMPORAL_ADDRESS: temporal:7233
      TEMPORAL_METRICS_PORT: '${TEMPORAL_METRICS_PORT}'
      TEMPORAL_METRICS_HOST: 0.0.0.0
    expose:
      - '${TEMPORAL_METRICS_PORT}' # Temporal's worker metrics
    depends_on:
      temporal:
        condition: service_healthy

  # -------------------------------------------------------------------------------------------
  # Gateway: the only public entry.
  # -------------------------------------------------------------------------------------------

  gateway:
    <<: *node-app
    command: ${command('gateway')}
    environment:
      NODE_ENV: production
      # as scripts/lib/services.ts: garbage from query planning must not grow the heap unbounded
      NODE_OPTIONS: --max-old-space-size=256
      HOST: 0.0.0.0
      PORT: '${PARTS.gateway.port}'
      GATEWAY_SECRET: \${GATEWAY_SECRET:?set GATEWAY_SECRET}
      JWT_SECRET: \${JWT_SECRET:?set JWT_SECRET}
      APOLLO_TELEMETRY_DISABLED: '1'
      # GET /metrics on its own port, reachable inside the compose network only (not published);
      # with GATEWAY_WORKERS > 1 the cluster primary serves it, summing every worker's
      METRICS_PORT: '${GATEWAY_METRICS_PORT}'
      METRICS_HOST: 0.0.0.0
      # the response cache and the rate limits' counters live in Redis (without it the cache is off)
      REDIS_URL: redis://redis:6379
      RESPONSE_CACHE: 'true'
      GATEWAY_WORKERS: \${GATEWAY_WORKERS:-1}
      # the browser apps' origins, e.g. https://shop.example.com (none by default in production)
      CORS_ORIGINS: \${CORS_ORIGINS:-none}
${subgraphUrls}
    expose:
      - '${GATEWAY_METRICS_PORT}'
    ports:
      - '${PARTS.gateway.port}:${PARTS.gateway.port}'
    healthcheck:
      <<: *node-healthcheck-timing
      test: ['CMD', 'node', '-e', "fetch('http://127.0.0.1:${PARTS.gateway.port}/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
    depends_on:
${gatewayDependsOn}
      redis:
        condition: service_healthy

  # -------------------------------------------------------------------------------------------
  # Observability: Prometheus scrapes the gateway's metrics port, every subgraph's /metrics (each
  # replica: DNS service discovery) and the Temporal workers' metrics; Grafana shows
  # docker/grafana/dashboards/ on it. Both on 127.0.0.1 only.
  # -------------------------------------------------------------------------------------------

  prometheus:
    image: prom/prometheus:v2.55.1
    restart: unless-stopped
    command: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--storage.tsdb.retention.time=7d']
    volumes:
      # GENERATED with this file (scripts/generate/compose.ts: prometheusConfig)
      - ./docker/prometheus:/etc/prometheus:ro
      - prometheus-data:/prometheus
    ports:
      - '127.0.0.1:${PROMETHEUS_PORT}:${PROMETHEUS_PORT}'
    healthcheck:
      test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:${PROMETHEUS_PORT}/-/ready']
      interval: 10s
      timeout: 5s
      retries: 6

  grafana:
    image: grafana/grafana:11.3.1
    restart: unless-stopped
    environment:
      # anyone who reaches 127.0.0.1:${GRAFANA_PORT} may look, not edit
      GF_AUTH_ANONYMOUS_ENABLED: 'true'
      GF_AUTH_ANONYMOUS_ORG_ROLE: Viewer
      # DEVELOPMENT DEFAULT: set GRAFANA_ADMIN_PASSWORD outside local experiments.
      GF_SECURITY_ADMIN_PASSWORD: \${GRAFANA_ADMIN_PASSWORD:-admin}
      GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: /var/lib/grafana/dashboards/marketplace.json
      GF_ANALYTICS_REPORTING_ENABLED: 'false'
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false'
    volumes:
      # the Prometheus data source and the dashboards' folder, provisioned at start
      - ./docker/grafana/provisioning:/etc/grafana/provisioning:ro
      - ./docker/grafana/dashboards:/var/lib/grafana/dashboards:ro
    ports:
      - '127.0.0.1:${GRAFANA_PORT}:${GRAFANA_PORT}'
    healthcheck:
      test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:${GRAFANA_PORT}/api/health']
      interval: 10s
      timeout: 5s
      retries: 6
    depends_on:
      prometheus:
        condition: service_healthy

volumes:
  postgres-data:
  prometheus-data:
`
}

/**
 * docker/prometheus/prometheus.yml: what Prometheus scrapes in docker-compose.yml. Each subgraph
 * is found by DNS (every replica of \`--scale\`), one job per part; the Temporal workers share one.
 */
export function prometheusConfig(): string {
  const dns = (names: readonly string[], port: number): string[] => [
    '    dns_sd_configs:',
    `      - names: [${names.map((name) => `'${name}'`).join(', ')}]`,
    '        type: A',
    `        port: ${port}`,
  ]
  return [
    '# What Prometheus scrapes in docker-compose.yml (mounted on /etc/prometheus).',
    '# GENERATED from the service registry (packages/services) by scripts/generate/compose.ts',
    '# (prometheusConfig); tests/unit/docker-compose.test.ts checks it against the compose file.',
    'global:',
    '  scrape_interval: 15s',
    '  evaluation_interval: 15s',
    'scrape_configs:',
    "  # the gateway's own listener (METRICS_PORT), not its public port",
    '  - job_name: gateway',
    '    static_configs:',
    `      - targets: ['gateway:${GATEWAY_METRICS_PORT}']`,
    '  # each subgraph serves GET /metrics next to /graphql',
    ...SUBGRAPH_NAMES.flatMap((name) => [`  - job_name: ${name}`, ...dns([name], DEFAULT_PORTS[name])]),
    "  # Temporal's worker metrics (temporal_*), from every process running a Temporal worker",
    '  - job_name: temporal-workers',
    ...dns(TEMPORAL_WORKERS, TEMPORAL_METRICS_PORT),
    '    relabel_configs:',
    '      - source_labels: [__meta_dns_name]',
    '        target_label: service',
    '  - job_name: prometheus',
    '    static_configs:',
    `      - targets: ['localhost:${PROMETHEUS_PORT}']`,
    '',
  ].join('\n')
}
