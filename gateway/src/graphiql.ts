import { execFile } from 'node:child_process'

const COMMENTS_PAGE = `# The marketplace supergraph. Sign in first (password = username):
#   mutation { login(username: "alice", password: "alice") { token } }
# then put {"Authorization": "Bearer <token>"} in the Headers tab below.
# Seed accounts: admin, moderator, alice, bob, mallory.
#
# The comments page of a product: pick an id with { products(first: 1) { edges { node { id name } } } }
query CommentsPage($subject: SubjectRef!, $after: String) {
  comments(subject: $subject, first: 10, after: $after) {
    totalCount
    edges { cursor node { id body createdAt replyCount author { id username avatarUrl } } }
    pageInfo { hasNextPage endCursor }
  }
}
`

// Runs in a child process: the renderer inlines GraphiQL's scripts (9 MB of HTML) and, once
// loaded, would keep ~90 MB in the gateway for a page that analysts open now and then.
const RENDER_SCRIPT = `
const { renderGraphiQL } = require(process.argv[1])
const html = renderGraphiQL(JSON.parse(process.argv[2]))
process.stdout.write(require('node:zlib').gzipSync(Buffer.from(html)))
`

/**
 * The GraphiQL page, self-contained (its scripts are inlined from npm packages: no CDN), rendered
 * on first use in a child process and kept gzipped (2.4 MB).
 */
export class GraphiqlPage {
  private rendering: Promise<Buffer> | null = null

  constructor(private readonly endpoint: string) {}

  gzipped(): Promise<Buffer> {
    this.rendering ??= render(this.endpoint).catch((err: unknown) => {
      this.rendering = null // the next visit tries again
      throw err
    })
    return this.rendering
  }
}

function render(endpoint: string): Promise<Buffer> {
  const options = { endpoint, title: 'Marketplace supergraph', defaultQuery: COMMENTS_PAGE, shouldPersistHeaders: true }
  const renderer = require.resolve('@graphql-yoga/render-graphiql')
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', RENDER_SCRIPT, renderer, JSON.stringify(options)],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 60_000, env: { PATH: process.env.PATH ?? '' } },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    )
  })
}
