import { ApplicationFailure, patched, uuid4, workflowInfo } from '@temporalio/workflow'
import { failureMessage, ScenarioRun } from './progress'
import { merchants, users } from './services'

export interface RegisterMerchantInput {
  readonly ownerId: string
  readonly name: string
  readonly description: string | null
}

/**
 * A saga: open the store, then make its owner a MERCHANT. If the role cannot be granted, the
 * store is deleted again and the run ends COMPENSATED.
 */
export async function registerMerchant(input: RegisterMerchantInput): Promise<{ merchantId: string }> {
  const merchantId = uuid4()
  const run = new ScenarioRun(workflowInfo().workflowType, input.ownerId, ['createMerchant', 'grantMerchantRole', 'invalidateUserCache'])
  const compensations: (() => Promise<void>)[] = []
  try {
    await run.step('createMerchant', merchants, (a) => a.createMerchant({ id: merchantId, ...input }))
    compensations.unshift(() => run.compensate('createMerchant', 'deleteMerchant', merchants, (a) => a.deleteMerchant({ merchantId })))
    await run.step('grantMerchantRole', users, (a) => a.grantMerchantRole({ userId: input.ownerId }))
  } catch (err) {
    if (compensations.length === 0) run.fail(err)
    for (const compensation of compensations) await compensation()
    run.markCompensated(`The store was not opened: ${failureMessage(err)}`)
    throw ApplicationFailure.create({
      type: 'COMPENSATED',
      message: 'The store could not be opened; nothing was kept.',
      nonRetryable: true,
    })
  }
  // the new role must show on the next read: cached copies of the owner go (retried until done);
  // patched: runs started before this step existed replay without it
  if (patched('register-merchant-invalidates-owner')) {
    await run.step('invalidateUserCache', users, (a) => a.invalidateUserCache({ userId: input.ownerId }))
  }
  return { merchantId }
}
