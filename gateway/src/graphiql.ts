import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'

const gzipAsync = promisify(gzip)

// the contract's CommentsPage query: one file for this page, the benchmark and the tests
const COMMENTS_PAGE_QUERY = readFileSync(join(__dirname, '..', '..', 'contract', 'comments-page.graphql'), 'utf8').trimEnd()

/**
 * The comments page of a real subject. The seed names its rows by `uuidFor(seed, table, index)`
 * (scripts/seed/random.ts); product 0 of the default seed (42) is the first product of Mallory's
 * store, the busiest subject (every seed gives it comments). With another `--seed`, pick an id
 * with `{ products(first: 5) { edges { node { id name } } } }` (or any product, merchant or
 * review id) and put it in the variables.
 */
const BUSIEST_PRODUCT_OF_DEFAULT_SEED = '3ba7e58b-a189-4942-af3a-e7f3a09d87c5'

const COMMENTS_TAB = {
  query: `# The comments page of a subject, newest first: the
# contract's CommentsPage query. The variables name the
# busiest product of the default seed. For another subject,
# find an id with
#   { products(first: 5) { edges { node { id name } } } }
# and set "type" to PRODUCT, MERCHANT or REVIEW.
# For the next page, pass pageInfo.endCursor as "after".
# Sign in with the bar above (seed accounts:
# password = username).
${COMMENTS_PAGE_QUERY}
`,
  variables: JSON.stringify({ subject: { type: 'PRODUCT', id: BUSIEST_PRODUCT_OF_DEFAULT_SEED }, after: null }, null, 2),
}

const MODERATION_TAB = {
  query: `# Moderating a review, then following its durable run.
# 1. Sign in as "moderator" with the bar above.
# 2. Pick a PENDING review (in a new tab, run
#      { moderationQueue(first: 5) {
#          edges { node { id status rating body } } } }
#    ) and put its id in the variables as input.reviewId
#    (decision APPROVE, or REJECT with a "reason").
# 3. Run Moderate: the run button offers both operations
#    (Ctrl-Enter runs the one under the cursor).
# 4. Put the returned operation.id in the variables as "id"
#    and run Progress until the run is COMPLETED (an APPROVE
#    recomputes the subject's rating after answering).
mutation Moderate($input: ModerateReviewInput!) {
  moderateReview(input: $input) {
    review { id status }
    operation { id status steps { name activity status attempts error } }
  }
}

query Progress($id: ID!) {
  operation(id: $id) { id scenario status steps { name activity status attempts error } }
}
`,
  variables: JSON.stringify(
    { input: { reviewId: '<a PENDING review id>', decision: 'APPROVE' }, id: '<operation.id from Moderate>' },
    null,
    2,
  ),
}

/** Who the sign-in bar offers (scripts/seed: password = username). */
const SEED_ACCOUNTS = ['admin', 'moderator', 'alice', 'bob', 'mallory']

// Content-Security-Policy: nothing but this document and the endpoint (same origin) is ever
// loaded, so a page opened offline never waits on the network and no request leaves the host.
const CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  'font-src data:',
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`))
}

/** The text of an inline <script>: nothing in it may end the element or open an HTML comment. */
function scriptText(source: string): string {
  return source.replace(/\/[/*][#@] sourceMappingURL=\S*/g, '').replace(/<(\/?script|!--)/gi, '\\x3C$1')
}

/** The text of an inline <style>. */
function styleText(source: string): string {
  return source.replace(/\/\*# sourceMappingURL=[^*]*\*\//g, '').replace(/<\/style/gi, '<\\/style')
}

/** JSON for a <script type="application/json">: `<` escaped so no tag can close it. */
function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c')
}

async function renderHtml(endpoint: string): Promise<string> {
  const react = packageDir('react')
  const reactDom = packageDir('react-dom')
  const graphiql = packageDir('graphiql')
  const [reactJs, reactDomJs, graphiqlJs, graphiqlCss, appJs] = await Promise.all([
    readFile(join(react, 'umd', 'react.production.min.js'), 'utf8'),
    readFile(join(reactDom, 'umd', 'react-dom.production.min.js'), 'utf8'),
    readFile(join(graphiql, 'graphiql.min.js'), 'utf8'),
    readFile(join(graphiql, 'graphiql.min.css'), 'utf8'),
    readFile(join(__dirname, 'graphiql', 'app.js'), 'utf8'),
  ])
  const config = { endpoint, accounts: SEED_ACCOUNTS, tabs: [COMMENTS_TAB, MODERATION_TAB] }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>Marketplace supergraph · GraphiQL</title>
<style>${styleText(graphiqlCss)}</style>
</head>
<body>
<div id="graphiql-app"><p style="font-family: sans-serif; padding: 1em">Loading GraphiQL…</p></div>
<script id="graphiql-config" type="application/json">${jsonText(config)}</script>
<script>${scriptText(reactJs)}</script>
<script>${scriptText(reactDomJs)}</script>
<script>${scriptText(graphiqlJs)}</script>
<script>${scriptText(appJs)}</script>
</body>
</html>
`
}

/**
 * The GraphiQL page: one self-contained document (React, ReactDOM, GraphiQL and the page's own
 * script, gateway/src/graphiql/app.js, inlined from node_modules: no CDN, works offline). Built on
 * first use and kept only gzipped (~1 MB; the 4.5 MB of text is garbage once compressed).
 */
export class GraphiqlPage {
  private rendering: Promise<Buffer> | null = null

  constructor(private readonly endpoint: string) {}

  gzipped(): Promise<Buffer> {
    this.rendering ??= renderHtml(this.endpoint)
      .then((html) => gzipAsync(html, { level: 9 }))
      .catch((err: unknown) => {
        this.rendering = null // the next visit tries again
        throw err
      })
    return this.rendering
  }
}
