// Priming: the steady state of a busy system is warm caches. Before a variant's warm-up, every
// user is loaded once into the users service's caches (variants with an entity cache), and every
// benchmark page is requested once through a caching gateway, least popular first, so that the
// most popular pages are the most recent in its LRU.
import type { Agent } from 'node:http'
import pg from 'pg'
import type { Subject } from './data'
import { postJson } from './http'
import { pageRequestBody } from './load'
import { USERS_ENTITIES_QUERY } from './verify'

const USERS_PER_REQUEST = 100

export interface PrimeResult {
  readonly users: number
  readonly pages: number
  readonly ms: number
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T)
    }),
  )
}

export async function primeUsers(
  agent: Agent,
  usersUrl: URL,
  usersDbUrl: string,
  callerHeader: () => string,
  concurrency: number,
): Promise<number> {
  const client = new pg.Client({ connectionString: usersDbUrl })
  await client.connect()
  const ids = (await client.query<{ id: string }>('select id from users')).rows.map((r) => r.id)
  await client.end()
  const batches: string[][] = []
  for (let i = 0; i < ids.length; i += USERS_PER_REQUEST) batches.push(ids.slice(i, i + USERS_PER_REQUEST))
  await inParallel(batches, concurrency, async (batch) => {
    const body = JSON.stringify({
      query: USERS_ENTITIES_QUERY,
      variables: { representations: batch.map((id) => ({ __typename: 'User', id })) },
    })
    const answer = await postJson(agent, usersUrl, body, { 'x-marketplace-caller': callerHeader() })
    if (answer.status !== 200 || answer.body.includes('"errors"'))
      throw new Error(`priming users failed: HTTP ${answer.status} ${answer.body.slice(0, 200)}`)
  })
  return ids.length
}

export async function primePages(agent: Agent, gatewayUrl: URL, subjects: readonly Subject[], concurrency: number): Promise<number> {
  const pages = [...subjects].reverse().flatMap((subject) => subject.cursors.map((_, pageIndex) => ({ subject, pageIndex })))
  await inParallel(pages, concurrency, async (page) => {
    const answer = await postJson(agent, gatewayUrl, pageRequestBody(page))
    if (answer.status !== 200 || answer.body.includes('"errors"'))
      throw new Error(`priming pages failed: HTTP ${answer.status} ${answer.body.slice(0, 200)}`)
  })
  return pages.length
}
