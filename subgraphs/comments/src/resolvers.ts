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

export function createLoaders({ db, config }: ContextDependencies<CommentsDatabase>) {
  return {
    commentById: createByIdLoader((ids) => commentsByIds(db, ids)),
    ...commentListLoaders(db, config.batchLoads),
  }
}

type Context = RequestContext<CommentsDatabase, ReturnType<typeof createLoaders>>

/** The page of the parent named by `id` (an id that is not a UUID has an empty list, and never reaches SQL). */
function page(loader: PageLoader<ParentKey, Comment>, id: string, key: (id: string) => ParentKey, args: PageArgs): Promise<Connection<Comment>> {
  const request = readPageArgs(args)
  return isId(id) ? loader.load(key(id.toLowerCase()), request) : Promise.resolve(emptyConnection())
}

const topLevelCommentsOf = (type: CommentSubjectType) => (subject: { id: string }, args: PageArgs, ctx: Context) =>
  page(ctx.loaders.bySubject, subject.id, (id) => ({ subject_type: type, subject_id: id }), args)

const SUBJECT_TYPENAMES: Readonly<Record<CommentSubjectType, string>> = {
  PRODUCT: 'Product',
  MERCHANT: 'Merchant',
  REVIEW: 'Review',
}

export const resolvers: GraphQLResolverMap<Context> = {
  Query: {
    comments: (_: unknown, args: PageArgs & { subject: { type: CommentSubjectType; id: string } }, ctx: Context) =>
      topLevelCommentsOf(args.subject.type)({ id: args.subject.id }, args, ctx),
    comment: (_: unknown, args: { id: string }, ctx: Context) => ctx.loaders.commentById.load(args.id),
  },
  Comment: {
    __resolveReference: (reference: { id: string }, ctx: Context) => ctx.loaders.commentById.load(reference.id),
    author: (comment: Comment) => ({ __typename: 'User', id: comment.authorId }),
    subject: (comment: Comment) => ({ __typename: SUBJECT_TYPENAMES[comment.subjectType], id: comment.subjectId }),
    parent: (comment: Comment, _: unknown, ctx: Context) =>
      comment.parentId ? ctx.loaders.commentById.load(comment.parentId) : null,
    replies: (comment: Comment, args: PageArgs, ctx: Context) => page(ctx.loaders.replies, comment.id, (id) => ({ parent_id: id }), args),
  },
  User: {
    comments: (user: { id: string }, args: PageArgs, ctx: Context) =>
      page(ctx.loaders.byAuthor(null), user.id, (id) => ({ author_id: id }), args),
  },
  Product: { comments: topLevelCommentsOf('PRODUCT') },
  Merchant: { comments: topLevelCommentsOf('MERCHANT') },
  Review: { comments: topLevelCommentsOf('REVIEW') },
}
