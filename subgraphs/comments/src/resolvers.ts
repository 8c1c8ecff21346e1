import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper'
import {
  createByIdLoader,
  emptyConnection,
  isId,
  readPageArgs,
  type Connection,
  type ContextDependencies,
  type PageArgs,
  type PageLoader,
  type ParentKey,
  type RequestContext,
} from '@marketplace/service-template'
import { commentListLoaders, commentsByIds, type Comment } from './comments'
import type { CommentSubjectType, CommentsDatabase } from './database'
import { canReadReviewDiscussion, createReviewVisibilityLoader, readableByCaller, readableComment } from './review-visibility'

export function createLoaders({ db, config }: ContextDependencies<CommentsDatabase>) {
  return {
    commentById: createByIdLoader((ids) => commentsByIds(db, ids)),
    reviewVisibility: createReviewVisibilityLoader(db),
    ...commentListLoaders(db, config.batchLoads),
  }
}

type Context = RequestContext<CommentsDatabase, ReturnType<typeof createLoaders>>

/** The page of the parent named by `id` (an id that is not a UUID has an empty list, and never reaches SQL). */
function page(
  loader: PageLoader<ParentKey, Comment>,
  id: string,
  key: (id: string) => ParentKey,
  args: PageArgs,
): Promise<Connection<Comment>> {
  const request = readPageArgs(args)
  return isId(id) ? loader.load(key(id.toLowerCase()), request) : Promise.resolve(emptyConnection())
}

const topLevelCommentsOf = (type: CommentSubjectType) => async (subject: { id: string }, args: PageArgs, ctx: Context) => {
  // a review's discussion follows the review: a hidden one answers like an unknown subject
  const hidden = type === 'REVIEW' && !(await canReadReviewDiscussion(ctx.loaders.reviewVisibility, ctx.caller, subject.id))
  return page(ctx.loaders.bySubject, hidden ? '' : subject.id, (id) => ({ subject_type: type, subject_id: id }), args)
}

/** A comment the caller may read, else null (one under a hidden review answers like an unknown one). */
const readable = async (id: string, ctx: Context) =>
  readableComment(ctx.loaders.reviewVisibility, ctx.caller, await ctx.loaders.commentById.load(id))

const SUBJECT_TYPENAMES: Readonly<Record<CommentSubjectType, string>> = {
  PRODUCT: 'Product',
  MERCHANT: 'Merchant',
  REVIEW: 'Review',
}

export const resolvers: GraphQLResolverMap<Context> = {
  Query: {
    comments: (_: unknown, args: PageArgs & { subject: { type: CommentSubjectType; id: string } }, ctx: Context) =>
      topLevelCommentsOf(args.subject.type)({ id: args.subject.id }, args, ctx),
    comment: (_: unknown, args: { id: string }, ctx: Context) => readable(args.id, ctx),
  },
  Comment: {
    __resolveReference: (reference: { id: string }, ctx: Context) => readable(reference.id, ctx),
    author: (comment: Comment) => ({ __typename: 'User', id: comment.authorId }),
    subject: (comment: Comment) => ({ __typename: SUBJECT_TYPENAMES[comment.subjectType], id: comment.subjectId }),
    parent: (comment: Comment, _: unknown, ctx: Context) => (comment.parentId ? readable(comment.parentId, ctx) : null),
    replies: (comment: Comment, args: PageArgs, ctx: Context) => page(ctx.loaders.replies, comment.id, (id) => ({ parent_id: id }), args),
  },
  User: {
    comments: (user: { id: string }, args: PageArgs, ctx: Context) =>
      page(ctx.loaders.byAuthor(readableByCaller(ctx.caller)), user.id, (id) => ({ author_id: id }), args),
  },
  Product: { comments: topLevelCommentsOf('PRODUCT') },
  Merchant: { comments: topLevelCommentsOf('MERCHANT') },
  Review: { comments: topLevelCommentsOf('REVIEW') },
}
