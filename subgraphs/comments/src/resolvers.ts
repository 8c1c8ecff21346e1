import {
  createTableByIdLoader,
  emptyConnection,
  isId,
  readPageArgs,
  type Connection,
  type ContextDependencies,
  type PageRequest,
  type PageLoader,
  type ParentKey,
  type RequestContext,
} from '@marketplace/service-template'
import { commentListLoaders, type Comment } from './comments'
import type { CommentSubjectType, CommentsDatabase } from './database'
import type { Resolvers } from './generated/resolvers'
import { canReadReviewDiscussion, createReviewVisibilityLoader, readableByCaller, readableComment } from './review-visibility'

export function createLoaders({ db, config }: ContextDependencies<CommentsDatabase>) {
  return {
    commentById: createTableByIdLoader(db, 'comments', { batch: config.batchLoads }),
    reviewVisibility: createReviewVisibilityLoader(db),
    ...commentListLoaders(db, config.batchLoads),
  }
}

export type Context = RequestContext<CommentsDatabase, ReturnType<typeof createLoaders>>

/** The page of the parent named by `id` (an id that is not a UUID has an empty list, and never reaches SQL). */
function page(
  loader: PageLoader<ParentKey, Comment>,
  id: string,
  key: (id: string) => ParentKey,
  request: PageRequest,
): Promise<Connection<Comment>> {
  return isId(id) ? loader.load(key(id.toLowerCase()), request) : Promise.resolve(emptyConnection())
}

async function topLevelCommentsOf(
  ctx: Context,
  type: CommentSubjectType,
  subjectId: string,
  request: PageRequest,
): Promise<Connection<Comment>> {
  // a review's discussion follows the review: a hidden one answers like an unknown subject
  const hidden = type === 'REVIEW' && !(await canReadReviewDiscussion(ctx.loaders.reviewVisibility, ctx.caller, subjectId))
  return page(ctx.loaders.bySubject, hidden ? '' : subjectId, (id) => ({ subjectType: type, subjectId: id }), request)
}

/** A comment the caller may read, else null (one under a hidden review answers like an unknown one). */
const readable = async (id: string, ctx: Context) =>
  readableComment(ctx.loaders.reviewVisibility, ctx.caller, await ctx.loaders.commentById.load(id))

const SUBJECT_TYPENAMES = {
  PRODUCT: 'Product',
  MERCHANT: 'Merchant',
  REVIEW: 'Review',
} as const satisfies Record<CommentSubjectType, string>

export const resolvers: Resolvers = {
  Query: {
    comments: (_, args, ctx) => topLevelCommentsOf(ctx, args.subject.type, args.subject.id, readPageArgs(args)),
    comment: (_, args, ctx) => readable(args.id, ctx),
  },
  Comment: {
    __resolveReference: (reference, ctx) => readable(reference.id, ctx),
    author: (comment) => ({ __typename: 'User', id: comment.authorId }),
    // soft-deleted: the thread keeps its shape, the text is gone
    body: (comment) => (comment.deleted ? '' : comment.body),
    subject: (comment) => ({ __typename: SUBJECT_TYPENAMES[comment.subjectType], id: comment.subjectId }),
    parent: (comment, _, ctx) => (comment.parentId ? readable(comment.parentId, ctx) : null),
    replies: (comment, args, ctx) => page(ctx.loaders.replies, comment.id, (id) => ({ parentId: id }), readPageArgs(args)),
  },
  User: {
    comments: (user, args, ctx) =>
      page(ctx.loaders.byAuthor(readableByCaller(ctx.caller)), user.id, (id) => ({ authorId: id }), readPageArgs(args)),
  },
  Product: { comments: (product, args, ctx) => topLevelCommentsOf(ctx, 'PRODUCT', product.id, readPageArgs(args)) },
  Merchant: { comments: (merchant, args, ctx) => topLevelCommentsOf(ctx, 'MERCHANT', merchant.id, readPageArgs(args)) },
  Review: { comments: (review, args, ctx) => topLevelCommentsOf(ctx, 'REVIEW', review.id, readPageArgs(args)) },
}
