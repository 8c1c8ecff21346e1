// Scenario: a second users process (a replica) holds an in-process copy of a user and is frozen
// (SIGSTOP). updateProfile for that user does not wait for it: it completes, its invalidation step
// run once. When the replica resumes, it answers the new username, never the copy it held.
import { spawn, type ChildProcess } from 'node:child_process'
import { ANONYMOUS } from '../../packages/service-template/src/auth'
import { parseMetrics } from '../../packages/service-template/src/metrics'
import { freePort, httpOk, waitFor } from '../../scripts/lib/ports'
import { ROOT, nodeArgsOf } from '../../scripts/lib/services'
import { gql } from '../support/client'
import { stackUrls } from '../support/stack'
import {
  OPERATION_FIELDS,
  callerHeader,
  expectCompletedOperation,
  pollUntil,
  query,
  registerFreshUser,
  stepOf,
  uniqueUsername,
  type OperationView,
} from './helpers'

const ENTITIES = 'query ($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { id username } } }'
const UPDATE_PROFILE = `mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { user { id username } ${OPERATION_FIELDS} } }`

interface Replica {
  readonly process: ChildProcess
  readonly url: string
  output: string
}

let replica: Replica | undefined

/** A users process started by hand against the test stack's Postgres and Redis (no activity worker). */
async function startReplica(): Promise<Replica> {
  const urls = stackUrls()
  if (!urls.redis) throw new Error('the test stack runs without Redis: there are no in-process copies to invalidate across processes')
  const port = await freePort()
  const { PORT: _port, DATABASE_URL: _database, ...env } = process.env
  const child = spawn(process.execPath, nodeArgsOf('users'), {
    cwd: ROOT,
    env: {
      ...env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      APOLLO_TELEMETRY_DISABLED: '1',
      MIGRATE_ON_START: 'false',
      WORKERS: '1',
      USERS_PORT: String(port),
      USERS_DATABASE_URL: urls.postgres.users,
      REDIS_URL: urls.redis,
      TEMPORAL_ADDRESS: urls.temporal.address,
      ACTIVITY_WORKER: 'false',
      ENTITY_CACHE: 'full',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const started: Replica = { process: child, url: `http://127.0.0.1:${port}/graphql`, output: '' }
  child.stdout?.on('data', (chunk: Buffer) => (started.output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (started.output += chunk.toString()))
  replica = started
  try {
    await waitFor('the users replica', httpOk(`http://127.0.0.1:${port}/health`), { timeoutMs: 60_000, intervalMs: 200 })
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${started.output}`)
  }
  return started
}

/** The replica's answer for this user, asked as the gateway asks (a signed caller header). */
async function usernameAt(target: Replica, id: string): Promise<string | undefined> {
  const res = await gql<{ _entities: ({ id: string; username: string } | null)[] }>(
    ENTITIES,
    { id },
    { url: target.url, headers: callerHeader(ANONYMOUS) },
  )
  if (res.errors) throw new Error(`${JSON.stringify(res.errors)}\n${target.output}`)
  return res.data?._entities[0]?.username
}

async function localHits(target: Replica): Promise<number> {
  const response = await fetch(new URL('/metrics', target.url))
  return parseMetrics(await response.text()).user_cache_local_hits_total ?? 0
}

afterAll(async () => {
  const child = replica?.process
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGKILL') // a stopped process is killed as well
    await exited
  }
})

describe('a frozen users replica', () => {
  jest.setTimeout(120_000)

  it('does not hold up updateProfile, and once resumed answers the new username, not its copy', async () => {
    const user = await registerFreshUser('sick')
    const sick = await startReplica()

    // warm its local copy (its channel is subscribed on the first request): answers from its memory
    await pollUntil(
      async () => {
        expect(await usernameAt(sick, user.id)).toBe(user.username)
        return localHits(sick)
      },
      (hits) => hits > 0,
      { timeoutMs: 10_000, intervalMs: 20, what: 'a local hit on the replica' },
    )

    sick.process.kill('SIGSTOP')
    const username = uniqueUsername('healed')
    let updated: { user: { username: string } | null; operation: OperationView }
    try {
      updated = (await query<{ updateProfile: typeof updated }>(UPDATE_PROFILE, { input: { username } }, user.token)).updateProfile
    } finally {
      sick.process.kill('SIGCONT')
    }
    // it completed without the frozen replica's acknowledgement, and was not retried for it
    expectCompletedOperation(updated.operation, 'updateProfile', ['updateUser'])
    expect(stepOf(updated.operation, 'updateUser').attempts).toBe(1)
    expect(updated.user?.username).toBe(username)

    // resumed: the first answer is already the new one, and so is every later one
    expect(await usernameAt(sick, user.id)).toBe(username)
    expect(await usernameAt(sick, user.id)).toBe(username)
    // and the stack's own users process agrees
    expect(
      (await query<{ user: { username: string } }>('query ($id: ID!) { user(id: $id) { username } }', { id: user.id })).user.username,
    ).toBe(username)
  })
})
