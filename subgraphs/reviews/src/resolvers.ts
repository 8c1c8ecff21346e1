import {
  createTableByIdLoader,
  emptyConnection,
  forbidden,
  isId,
  isModerator,
  readPageArgs,
  unauthenticated,
  type Connection,
  type ContextDependencies,
  type PageRequest,
  type RequestContext,
} from '@marketplace/service-template'
import type { ReviewSubjectType, ReviewsDatabase } from './database'
import type { Resolvers } from './generated/resolvers'
import { canSee, reviewListLoaders, reviewsPage, type Review } from './reviews'

export function createLoaders({ db, config }: ContextDependencies<ReviewsDatabase>) {
  return { reviewById: createTableByIdLoader(db, 'reviews', { batch: config.batchLoads }), ...reviewListLoaders(db, config.batchLoads) }
}

export type Context = RequestContext<ReviewsDatabase, ReturnType<typeof createLoaders>>

async function visibleReview(id: string, ctx: Context): Promise<Review | null> {
  const review = await ctx.loaders.reviewById.load(id)
  return review && canSee(ctx.caller, review) ? review : null
}

function publishedReviewsOf(ctx: Context, type: ReviewSubjectType, id: string, request: PageRequest): Promise<Connection<Review>> {
  if (!isId(id)) return Promise.resolve(emptyConnection())
  return ctx.loaders.publishedBySubject.load({ subjectType: type, subjectId: id.toLowerCase() }, request)
}

const SUBJECT_TYPENAMES = { PRODUCT: 'Product', MERCHANT: 'Merchant' } as const satisfies Record<ReviewSubjectType, string>

export const resolvers: Resolvers = {
  Query: {
    review: (_, args, ctx) => visibleReview(args.id, ctx),
    moderationQueue: (_, args, ctx) => {
      if (!ctx.caller.userId) throw unauthenticated()
      if (!isModerator(ctx.caller)) throw forbidden('Only moderators and admins can see the moderation queue.')
      return reviewsPage(ctx.db, 'PENDING', 'oldest-first', readPageArgs(args, 20))
    },
  },
  Review: {
    __resolveReference: (reference, ctx) => visibleReview(reference.id, ctx),
    author: (review) => ({ __typename: 'User', id: review.authorId }),
    moderator: (review) => (review.moderatorId ? { __typename: 'User', id: review.moderatorId } : null),
    subject: (review) => ({ __typename: SUBJECT_TYPENAMES[review.subjectType], id: review.subjectId }),
  },
  Product: { reviews: (product, args, ctx) => publishedReviewsOf(ctx, 'PRODUCT', product.id, readPageArgs(args)) },
  Merchant: { reviews: (merchant, args, ctx) => publishedReviewsOf(ctx, 'MERCHANT', merchant.id, readPageArgs(args)) },
  User: {
    reviews: (user, args, ctx) => {
      const request = readPageArgs(args)
      if (!isId(user.id)) return emptyConnection()
      const authorId = user.id.toLowerCase()
      // the author and moderators see every status; everyone else only what is published
      const everything = ctx.caller.userId === authorId || isModerator(ctx.caller)
      return (everything ? ctx.loaders.allByAuthor : ctx.loaders.publishedByAuthor).load({ authorId }, request)
    },
  },
}
