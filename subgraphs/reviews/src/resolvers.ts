import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper'
import {
  createByIdLoader,
  emptyConnection,
  forbidden,
  isId,
  isModerator,
  readPageArgs,
  unauthenticated,
  type ContextDependencies,
  type PageArgs,
  type RequestContext,
} from '@marketplace/service-template'
import type { ReviewSubjectType, ReviewsDatabase } from './database'
import { canSee, reviewListLoaders, reviewsByIds, reviewsPage, type Review } from './reviews'

export function createLoaders({ db, config }: ContextDependencies<ReviewsDatabase>) {
  return { reviewById: createByIdLoader((ids) => reviewsByIds(db, ids)), ...reviewListLoaders(db, config.batchLoads) }
}

type Context = RequestContext<ReviewsDatabase, ReturnType<typeof createLoaders>>

async function visibleReview(id: string, ctx: Context): Promise<Review | null> {
  const review = await ctx.loaders.reviewById.load(id)
  return review && canSee(ctx.caller, review) ? review : null
}

const publishedReviewsOf = (type: ReviewSubjectType) => (subject: { id: string }, args: PageArgs, ctx: Context) => {
  const request = readPageArgs(args)
  if (!isId(subject.id)) return emptyConnection()
  return ctx.loaders.publishedBySubject.load({ subject_type: type, subject_id: subject.id.toLowerCase() }, request)
}

const SUBJECT_TYPENAMES: Readonly<Record<ReviewSubjectType, string>> = { PRODUCT: 'Product', MERCHANT: 'Merchant' }

export const resolvers: GraphQLResolverMap<Context> = {
  Query: {
    review: (_: unknown, args: { id: string }, ctx: Context) => visibleReview(args.id, ctx),
    moderationQueue: (_: unknown, args: PageArgs, ctx: Context) => {
      if (!ctx.caller.userId) throw unauthenticated()
      if (!isModerator(ctx.caller)) throw forbidden('Only moderators and admins can see the moderation queue.')
      return reviewsPage(ctx.db, 'PENDING', 'oldest-first', readPageArgs(args, 20))
    },
  },
  Review: {
    __resolveReference: (reference: { id: string }, ctx: Context) => visibleReview(reference.id, ctx),
    author: (review: Review) => ({ __typename: 'User', id: review.authorId }),
    moderator: (review: Review) => (review.moderatorId ? { __typename: 'User', id: review.moderatorId } : null),
    subject: (review: Review) => ({ __typename: SUBJECT_TYPENAMES[review.subjectType], id: review.subjectId }),
  },
  Product: { reviews: publishedReviewsOf('PRODUCT') },
  Merchant: { reviews: publishedReviewsOf('MERCHANT') },
  User: {
    reviews: (user: { id: string }, args: PageArgs, ctx: Context) => {
      const request = readPageArgs(args)
      if (!isId(user.id)) return emptyConnection()
      const authorId = user.id.toLowerCase()
      // the author and moderators see every status; everyone else only what is published
      const everything = ctx.caller.userId === authorId || isModerator(ctx.caller)
      return (everything ? ctx.loaders.allByAuthor : ctx.loaders.publishedByAuthor).load({ author_id: authorId }, request)
    },
  },
}
