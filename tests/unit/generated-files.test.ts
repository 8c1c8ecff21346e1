import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { SERVICES, SUBGRAPH_NAMES } from '@marketplace/services'
import { generatedFiles, supergraphYaml } from '../../scripts/generate/files'
import { ROOT } from '../../scripts/lib/services'

// the registry (packages/services) is the one list: these files are derived from it
describe('files generated from the service registry', () => {
  const files = generatedFiles()

  it('are up to date (run `npm run generate` after changing the registry or a generator)', () => {
    for (const file of files) {
      const committed = readFileSync(join(ROOT, file.path), 'utf8')
      expect({ path: file.path, upToDate: committed === file.content }).toEqual({ path: file.path, upToDate: true })
    }
  })

  it('list every service of the registry, and the façade, in supergraph.yaml', () => {
    const config = parseYaml(supergraphYaml()) as { subgraphs: Record<string, { routing_url: string; schema: { file: string } }> }
    expect(Object.keys(config.subgraphs)).toEqual([...SUBGRAPH_NAMES])
    for (const service of SERVICES) {
      expect(config.subgraphs[service.name]).toEqual({
        routing_url: `http://localhost:${service.port}/graphql`,
        schema: { file: `./subgraphs/${service.name}/schema.graphql` },
      })
    }
  })

  it('create one database per service, and give each service its block in the compose file', () => {
    const sql = files.find((f) => f.path.endsWith('.sql'))?.content ?? ''
    const compose = parseYaml(files.find((f) => f.path === 'docker-compose.yml')?.content ?? '') as {
      services: Record<string, { command: string[]; environment: Record<string, string> }>
    }
    for (const service of SERVICES) {
      expect(sql).toContain(`CREATE DATABASE ${service.database};`)
      expect(compose.services[service.name]?.command).toEqual(['node', `dist/subgraphs/${service.name}/src/index.js`])
      expect(compose.services.gateway?.environment[`SUBGRAPH_${service.name.toUpperCase()}_URL`]).toBe(
        `http://${service.name}:${service.port}/graphql`,
      )
    }
  })

  it('keep ports, databases and task queues unique across the registry', () => {
    for (const key of ['name', 'port', 'database', 'taskQueue'] as const) {
      const values = SERVICES.map((s) => s[key])
      expect({ key, values: new Set(values).size }).toEqual({ key, values: values.length })
    }
  })
})
