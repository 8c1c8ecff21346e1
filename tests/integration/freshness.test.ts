// Scenario: readers hammer a comments page while its comments are posted, edited and deleted and
// its authors rename themselves. Whatever the caches hold (the gateway's responses, the users'
// in-process copies, Redis), a read that starts after a mutation returned shows that mutation.
import { gql, login } from '../support/client'
import { stackUrls } from '../support/stack'
import { COMMENTS_PAGE, createFreshProduct, query, removeCreatedRows } from './helpers'

interface PageNode {
  id: string
  body: string
  deleted: boolean
  replyCount: number
  author: { id: string; username: string }
}

const PAGE = COMMENTS_PAGE.replace('body createdAt replyCount', 'body deleted createdAt replyCount')

interface Read {
  readonly startedAt: number
  readonly nodes: readonly PageNode[]
}

async function mutate<T>(text: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const res = await gql<T>(text, variables, { token })
  if (res.errors || !res.data) throw new Error(`mutation failed: ${JSON.stringify(res.errors)}`)
  return res.data
}

// the read suites count the seed's products: remove the ones made here
afterAll(removeCreatedRows)

describe('no stale read after a mutation returned', () => {
  it('concurrent readers see every post, reply, edit, delete and rename made before they started', async () => {
    const alice = await login('alice')
    const product = await createFreshProduct('Freshness probe')
    const subject = { type: 'PRODUCT', id: product }
    const alicesId = (await query<{ me: { id: string } }>('{ me { id } }', {}, alice)).me.id

    // readers: the contract's query verbatim (so the gateway caches it) in a tight loop
    const reads: Read[] = []
    let reading = true
    const readers = Array.from({ length: 6 }, async () => {
      while (reading) {
        const startedAt = performance.now()
        const res = await gql<{ comments: { edges: { node: PageNode }[] } }>(PAGE, { subject })
        if (res.errors) throw new Error(JSON.stringify(res.errors))
        reads.push({ startedAt, nodes: res.data?.comments.edges.map((e) => e.node) ?? [] })
      }
    })

    // each check: after the mutation returned at `at`, every read must satisfy `fresh` (a predicate
    // that also holds once later mutations of this test applied)
    const checks: { what: string; at: number; fresh: (nodes: readonly PageNode[]) => boolean }[] = []
    const post = async (body: string): Promise<string> => {
      const data = await mutate<{ postComment: { comment: { id: string } } }>(
        'mutation ($s: SubjectRef!, $b: String!) { postComment(input: { subject: $s, body: $b }) { comment { id } } }',
        { s: subject, b: body },
        alice,
      )
      const id = data.postComment.comment.id
      checks.push({ what: `post ${body}`, at: performance.now(), fresh: (nodes) => nodes.some((n) => n.id === id) })
      return id
    }

    const first = await post('first')
    await new Promise((r) => setTimeout(r, 150))
    await post('second')
    await mutate(
      'mutation ($s: SubjectRef!, $p: ID!) { postComment(input: { subject: $s, body: "a reply", parentId: $p }) { comment { id } } }',
      { s: subject, p: first },
      alice,
    )
    checks.push({ what: 'reply counted', at: performance.now(), fresh: (nodes) => nodes.find((n) => n.id === first)?.replyCount === 1 })
    await new Promise((r) => setTimeout(r, 150))
    await mutate('mutation ($id: ID!) { editComment(input: { id: $id, body: "first, edited" }) { comment { id } } }', { id: first }, alice)
    // (a later delete empties the body: that is newer, not stale)
    checks.push({
      what: 'edit',
      at: performance.now(),
      fresh: (nodes) => nodes.some((n) => n.id === first && (n.body === 'first, edited' || n.deleted)),
    })
    const renamed = `alice_${Date.now().toString(36)}`.slice(0, 32)
    try {
      await mutate('mutation ($u: String!) { updateProfile(input: { username: $u }) { user { id } } }', { u: renamed }, alice)
      checks.push({
        what: 'rename',
        at: performance.now(),
        fresh: (nodes) => nodes.filter((n) => n.author.id === alicesId).every((n) => n.author.username === renamed),
      })
      await new Promise((r) => setTimeout(r, 150))
      await mutate('mutation ($id: ID!) { deleteComment(id: $id) { comment { id } } }', { id: first }, alice)
      checks.push({ what: 'delete', at: performance.now(), fresh: (nodes) => nodes.find((n) => n.id === first)?.deleted === true })
      await new Promise((r) => setTimeout(r, 300))
    } finally {
      reading = false
      await Promise.all(readers)
      await mutate('mutation { updateProfile(input: { username: "alice" }) { user { id } } }', {}, alice)
    }

    const stale = checks.flatMap((check) =>
      reads
        .filter((read) => read.startedAt > check.at && !check.fresh(read.nodes))
        .map((read) => `${check.what} (read ${Math.round(read.startedAt - check.at)} ms after)`),
    )
    expect(reads.filter((read) => read.startedAt > (checks.at(-1)?.at ?? Infinity)).length).toBeGreaterThan(0)
    expect(stale).toEqual([])
  }, 120_000)
})

describe('Redis down', () => {
  it('author lookups fall back to Postgres within a bounded time; no read fails because of the cache', async () => {
    const { pids, redis } = stackUrls()
    if (!redis || !pids.redis) throw new Error('the test stack runs without Redis')
    // a new author: no process has them cached, so the lookup must go past the caches
    const username = `offline_${Date.now().toString(36)}`
    const registered = await gql<{ registerUser: { user: { id: string } } }>(
      'mutation ($u: String!) { registerUser(input: { username: $u, password: "a long password" }) { user { id } } }',
      { u: username },
    )
    expect(registered.errors).toBeUndefined()
    const token = (
      await gql<{ login: { token: string } }>('mutation ($u: String!) { login(username: $u, password: "a long password") { token } }', {
        u: username,
      })
    ).data?.login.token as string
    const product = await createFreshProduct('Redis-down probe')
    await mutate(
      'mutation ($s: SubjectRef!) { postComment(input: { subject: $s, body: "posted before Redis stopped" }) { comment { id } } }',
      { s: { type: 'PRODUCT', id: product } },
      token,
    )

    process.kill(pids.redis, 'SIGSTOP')
    try {
      const started = performance.now()
      const res = await gql<{ comments: { edges: { node: PageNode }[] } }>(
        COMMENTS_PAGE.replace('query CommentsPage(', 'query RedisDown('),
        {
          subject: { type: 'PRODUCT', id: product },
        },
      )
      const elapsed = performance.now() - started
      expect(res.errors).toBeUndefined()
      expect(res.data?.comments.edges.map((e) => e.node.author.username)).toEqual([username])
      expect(elapsed).toBeLessThan(3000)
    } finally {
      process.kill(pids.redis, 'SIGCONT')
    }
  }, 60_000)
})
