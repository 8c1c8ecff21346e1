// The files derived from the service registry (packages/services). `npm run generate` writes them;
// tests/unit/generated-files.test.ts fails when a committed one differs from what this produces.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { DEFAULT_PORTS, SERVICES, SUBGRAPH_NAMES, schemaFileOf } from '@marketplace/services'
import { ROOT } from '../lib/services'
import { composeFile, prometheusConfig } from './compose'

export interface GeneratedFile {
  /** relative to the repository root */
  readonly path: string
  readonly content: string
}

const FEDERATION_VERSION = '=2.14.4'

/** rover's supergraph config: the gateway composes these subgraphs (`npm run compose`). */
export function supergraphYaml(): string {
  return [
    "# rover's supergraph config: `npm run compose` (no rover binary needed) writes gateway/supergraph.graphql.",
    '# routing_url is where the gateway reaches a subgraph; SUBGRAPH_<NAME>_URL overrides it at run time.',
    '# GENERATED from the service registry (packages/services) by `npm run generate`.',
    `federation_version: ${FEDERATION_VERSION}`,
    'subgraphs:',
    ...SUBGRAPH_NAMES.flatMap((name) => [
      `  ${name}:`,
      `    routing_url: http://localhost:${DEFAULT_PORTS[name]}/graphql`,
      '    schema:',
      `      file: ./${schemaFileOf(name)}`,
    ]),
    '',
  ].join('\n')
}

/** The official postgres image runs this once, on an empty data directory: one database per service. */
export function databaseInitSql(): string {
  return [
    '-- One Postgres server, one database per service (README.md: The parts).',
    '-- GENERATED from the service registry (packages/services) by `npm run generate`.',
    '--',
    '-- The official postgres image runs this file once, with psql as POSTGRES_USER, when it',
    '-- initialises an EMPTY data directory (docker-compose.yml mounts docker/postgres/ on',
    '-- /docker-entrypoint-initdb.d/). With an existing volume it is skipped: to add a database to a',
    '-- running deployment, run the matching CREATE DATABASE by hand.',
    '--',
    '-- Each service creates its own tables with its own Kysely migrations (MIGRATE_ON_START=true);',
    '-- this file only creates the empty databases.',
    '--',
    "-- Temporal's databases (temporal, temporal_visibility) are not created here: the",
    '-- temporalio/auto-setup image creates them itself (SKIP_DB_CREATE defaults to false) and',
    '-- installs or upgrades their schema at every start.',
    '',
    ...SERVICES.map((service) => `CREATE DATABASE ${service.database};`),
    '',
  ].join('\n')
}

// prettier's CLI in a child: its API is ESM-only underneath, which Jest's CommonJS cannot load
const PRETTIER = require.resolve('prettier/bin/prettier.cjs')
const formatted = (path: string, content: string): string =>
  execFileSync(process.execPath, [PRETTIER, '--stdin-filepath', join(ROOT, path)], { input: content, encoding: 'utf8' })

/** Every generated file with the content it must have. */
export function generatedFiles(): GeneratedFile[] {
  const files: GeneratedFile[] = [
    { path: 'supergraph.yaml', content: supergraphYaml() },
    { path: 'docker/postgres/01-create-databases.sql', content: databaseInitSql() },
    { path: 'docker-compose.yml', content: composeFile() },
    { path: 'docker/prometheus/prometheus.yml', content: prometheusConfig() },
  ]
  return files.map((file) => ({ path: file.path, content: file.path.endsWith('.sql') ? file.content : formatted(file.path, file.content) }))
}
