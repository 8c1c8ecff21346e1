import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper'
import {
  createByIdLoader,
  emptyConnection,
  isId,
  ratingSummary,
  readPageArgs,
  type ContextDependencies,
  type PageArgs,
  type RequestContext,
} from '@marketplace/service-template'
import type { CatalogDatabase } from './database'
import { productsByIds, productsByMerchantLoader, productsPage, type Product } from './products'

export function createLoaders({ db, config }: ContextDependencies<CatalogDatabase>) {
  return {
    productById: createByIdLoader((ids) => productsByIds(db, ids)),
    productsByMerchant: productsByMerchantLoader(db, config.batchLoads),
  }
}

type Context = RequestContext<CatalogDatabase, ReturnType<typeof createLoaders>>

export const resolvers: GraphQLResolverMap<Context> = {
  Query: {
    product: (_: unknown, args: { id: string }, ctx: Context) => ctx.loaders.productById.load(args.id),
    products: (_: unknown, args: PageArgs & { merchantId?: string | null }, ctx: Context) => {
      const request = readPageArgs(args)
      if (args.merchantId == null) return productsPage(ctx.db, null, request)
      return isId(args.merchantId) ? productsPage(ctx.db, args.merchantId.toLowerCase(), request) : emptyConnection()
    },
  },
  Product: {
    __resolveReference: (reference: { id: string }, ctx: Context) => ctx.loaders.productById.load(reference.id),
    merchant: (product: Product) => ({ __typename: 'Merchant', id: product.merchantId }),
    rating: (product: Product) => ratingSummary(product.ratingCount, product.ratingSum),
  },
  Merchant: {
    products: (merchant: { id: string }, args: PageArgs, ctx: Context) => {
      const request = readPageArgs(args)
      return isId(merchant.id)
        ? ctx.loaders.productsByMerchant.load({ merchant_id: merchant.id.toLowerCase() }, request)
        : emptyConnection()
    },
  },
}
