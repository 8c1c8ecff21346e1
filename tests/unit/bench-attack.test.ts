import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { attacks, classifyAnswer, mergeAttackResults, runAttackers } from '../../bench/lib/attack'
import { keepAliveAgent } from '../../bench/lib/http'
import type { Subject } from '../../bench/lib/data'

const subjects = [{ type: 'PRODUCT', id: '11111111-1111-4111-8111-111111111111', topLevel: 30, cursors: [null] }] as unknown as Subject[]

describe('bench --attack: the attacks', () => {
  it('each attack makes the request it claims', () => {
    const byName = Object.fromEntries(attacks(subjects).map((a) => [a.name, a]))
    const huge = byName['huge-query']!.next().body
    expect(huge.length).toBeGreaterThan(1_000_000)
    expect(huge.length).toBeLessThan(1024 * 1024) // under the body limit: the query itself must be refused
    expect(JSON.parse(huge).query).toMatch(/^\{ comments\(subject/)
    // a new id each time: the response cache cannot absorb it
    expect(byName['huge-query']!.next().body.slice(0, 120)).not.toBe(huge.slice(0, 120))
    expect(JSON.parse(byName['cost-bomb']!.next().body).query.match(/products\(first: 100\)/g)).toHaveLength(30)
    expect(byName['oversized-body']!.next().body.length).toBeGreaterThan(2 * 1024 * 1024)
    const guess = JSON.parse(byName['password-guess']!.next().body)
    expect(guess.query).toMatch(/login\(/)
    const junk = [byName['junk-variables']!.next(), byName['junk-variables']!.next()].map((r) => JSON.parse(r.body))
    expect(junk[0].query).toMatch(/query CommentsPage/)
    expect(Object.keys(junk[0].variables)).not.toEqual(Object.keys(junk[1].variables))
  })

  it('classifies answers by status and first error code', () => {
    expect(classifyAnswer(400, JSON.stringify({ errors: [{ message: 'x', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] }))).toBe(
      '400 GRAPHQL_VALIDATION_FAILED',
    )
    expect(classifyAnswer(200, JSON.stringify({ data: { a: 1 } }))).toBe('200 OK')
    expect(classifyAnswer(200, JSON.stringify({ errors: [{ message: 'x' }] }))).toBe('200 error without code')
    expect(classifyAnswer(413, 'Request body too large')).toBe('413 not JSON')
    expect(classifyAnswer(502, '')).toBe('502 empty body')
  })

  it('runs attacker loops round robin against a server and counts the answers', async () => {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume()
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ errors: [{ message: 'no', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] }))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`)
    const agent = keepAliveAgent(2)
    try {
      const list = attacks(subjects).filter((a) => a.name === 'cost-bomb' || a.name === 'deep-query')
      const result = await runAttackers(agent, url, list, 2, 0, 300)
      expect(result.sent).toBeGreaterThan(2)
      expect(Object.keys(result.answers).sort()).toEqual(['cost-bomb', 'deep-query'])
      expect(result.answers['cost-bomb']).toEqual({ '400 GRAPHQL_VALIDATION_FAILED': expect.any(Number) })
      const merged = mergeAttackResults([result, result])
      expect(merged.sent).toBe(2 * result.sent)
      expect(merged.answers['deep-query']!['400 GRAPHQL_VALIDATION_FAILED']).toBe(
        2 * result.answers['deep-query']!['400 GRAPHQL_VALIDATION_FAILED']!,
      )
    } finally {
      agent.destroy()
      server.close()
    }
  })
})
