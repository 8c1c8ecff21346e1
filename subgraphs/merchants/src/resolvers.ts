import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper'
import {
  createByIdLoader,
  createGroupLoader,
  isId,
  ratingSummary,
  readPageArgs,
  type ContextDependencies,
  type PageArgs,
  type RequestContext,
} from '@marketplace/service-template'
import type { MerchantsDatabase } from './database'
import { merchantsByIds, merchantsByOwners, merchantsPage, type Merchant } from './merchants'

export function createLoaders({ db }: ContextDependencies<MerchantsDatabase>) {
  return {
    merchantById: createByIdLoader((ids) => merchantsByIds(db, ids)),
    merchantsByOwner: createGroupLoader<string, Merchant[]>(
      (ownerIds) => merchantsByOwners(db, ownerIds),
      () => [],
    ),
  }
}

type Context = RequestContext<MerchantsDatabase, ReturnType<typeof createLoaders>>

export const resolvers: GraphQLResolverMap<Context> = {
  Query: {
    merchant: (_: unknown, args: { id: string }, ctx: Context) => ctx.loaders.merchantById.load(args.id),
    merchants: (_: unknown, args: PageArgs, ctx: Context) => merchantsPage(ctx.db, readPageArgs(args)),
  },
  Merchant: {
    __resolveReference: (reference: { id: string }, ctx: Context) => ctx.loaders.merchantById.load(reference.id),
    owner: (merchant: Merchant) => ({ __typename: 'User', id: merchant.ownerId }),
    rating: (merchant: Merchant) => ratingSummary(merchant.ratingCount, merchant.ratingSum),
  },
  User: {
    merchants: (user: { id: string }, _: unknown, ctx: Context) =>
      isId(user.id) ? ctx.loaders.merchantsByOwner.load(user.id.toLowerCase()) : [],
  },
}
