import { randomUUID } from 'node:crypto'
import { WorkflowExecutionAlreadyStartedError, WithStartWorkflowOperation } from '@temporalio/client'
import DataLoader from 'dataloader'
import * as catalogRules from '@marketplace/catalog/src/rules'
import * as commentRules from '@marketplace/comments/src/rules'
import * as merchantRules from '@marketplace/merchants/src/rules'
import * as reviewRules from '@marketplace/reviews/src/rules'
import * as userRules from '@marketplace/users/src/rules'
import {
  badUserInput,
  INVALID_IDEMPOTENCY_KEY,
  isIdempotencyKey,
  conflict,
  forbidden,
  hashPassword,
  isModerator,
  rules,
  unauthenticated,
  type Caller,
  type ContextDependencies,
  type RequestContext,
  DomainError,
} from '@marketplace/service-template'
import type * as scenarios from '../scenarios'
import type { Actor } from '../scenarios/types'
import { searchAttributesOf } from '../search-attributes'
import { SCENARIOS_TASK_QUEUE } from '../task-queues'
import { readFacadeConfig } from './config'
import { isCompensated, toDomainError } from './failures'
import { keyedUpdateId, keyedWorkflowId, keyOwner, REQUEST_MEMO, requestDigest } from './idempotency'
import type { Resolvers } from './generated/resolvers'
import { acceptedUpdate, updateWithStartWithin } from './moderation'
import { canSeeOperation, loadOperation, type Operation as DescribedOperation } from './operations'
import { temporalClient } from './temporal'
// new-service: imports above this line (npm run new-service adds its rules' import here)

const facadeConfig = readFacadeConfig()
const OPERATION_LOOKUP_MS = 5_000

// the ids this façade gives runs: anything else names no operation (and is not sent to Temporal)
const isOperationId = (id: string): boolean => /^[a-z][a-z0-9_-]*$/.test(id) && id.length <= 200

export function createLoaders({ config, log }: ContextDependencies<unknown>) {
  return {
    // each id on its own: one failing lookup must not fail the others in the same request
    operation: new DataLoader<string, DescribedOperation | null>(async (ids) => {
      const client = await temporalClient(config.temporal)
      // bounded: with Temporal frozen a lookup fails after OPERATION_LOOKUP_MS instead of hanging the request
      const settled = await Promise.allSettled(
        ids.map((id) =>
          isOperationId(id) ? client.withDeadline(Date.now() + OPERATION_LOOKUP_MS, () => loadOperation(client, id, log)) : null,
        ),
      )
      return settled.map((result) =>
        result.status === 'fulfilled' ? result.value : result.reason instanceof Error ? result.reason : new Error(String(result.reason)),
      )
    }),
  }
}

export type Context = RequestContext<unknown, ReturnType<typeof createLoaders>>

/** A payload's operation: the run's id, described when (and if) the client asks for more. */
export type Operation = Pick<DescribedOperation, 'id'> & Partial<DescribedOperation>
type Scenarios = typeof scenarios
type ScenarioName = Exclude<keyof Scenarios, 'moderate'>

function signedIn(caller: Caller): Actor {
  if (!caller.userId || !caller.role) throw unauthenticated()
  return { userId: caller.userId, role: caller.role }
}

const optional = <T>(value: T | null | undefined, rule: (v: T) => T): T | null => (value == null ? null : rule(value))

/**
 * Starts a scenario and waits for it (up to MUTATION_WAIT_MS, start included). A refusal by a
 * service comes back as the contract's error; a run still going after the wait answers with its
 * operation RUNNING.
 *
 * With an Idempotency-Key the run's id is derived from (caller, mutation, key) and a retry attaches
 * to the first run — running or finished — and answers with its result; the same key with other
 * input is a CONFLICT. Without one, `preferredId` is used as before.
 */
