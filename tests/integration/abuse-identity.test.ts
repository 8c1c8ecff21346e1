// Scenario (issue #9): identity that cannot be replayed, secrets where they are used, fail closed,
// rate limits. A password guesser is stopped per username (by the users service, before it spends
// a hash) and per address (by the gateway); a caller header seen in one service's traffic is
// refused by every other service and after its 30 seconds; a process outside development mode
// refuses the public development secrets and tells nobody its schema; /metrics is not public.
import { spawn } from 'node:child_process'
import { ANONYMOUS, signCaller, type Caller } from '../../packages/service-template/src/auth'
import { DEV_GATEWAY_SECRET, readGatewayConfig, type SubgraphName } from '../../packages/service-template/src/config'
import { ROOT, nodeArgsOf } from '../../scripts/lib/services'
import { startGateway, type RunningGateway } from '../../gateway/src/server'
import { gql, type GraphQLResponse } from '../support/client'
import { stackUrls } from '../support/stack'
import { asUser, callSubgraph, metricsOf, registerFreshUser, seedUser, uniqueUsername } from './helpers'

const LOGIN = 'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id } } }'
const codeOf = (res: GraphQLResponse): unknown => res.errors?.[0]?.extensions?.code
const header = (caller: Caller, audience: SubgraphName, now = Date.now()) => ({
  'x-marketplace-caller': signCaller(DEV_GATEWAY_SECRET, caller, audience, now),
})
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000'

describe('password guessing', () => {
  it('one username: RATE_LIMITED (with retryAfterSeconds) before the 20th wrong password, then even the right one is refused without a hash', async () => {
    const victim = await registerFreshUser('guess')
    let limitedAt = 0
    let limited: GraphQLResponse | undefined
    for (let attempt = 1; attempt < 20 && !limited; attempt++) {
      const res = await gql(LOGIN, { u: victim.username, p: `wrong-guess-${attempt}` })
      expect(res.data?.login ?? null).toBeNull()
      if (codeOf(res) === 'RATE_LIMITED') [limited, limitedAt] = [res, attempt]
      else expect(codeOf(res)).toBe('UNAUTHENTICATED')
    }
    expect(limited).toBeDefined()
    expect(limitedAt).toBeLessThan(20)
    const retryAfter = limited?.errors?.[0]?.extensions?.retryAfterSeconds
    expect(typeof retryAfter).toBe('number')
    expect(retryAfter as number).toBeGreaterThan(0)
    expect(retryAfter as number).toBeLessThanOrEqual(15 * 60)

    // from now on no password is checked for this username: not the wrong ones, not the right one
    const before = await metricsOf('users')
    const right = await gql(LOGIN, { u: victim.username, p: victim.password })
    expect(codeOf(right)).toBe('RATE_LIMITED')
    expect(right.data?.login ?? null).toBeNull()
    // another case of the same username is the same account
    expect(codeOf(await gql(LOGIN, { u: victim.username.toUpperCase(), p: 'another-guess' }))).toBe('RATE_LIMITED')
    const after = await metricsOf('users')
    expect((after.password_checks_total ?? 0) - (before.password_checks_total ?? 0)).toBe(0)
    expect((after.login_rate_limited_total ?? 0) - (before.login_rate_limited_total ?? 0)).toBe(2)

    // the account itself still works for its token holder: only sign-ins are held back
    expect((await gql('{ me { id } }', {}, { token: victim.token })).data?.me).toEqual({ id: victim.id })
  })

  it('a burst of concurrent guesses for one username spends at most the limit of hashes (counted before hashing, not after)', async () => {
    const victim = await registerFreshUser('burst')
    const before = (await metricsOf('users')).password_checks_total ?? 0
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => gql(LOGIN, { u: victim.username, p: `burst-guess-${i}` })))
    const hashed = ((await metricsOf('users')).password_checks_total ?? 0) - before
    expect(hashed).toBeLessThanOrEqual(10)
    expect(answers.filter((res) => codeOf(res) === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(20)
    expect(answers.every((res) => (res.data?.login ?? null) === null)).toBe(true)
  })

  it('a successful sign-in does not use up the allowance: only failures count', async () => {
    const user = await registerFreshUser('often')
    for (let i = 0; i < 12; i++) expect(codeOf(await gql(LOGIN, { u: user.username, p: user.password }))).toBeUndefined()
  })

  it('an unknown username is limited the same way (the answer does not tell which usernames exist)', async () => {
    const nobody = uniqueUsername('nobody')
    const codes: unknown[] = []
    for (let attempt = 1; attempt < 20; attempt++) codes.push(codeOf(await gql(LOGIN, { u: nobody, p: `guess-${attempt}` })))
    expect(codes).toContain('RATE_LIMITED')
    expect(codes.indexOf('RATE_LIMITED')).toBeLessThan(19)
  })

  it('a second login (or registerUser) field in one request is refused before anything runs', async () => {
    const before = (await metricsOf('users')).password_checks_total ?? 0
    const twice = await gql(
      'mutation { a: login(username: "alice", password: "x1") { token } b: login(username: "alice", password: "x2") { token } }',
    )
    expect(codeOf(twice)).toBe('GRAPHQL_VALIDATION_FAILED')
    expect(twice.data ?? null).toBeNull()
    const mixed = await gql(
      'mutation ($input: RegisterUserInput!) { login(username: "alice", password: "x3") { token } registerUser(input: $input) { user { id } } }',
      { input: { username: uniqueUsername('twice'), password: 'a long password' } },
    )
    expect(codeOf(mixed)).toBe('GRAPHQL_VALIDATION_FAILED')
    // aliases inside a fragment are no way around it
    const fragment = await gql(
      'mutation { ...guesses } fragment guesses on Mutation { a: login(username: "alice", password: "x4") { token } b: login(username: "alice", password: "x5") { token } }',
    )
    expect(codeOf(fragment)).toBe('GRAPHQL_VALIDATION_FAILED')
    expect(((await metricsOf('users')).password_checks_total ?? 0) - before).toBe(0)
  })
})

