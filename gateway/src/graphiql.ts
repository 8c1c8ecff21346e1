import { gzipSync } from 'node:zlib'
import { renderGraphiQL } from '@graphql-yoga/render-graphiql'

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

/** The GraphiQL page, self-contained (its scripts are inlined from npm packages: no CDN). */
export function graphiqlPage(endpoint: string): { html: Buffer; gzipped: Buffer } {
  const html = Buffer.from(
    renderGraphiQL({
      endpoint,
      title: 'Marketplace supergraph',
      defaultQuery: COMMENTS_PAGE,
      shouldPersistHeaders: true,
    }),
  )
  return { html, gzipped: gzipSync(html) }
}
