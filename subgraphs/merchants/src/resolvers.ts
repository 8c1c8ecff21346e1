import {
  createTableByIdLoader,
  createGroupLoader,
  isId,
  readPageArgs,
  type ContextDependencies,
  type RequestContext,
} from '@marketplace/service-template'
import type { MerchantsDatabase } from './database'
import { ratingSummary } from '@marketplace/reviews/src/rating'
import type { Resolvers } from './generated/resolvers'
import { merchantsByOwners, merchantsPage, type Merchant } from './merchants'

export function createLoaders({ db, config }: ContextDependencies<MerchantsDatabase>) {
  return {
    merchantById: createTableByIdLoader(db, 'merchants', { batch: config.batchLoads }),
    merchantsByOwner: createGroupLoader<string, Merchant[]>(
      (ownerIds) => merchantsByOwners(db, ownerIds),
      () => [],
    ),
  }
}

export type Context = RequestContext<MerchantsDatabase, ReturnType<typeof createLoaders>>

export const resolvers: Resolvers = {
  Query: {
    merchant: (_, args, ctx) => ctx.loaders.merchantById.load(args.id),
    merchants: (_, args, ctx) => merchantsPage(ctx.db, readPageArgs(args)),
  },
  Merchant: {
    __resolveReference: (reference, ctx) => ctx.loaders.merchantById.load(reference.id),
    owner: (merchant) => ({ __typename: 'User', id: merchant.ownerId }),
    rating: (merchant) => ratingSummary(merchant.ratingCount, merchant.ratingSum),
  },
  User: {
    merchants: (user, _, ctx) => (isId(user.id) ? ctx.loaders.merchantsByOwner.load(user.id.toLowerCase()) : []),
  },
}