async function runScenario<Name extends ScenarioName>(
  ctx: Context,
  name: Name,
  preferredId: string,
  input: Parameters<Scenarios[Name]>[0],
  // what the client asked for, when the run's input differs (registerUser: the password, not its salted hash)
  request: unknown = input,
): Promise<{ result: Awaited<ReturnType<Scenarios[Name]>> | null; operation: { id: string } }> {
  let timer: NodeJS.Timeout | undefined
  const waited = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), facadeConfig.mutationWaitMs)))
  // the mutation's latency as its client sees it, by scenario and how it ended
  const answered = ctx.metrics.startTimer('scenario_duration_seconds', { scenario: name })
  let outcome = 'error'
  try {
    const started = await Promise.race([startScenario(ctx, name, preferredId, input, request), waited])
    if (!started) throw new Error(`The run of ${name} could not be started within MUTATION_WAIT_MS`)
    const { handle, workflowId } = started
    const operation = { id: workflowId }
    try {
      const result = await Promise.race([handle.result() as Promise<Awaited<ReturnType<Scenarios[Name]>>>, waited])
      outcome = result === null ? 'running' : 'ok'
      return { result, operation }
    } catch (err) {
      const domain = toDomainError(err)
      if (domain) throw domain
      if (isCompensated(err)) {
        outcome = 'compensated'
        return { result: null, operation }
      }
      throw err
    }
  } catch (err) {
    if (err instanceof DomainError) outcome = 'refused'
    throw err
  } finally {
    clearTimeout(timer)
    answered({ outcome })
  }
}

/** The client's Idempotency-Key, as the gateway forwarded it (null without one, or from anyone else). */
function idempotencyKeyOfRequest(ctx: Context): string | null {
  const key = ctx.fromGateway ? ctx.idempotencyKey : null
  if (key != null && !isIdempotencyKey(key)) throw badUserInput('Idempotency-Key', INVALID_IDEMPOTENCY_KEY)
  return key
}

