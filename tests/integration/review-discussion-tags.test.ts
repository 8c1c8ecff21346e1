// The cached pages a change of a review's visibility drops (hideReviewComments / showReviewComments):
// every comment of the review, down the reply threads, read by index. The first version filtered
// all comments by subject, which no index serves: a scan of the whole table (~90 ms of Postgres
// CPU per submitReview and per moderation at a million comments, measured by `npm run bench -- --writes`).
import { randomUUID } from 'node:crypto'
import { PostgresQueryCompiler, type KyselyPlugin } from 'kysely'
import { createDatabase } from '@marketplace/service-template'
import type { CommentsDatabase } from '../../subgraphs/comments/src/database'
import { reviewDiscussionTags } from '../../subgraphs/comments/src/review-visibility'
import { stackUrls } from '../support/stack'
import { withDatabase } from './helpers'

interface PlanNode {
  readonly 'Node Type': string
  readonly 'Relation Name'?: string
  readonly 'Index Name'?: string
  readonly 'Index Cond'?: string
  readonly 'Recheck Cond'?: string
  readonly Plans?: readonly PlanNode[]
}
const scansOf = (node: PlanNode): PlanNode[] => [...(node['Relation Name'] ? [node] : []), ...(node.Plans ?? []).flatMap(scansOf)]

/** Keeps the SQL of every query the database runs, as Postgres receives it (after CamelCasePlugin). */
function recorder(): { plugin: KyselyPlugin; queries: { sql: string; parameters: readonly unknown[] }[] } {
  const queries: { sql: string; parameters: readonly unknown[] }[] = []
  const compiler = new PostgresQueryCompiler()
  return {
    queries,
    plugin: {
      transformQuery: (args) => {
        const compiled = compiler.compileQuery(args.node, args.queryId)
        queries.push({ sql: compiled.sql, parameters: compiled.parameters })
        return args.node
      },
      transformResult: async (args) => args.result,
    },
  }
}

const inserted: string[] = []
async function insertComment(reviewId: string, parentId: string | null = null): Promise<string> {
  const id = randomUUID()
  inserted.push(id)
  await withDatabase('comments', (db) =>
    db.query(`INSERT INTO comments (id, subject_type, subject_id, parent_id, author_id, body) VALUES ($1, 'REVIEW', $2, $3, $4, 'x')`, [
      id,
      reviewId,
      parentId,
      randomUUID(),
    ]),
  )
  return id
}

const db = createDatabase<CommentsDatabase>(stackUrls().postgres.comments, 2)
afterAll(async () => {
  await withDatabase('comments', (client) => client.query('DELETE FROM comments WHERE id = ANY($1::uuid[])', [inserted.reverse()]))
  await db.destroy()
})

describe('the pages a review visibility change drops', () => {
  it('are the review list and every comment of the review, replies of replies included, and no other', async () => {
    const review = randomUUID()
    const top = await insertComment(review)
    const reply = await insertComment(review, top)
    const replyToReply = await insertComment(review, reply)
    const secondTop = await insertComment(review)
    await insertComment(randomUUID()) // another review's
    const tags = await reviewDiscussionTags(db, review)
    expect(tags.sort()).toEqual(
      [`comments:REVIEW:${review}`, `Comment:${top}`, `Comment:${reply}`, `Comment:${replyToReply}`, `Comment:${secondTop}`].sort(),
    )
    const unknown = randomUUID()
    expect(await reviewDiscussionTags(db, unknown)).toEqual([`comments:REVIEW:${unknown}`])
  })

  it('are read by index: every read of the comments table has an index condition', async () => {
    const { plugin, queries } = recorder()
    await reviewDiscussionTags(db.withPlugin(plugin), randomUUID())
    expect(queries).toHaveLength(1)
    const [{ sql, parameters }] = queries as [{ sql: string; parameters: readonly unknown[] }]
    const plan = await withDatabase('comments', async (client) => {
      // the test database is small: without this a sequential scan may be cheapest even where an index applies
      await client.query('SET enable_seqscan = off')
      const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${sql}`, [...parameters])
      return rows[0]?.['QUERY PLAN'][0]?.Plan as PlanNode
    })
    const scans = scansOf(plan).filter((node) => node['Relation Name'] === 'comments')
    expect(scans.length).toBeGreaterThan(0)
    // an index scan with a condition, or a bitmap scan of one; never a scan that reads every row
    const byIndex = (node: PlanNode): boolean => node['Index Cond'] !== undefined || node['Recheck Cond'] !== undefined
    expect(scans.filter((node) => !byIndex(node)).map((node) => `${node['Node Type']} ${node['Index Name'] ?? ''}`)).toEqual([])
  })
})
