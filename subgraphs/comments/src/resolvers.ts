import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper'
import {
  createByIdLoader,
  emptyConnection,
  isId,
  readPageArgs,
  type ContextDependencies,
  type PageArgs,
  type RequestContext,
} from '@marketplace/service-template'
import { commentsByIds, commentsPage, type Comment, type CommentList } from './comments'
import type { CommentSubjectType, CommentsDatabase } from './database'

export function createLoaders({ db }: ContextDependencies<CommentsDatabase>) {
  return { commentById: createByIdLoader((ids) => commentsByIds(db, ids)) }
}

type Context = RequestContext<CommentsDatabase, ReturnType<typeof createLoaders>>

function page(id: string, list: (id: string) => CommentList, args: PageArgs, ctx: Context) {
  const request = readPageArgs(args)
  return isId(id) ? commentsPage(ctx.db, list(id.toLowerCase()), request) : emptyConnection()
}

const topLevelCommentsOf = (type: CommentSubjectType) => (subject: { id: string }, args: PageArgs, ctx: Context) =>
  page(subject.id, (id) => ({ kind: 'subject', subject: { type, id } }), args, ctx)

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
    replies: (comment: Comment, args: PageArgs, ctx: Context) =>
      page(comment.id, (parentId) => ({ kind: 'replies', parentId }), args, ctx),
  },
  User: {
    comments: (user: { id: string }, args: PageArgs, ctx: Context) =>
      page(user.id, (authorId) => ({ kind: 'author', authorId }), args, ctx),
  },
  Product: { comments: topLevelCommentsOf('PRODUCT') },
  Merchant: { comments: topLevelCommentsOf('MERCHANT') },
  Review: { comments: topLevelCommentsOf('REVIEW') },
}
