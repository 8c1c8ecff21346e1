import { SUBGRAPH_NAMES } from '@marketplace/services'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import compositionPackage from '@apollo/composition/package.json'
import { composeSupergraph } from '../../gateway/src/compose'
import { readSupergraphConfig } from '../../gateway/src/supergraph-config'

const ROOT = join(__dirname, '..', '..')

describe('supergraph composition', () => {
  it('lists the five services and the façade in rover format', () => {
    const config = readSupergraphConfig()
    expect(config.subgraphs.map((s) => s.name)).toEqual([...SUBGRAPH_NAMES])
    for (const subgraph of config.subgraphs) expect(subgraph.routingUrl).toMatch(/^http:\/\/.+\/graphql$/)
  })

  it('pins the federation version of the installed composition library', () => {
    expect(readSupergraphConfig().federationVersion).toBe(`=${compositionPackage.version}`)
  })

  it('composes, and the committed gateway/supergraph.graphql is up to date (run `npm run compose`)', () => {
    const committed = readFileSync(join(ROOT, 'gateway', 'supergraph.graphql'), 'utf8')
    expect(composeSupergraph()).toBe(committed)
  })
})