async function startScenario<Name extends ScenarioName>(
  ctx: Context,
  name: Name,
  preferredId: string,
  input: Parameters<Scenarios[Name]>[0],
  request: unknown,
) {
  const client = await temporalClient(ctx.config.temporal)
  const key = idempotencyKeyOfRequest(ctx)
  if (key != null) {
    const workflowId = keyedWorkflowId(keyOwner(ctx.caller, ctx.clientAddress), name, key)
    const digest = requestDigest(ctx.config.gatewaySecret, name, request)
    try {
      await client.workflow.start(name, {
        taskQueue: SCENARIOS_TASK_QUEUE,
        workflowId,
        args: [input],
        memo: { [REQUEST_MEMO]: digest },
        typedSearchAttributes: searchAttributesOf(name, input, ctx.caller),
        // a retry while the first run is going joins it; once it has ended, its id is never reused
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      })
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err
    }
    // the first run under this key, whoever started it: it must have been asked the same thing
    const handle = client.workflow.getHandle(workflowId)
    const { memo } = await handle.describe()
    if (memo?.[REQUEST_MEMO] !== digest) throw conflict('This Idempotency-Key was used for a different request.', 'Idempotency-Key')
    return { handle, workflowId }
  }
  // a uuid id is met again only by the client's own retry of this start, which Temporal
  // recognizes by its request id (the run's uuid4() ids and ON CONFLICT inserts do the rest)
  let workflowId = preferredId
  const start = (id: string) =>
    client.workflow.start(name, {
      taskQueue: SCENARIOS_TASK_QUEUE,
      workflowId: id,
      args: [input],
      typedSearchAttributes: searchAttributesOf(name, input, ctx.caller),
      workflowIdConflictPolicy: 'FAIL',
      // a finished run keeps its id (operation(id) keeps showing it); only a failed one is replaced
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    })
  let handle
  try {
    handle = await start(workflowId)
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err
    const running = (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING'
    if (running) throw conflict('The same change is already under way.')
    // the id's run completed earlier (e.g. that username was registered, then renamed): a new
    // run under its own id lets the service decide
    workflowId = `${workflowId}-${randomUUID()}`
    handle = await start(workflowId)
  }
  return { handle, workflowId }
}

const ref = <Typename extends string>(__typename: Typename, id: string | undefined | null) => (id ? { __typename, id } : null)

export const resolvers: Resolvers = {
  Query: {
    async operation(_, args, ctx) {
      const operation = await ctx.loaders.operation.load(args.id)
      return operation && canSeeOperation(ctx.caller, operation) ? operation : null
    },
  },
  // payloads carry only the run's id: it is described when (and if) the client asks for more
  Operation: Object.fromEntries(
    (['scenario', 'status', 'startedAt', 'closedAt', 'steps', 'error', 'traceId'] as const).map((field) => [
      field,
      async (operation: Operation, _: unknown, ctx: Context) =>
        field in operation ? operation[field] : (await ctx.loaders.operation.load(operation.id))?.[field],
    ]),
  ),
  Mutation: {
    async registerUser(_, { input }, ctx) {
      const username = userRules.username(input.username, 'username')
      userRules.password(input.password, 'password')
      const displayName = optional(input.displayName, (v) => userRules.displayName(v))
      const avatarUrl = optional(input.avatarUrl, (v) => userRules.avatarUrl(v))
      const passwordHash = await hashPassword(input.password)
      // one registration of a username at a time: a double submit is a CONFLICT, not two users
      const run = await runScenario(
        ctx,
        'registerUser',
        `register-user-${username}`,
        { username, passwordHash, displayName, avatarUrl },
        { username, password: input.password, displayName, avatarUrl },
      )
      return { user: ref('User', run.result?.userId), operation: run.operation }
    },

    async updateProfile(_, { input }, ctx) {
      const actor = signedIn(ctx.caller)
      const change = {
        userId: actor.userId,
        ...(input.username != null ? { username: userRules.username(input.username) } : {}),
        ...(input.displayName !== undefined ? { displayName: optional(input.displayName, (v) => userRules.displayName(v)) } : {}),
        ...(input.avatarUrl !== undefined ? { avatarUrl: optional(input.avatarUrl, (v) => userRules.avatarUrl(v)) } : {}),
      }
      const run = await runScenario(ctx, 'updateProfile', `update-profile-${actor.userId}-${randomUUID()}`, change)
      return { user: ref('User', run.result?.userId), operation: run.operation }
    },

    async registerMerchant(_, { input }, ctx) {
      const actor = signedIn(ctx.caller)
      const name = merchantRules.merchantName(input.name)
      const description = optional(input.description, (v) => merchantRules.description(v))
      const run = await runScenario(ctx, 'registerMerchant', `register-merchant-${randomUUID()}`, {
        ownerId: actor.userId,
        name,
        description,
      })
      return { merchant: ref('Merchant', run.result?.merchantId), operation: run.operation }
    },

    async createProduct(_, { input }, ctx) {
      const actor = signedIn(ctx.caller)
      const product = {
        ownerId: actor.userId,
        merchantId: rules.id(input.merchantId, 'The store'),
        name: catalogRules.productName(input.name),
        description: optional(input.description, (v) => catalogRules.description(v)),
        price: { amount: catalogRules.priceAmount(input.price.amount), currency: catalogRules.currency(input.price.currency) },
      }
      const run = await runScenario(ctx, 'createProduct', `create-product-${randomUUID()}`, product)
      return { product: ref('Product', run.result?.productId), operation: run.operation }
    },

    async submitReview(_, { input }, ctx) {
      const actor = signedIn(ctx.caller)
      if (input.subject.type === 'REVIEW') throw badUserInput('subject.type', 'Only a product or a store can be reviewed.')
      const subject = { type: input.subject.type, id: rules.id(input.subject.id, 'The subject') }
      const review = {
        authorId: actor.userId,
        subject,
        rating: reviewRules.reviewRating(input.rating),
        body: reviewRules.reviewBody(input.body),
      }
      // one review per author and subject: a concurrent second submit meets the first run's id
      const workflowId = `submit-review-${actor.userId}-${subject.type.toLowerCase()}-${subject.id}`
      const run = await runScenario(ctx, 'submitReview', workflowId, review)
      return { review: ref('Review', run.result?.reviewId), operation: run.operation }
    },

    async moderateReview(_, { input }, ctx) {
      const actor = signedIn(ctx.caller)
      if (!isModerator(ctx.caller)) throw forbidden('Only moderators and admins can moderate reviews.')
      const reviewId = rules.id(input.reviewId, 'The review')
      const reason = input.decision === 'REJECT' ? reviewRules.rejectionReason(input.reason ?? '', 'reason') : null
      const client = await temporalClient(ctx.config.temporal)
      const workflowId = `moderate-review-${reviewId}`
      // Update-with-Start: one run per review; the answer comes back once the decision is stored
      const start = new WithStartWorkflowOperation<Scenarios['moderateReview']>('moderateReview', {
        workflowId,
        taskQueue: SCENARIOS_TASK_QUEUE,
        args: [{ reviewId, ratingDeadline: facadeConfig.ratingDeadline as never }],
        typedSearchAttributes: searchAttributesOf(
          'moderateReview',
          { reviewId, ratingDeadline: facadeConfig.ratingDeadline as never },
          ctx.caller,
        ),
        workflowIdConflictPolicy: 'USE_EXISTING',
        // a finished run (the review was moderated) stays; a failed or compensated one may be retried
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      })
      // with an Idempotency-Key the decision has its own update id: a retry is the same update
      const key = idempotencyKeyOfRequest(ctx)
      const updateId =
        key != null
          ? keyedUpdateId(keyOwner(ctx.caller, ctx.clientAddress), key, { reviewId, decision: input.decision, reason })
          : undefined
      const answered = ctx.metrics.startTimer('scenario_duration_seconds', { scenario: 'moderateReview' })
      let outcome = 'error'
      try {
        // bounded: past MUTATION_WAIT_MS the run's operation answers RUNNING (or the call fails, to retry)
        const review = await updateWithStartWithin<{ id: string }, Scenarios['moderateReview']>(
          client,
          'moderate',
          [{ moderatorId: actor.userId, decision: input.decision, reason }],
          start,
          facadeConfig.mutationWaitMs,
          updateId,
        )
        outcome = review ? 'ok' : 'running'
        return { review: ref('Review', review?.id ?? reviewId), operation: { id: workflowId } }
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          // the run has ended: a keyed retry of the decision it took gets that decision's answer
          if (updateId && (await acceptedUpdate(client, workflowId, updateId, facadeConfig.mutationWaitMs))) {
            outcome = 'ok'
            return { review: ref('Review', reviewId), operation: { id: workflowId } }
          }
          outcome = 'refused'
          throw conflict('This review has already been moderated.')
        }
        const domain = toDomainError(err)
        if (domain) outcome = 'refused'
        throw domain ?? err
      } finally {
        answered({ outcome })
      }
    },

    async postComment(_, { input }, ctx) {
      const actor = signedIn(ctx.caller)
      const comment = {
        authorId: actor.userId,
        subject: { type: input.subject.type, id: rules.id(input.subject.id, 'The subject') },
        parentId: optional(input.parentId, (v) => rules.id(v, 'The parent comment')),
        body: commentRules.commentBody(input.body),
      }
      const run = await runScenario(ctx, 'postComment', `post-comment-${randomUUID()}`, comment)
      return { comment: ref('Comment', run.result?.commentId), operation: run.operation }
    },

    async editComment(_, { input }, ctx) {
      const actor = signedIn(ctx.caller)
      const commentId = rules.id(input.id, 'The comment')
      const run = await runScenario(ctx, 'editComment', `edit-comment-${commentId}-${randomUUID()}`, {
        actor,
        commentId,
        body: commentRules.commentBody(input.body),
      })
      return { comment: ref('Comment', run.result?.commentId), operation: run.operation }
    },

    async deleteComment(_, args, ctx) {
      const actor = signedIn(ctx.caller)
      const commentId = rules.id(args.id, 'The comment')
      const run = await runScenario(ctx, 'deleteComment', `delete-comment-${commentId}-${randomUUID()}`, { actor, commentId })
      return { comment: ref('Comment', run.result?.commentId), operation: run.operation }
    },
    // new-service: mutations above this line (npm run new-service adds its mutation here)
  },
}