describe('a caller header replayed', () => {
  it("a moderator's header signed for users is refused by the façade (deleteComment) and by comments (_entities)", async () => {
    const moderator = await seedUser('moderator')
    const forUsers = header(asUser(moderator.id, 'MODERATOR'), 'users')
    // the header is genuine: users accepts it
    expect((await callSubgraph('users', '{ me { id } }', {}, forUsers)).data?.me).toEqual({ id: moderator.id })

    const facadeUrl = stackUrls().subgraphs.facade
    const deleteComment = await gql(
      'mutation ($id: ID!) { deleteComment(id: $id) { comment { id } } }',
      { id: UNKNOWN_ID },
      { url: facadeUrl, headers: forUsers },
    )
    expect(codeOf(deleteComment)).toBe('UNAUTHENTICATED')
    expect(codeOf(await gql('{ _service { sdl } }', {}, { url: facadeUrl, headers: forUsers }))).toBe('FORBIDDEN')

    const entities = 'query ($id: ID!) { _entities(representations: [{ __typename: "Comment", id: $id }]) { __typename } }'
    expect(codeOf(await callSubgraph('comments', entities, { id: UNKNOWN_ID }, forUsers))).toBe('FORBIDDEN')
    // the same call with a header signed for comments is served: the audience was the reason
    const forComments = await callSubgraph('comments', entities, { id: UNKNOWN_ID }, header(ANONYMOUS, 'comments'))
    expect(forComments.errors).toBeUndefined()
    expect(codeOf(await gql('{ _service { sdl } }', {}, { url: facadeUrl, headers: header(ANONYMOUS, 'facade') }))).toBeUndefined()
  })

  it('a header older than its 30 seconds is refused; a fresh one is accepted', async () => {
    const alice = await seedUser('alice')
    const old = header(asUser(alice.id, 'CUSTOMER'), 'users', Date.now() - 60_000)
    expect((await callSubgraph('users', '{ me { id } }', {}, old)).data?.me).toBeNull()
    expect(codeOf(await callSubgraph('users', '{ _service { sdl } }', {}, old))).toBe('FORBIDDEN')
    const recent = header(asUser(alice.id, 'CUSTOMER'), 'users', Date.now() - 10_000)
    expect((await callSubgraph('users', '{ me { id } }', {}, recent)).data?.me).toEqual({ id: alice.id })
  })
})

