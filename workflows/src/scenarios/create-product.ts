import { uuid4 } from '@temporalio/workflow'
import { scenario } from './progress'
import { catalog, merchants } from './services'

export interface CreateProductInput {
  readonly ownerId: string
  readonly merchantId: string
  readonly name: string
  readonly description: string | null
  readonly price: { readonly amount: number; readonly currency: string }
}

/** The owner of a store adds a product: the merchants service vouches for the ownership. */
export async function createProduct(input: CreateProductInput): Promise<{ productId: string }> {
  const productId = uuid4()
  const { ownerId, ...product } = input
  return scenario(ownerId, ['checkMerchantOwner', 'createProduct'], async (run) => {
    await run.step('checkMerchantOwner', merchants, (a) => a.checkMerchantOwner({ merchantId: input.merchantId, userId: ownerId }))
    await run.step('createProduct', catalog, (a) => a.createProduct({ id: productId, ...product }))
    return { productId }
  })
}
