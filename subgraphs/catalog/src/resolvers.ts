import {
  createTableByIdLoader,
  emptyConnection,
  isId,
  readPageArgs,
  type ContextDependencies,
  type RequestContext,
} from '@marketplace/service-template'
import type { CatalogDatabase } from './database'
import { ratingSummary } from '@marketplace/reviews/src/rating'
import type { Resolvers } from './generated/resolvers'
import { productsByMerchantLoader, productsPage } from './products'

export function createLoaders({ db, config }: ContextDependencies<CatalogDatabase>) {
  return {
    productById: createTableByIdLoader(db, 'products', { batch: config.batchLoads }),
    productsByMerchant: productsByMerchantLoader(db, config.batchLoads),
  }
}

export type Context = RequestContext<CatalogDatabase, ReturnType<typeof createLoaders>>

export const resolvers: Resolvers = {
  Query: {
    product: (_, args, ctx) => ctx.loaders.productById.load(args.id),
    products: (_, args, ctx) => {
      const request = readPageArgs(args)
      if (args.merchantId == null) return productsPage(ctx.db, null, request)
      return isId(args.merchantId) ? productsPage(ctx.db, args.merchantId.toLowerCase(), request) : emptyConnection()
    },
  },
  Product: {
    __resolveReference: (reference, ctx) => ctx.loaders.productById.load(reference.id),
    merchant: (product) => ({ __typename: 'Merchant', id: product.merchantId }),
    price: (product) => ({ amount: product.priceAmount, currency: product.priceCurrency }),
    rating: (product) => ratingSummary(product.ratingCount, product.ratingSum),
  },
  Merchant: {
    products: (merchant, args, ctx) => {
      const request = readPageArgs(args)
      return isId(merchant.id) ? ctx.loaders.productsByMerchant.load({ merchantId: merchant.id.toLowerCase() }, request) : emptyConnection()
    },
  },
}