/** Runs a part's entry with exactly `env` (plus PATH); its exit code and output. */
function runEntry(part: 'users' | 'comments' | 'gateway', env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, nodeArgsOf(part), {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

describe('fail closed: outside development mode', () => {
  const STRONG = 'a-strong-secret-for-this-test-only'

  it('a process given no secrets (NODE_ENV unset) refuses to start and names the variable', async () => {
    // a database URL of its own, so that the secrets are what is missing
    const database = { USERS_DATABASE_URL: 'postgres://app:not-the-dev-password@127.0.0.1:1/users' }
    const users = await runEntry('users', database)
    expect(users.code).not.toBe(0)
    expect(users.output).toMatch(/GATEWAY_SECRET must be set/)
    const usersWithoutJwt = await runEntry('users', { ...database, GATEWAY_SECRET: STRONG })
    expect(usersWithoutJwt.code).not.toBe(0)
    expect(usersWithoutJwt.output).toMatch(/JWT_SECRET must be set/)
    // nor does it fall back to the embedded development Postgres
    const usersWithoutDatabase = await runEntry('users', { GATEWAY_SECRET: STRONG, JWT_SECRET: `${STRONG}-jwt` })
    expect(usersWithoutDatabase.code).not.toBe(0)
    expect(usersWithoutDatabase.output).toMatch(/DATABASE_URL \(or USERS_DATABASE_URL\) must be set/)
    const gateway = await runEntry('gateway', { NODE_ENV: 'production', GATEWAY_SECRET: DEV_GATEWAY_SECRET, JWT_SECRET: STRONG })
    expect(gateway.code).not.toBe(0)
    expect(gateway.output).toMatch(/GATEWAY_SECRET must be set/)
  }, 60_000)

  describe('an in-process gateway with NODE_ENV=production', () => {
    let gateway: RunningGateway
    beforeAll(async () => {
      const routes = Object.fromEntries(
        Object.entries(stackUrls().subgraphs).map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url]),
      )
      gateway = await startGateway(
        readGatewayConfig({
          NODE_ENV: 'production',
          GATEWAY_SECRET: STRONG,
          JWT_SECRET: `${STRONG}-jwt`,
          PORT: '0',
          METRICS_PORT: '0',
          LOG_LEVEL: 'silent',
          LOGIN_ATTEMPTS_PER_ADDRESS: '3',
          REGISTRATIONS_PER_ADDRESS: '1',
          ...routes,
        }),
      )
    }, 60_000)
    afterAll(() => gateway?.stop())

    it('answers no introspection and no "Did you mean" (the development stack does both)', async () => {
      const introspection = '{ __schema { queryType { name } } }'
      const typo = '{ commnets(subject: { type: PRODUCT, id: "x" }) { totalCount } }'
      const production = await gql(introspection, {}, { url: gateway.url })
      expect(production.data ?? null).toBeNull()
      expect(codeOf(production)).toBe('GRAPHQL_VALIDATION_FAILED')
      const hint = await gql(typo, {}, { url: gateway.url })
      expect(codeOf(hint)).toBe('GRAPHQL_VALIDATION_FAILED')
      expect(JSON.stringify(hint.errors)).not.toMatch(/Did you mean/)

      const development = await gql(introspection)
      expect(development.data).toEqual({ __schema: { queryType: { name: 'Query' } } })
      expect(JSON.stringify((await gql(typo)).errors)).toMatch(/Did you mean/)
    })

    it('counts login attempts per address: past the limit RATE_LIMITED (429, Retry-After) without calling the users service', async () => {
      const attempt = (headers: Record<string, string> = {}) =>
        fetch(gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query: LOGIN, variables: { u: uniqueUsername('addr'), p: 'a guess' } }),
        })
      for (let i = 0; i < 3; i++)
        expect(((await (await attempt()).json()) as GraphQLResponse).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
      const before = (await metricsOf('users')).password_checks_total ?? 0
      // X-Forwarded-For is the client's own claim unless TRUST_PROXY is set: no way around the limit
      const refused = await attempt({ 'x-forwarded-for': '198.51.100.23' })
      expect(refused.status).toBe(429)
      const body = (await refused.json()) as GraphQLResponse
      expect(body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED')
      const retryAfter = body.errors?.[0]?.extensions?.retryAfterSeconds as number
      expect(retryAfter).toBeGreaterThan(0)
      expect(refused.headers.get('retry-after')).toBe(String(retryAfter))
      expect(((await metricsOf('users')).password_checks_total ?? 0) - before).toBe(0)
      const counters = await (await fetch(gateway.metricsUrl)).text()
      expect(counters).toMatch(/^rate_limited_total 1$/m)
    })

    it('counts registrations per address', async () => {
      // an invalid input still counts: the limit is on attempts, before any workflow starts
      const register = () =>
        gql(
          'mutation ($input: RegisterUserInput!) { registerUser(input: $input) { user { id } } }',
          { input: { username: 'x', password: 'short' } },
          { url: gateway.url },
        )
      expect(codeOf(await register())).toBe('BAD_USER_INPUT')
      const refused = await register()
      expect(codeOf(refused)).toBe('RATE_LIMITED')
      expect(refused.status).toBe(429)
    })
  })
})

describe('/metrics', () => {
  it('is not served on the public gateway port; the metrics listener serves it', async () => {
    const publicMetrics = await fetch(new URL('/metrics', stackUrls().gateway))
    expect(publicMetrics.status).toBe(404)
    expect(await publicMetrics.text()).not.toMatch(/http_requests_total/)
    const metricsUrl = new URL(stackUrls().gatewayMetrics)
    expect(metricsUrl.hostname).toBe('127.0.0.1')
    expect(metricsUrl.port).not.toBe(new URL(stackUrls().gateway).port)
    const served = await fetch(metricsUrl)
    expect(served.status).toBe(200)
    expect(await served.text()).toMatch(/^http_requests_total \d+$/m)
  })
})
