// moderateReview's Update-with-Start never waits longer than MUTATION_WAIT_MS: the decision when
// the run answers in time; RUNNING (null) when the run exists but has not answered; an error to
// retry when no run could be reached (Temporal down or frozen).
import type { Client, WithStartWorkflowOperation } from '@temporalio/client'
import { ApplicationFailure } from '@temporalio/common'
import { DecisionNotTakenError, updateWithStartWithin } from '../../workflows/src/facade/moderation'

const never = <T>(): Promise<T> => new Promise<T>(() => undefined)

interface Fake {
  accepted: () => Promise<{ result: () => Promise<unknown> }>
  started: boolean
}

function fake({ accepted, started }: Fake): { client: Client; start: WithStartWorkflowOperation<never> } {
  const client = {
    withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn(),
    workflow: { startUpdateWithStart: () => accepted() },
  }
  const start = { workflowHandle: () => (started ? Promise.resolve({}) : never()) }
  return { client: client as unknown as Client, start: start as unknown as WithStartWorkflowOperation<never> }
}

const decide = (f: ReturnType<typeof fake>, waitMs = 100) =>
  updateWithStartWithin<{ id: string }>(f.client, 'moderate', [{}], f.start, waitMs)

describe('updateWithStartWithin (moderateReview)', () => {
  it('answers with the decision when the run takes and stores it in time', async () => {
    const f = fake({ accepted: async () => ({ result: async () => ({ id: 'r1' }) }), started: true })
    await expect(decide(f)).resolves.toEqual({ id: 'r1' })
  })

  it('answers null (RUNNING) when the decision was taken but its step has not finished within the wait', async () => {
    const f = fake({ accepted: async () => ({ result: () => never() }), started: true })
    const asked = Date.now()
    await expect(decide(f, 100)).resolves.toBeNull()
    expect(Date.now() - asked).toBeLessThan(1_000)
  })

  it('answers null (RUNNING) when the run exists but the decision was not accepted within the wait (the worker away)', async () => {
    const f = fake({ accepted: () => never(), started: true })
    await expect(decide(f, 100)).resolves.toBeNull()
  })

  it('fails with DecisionNotTakenError when no run could be reached within the wait (Temporal frozen or down)', async () => {
    const f = fake({ accepted: () => never(), started: false })
    await expect(decide(f, 100)).rejects.toBeInstanceOf(DecisionNotTakenError)
  })

  it("passes a service's refusal (CONFLICT, NOT_FOUND) on at once", async () => {
    const refusal = ApplicationFailure.create({ type: 'CONFLICT', message: 'This review has already been moderated.', nonRetryable: true })
    const f = fake({ accepted: async () => ({ result: () => Promise.reject(refusal) }), started: true })
    await expect(decide(f, 5_000)).rejects.toBe(refusal)
  })

  it('treats a call that fails at the deadline (DEADLINE_EXCEEDED) as the wait running out', async () => {
    const f = fake({
      accepted: () => new Promise((_, reject) => setTimeout(() => reject(new Error('DEADLINE_EXCEEDED')), 120)),
      started: false,
    })
    await expect(decide(f, 100)).rejects.toBeInstanceOf(DecisionNotTakenError)
  })
})
