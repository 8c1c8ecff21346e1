// operation(id)'s `activity` of each step (issue #11): the memo notes it; runs whose memo does not
// (started before it was kept) get it from their history — the activity type scheduled with the
// step's name as activity id. Read here from recorded runs of that older code (workflows/histories).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Client } from '@temporalio/client'
import { defaultPayloadConverter } from '@temporalio/common'
import type { History } from '@temporalio/common/lib/proto-utils'
import { loadOperation } from '../../workflows/src/facade/operations'
import { PROGRESS_MEMO, type Progress } from '../../workflows/src/scenarios/progress'
import { HISTORIES_DIR, historyFromJSONText } from '../../scripts/record-histories'

const recorded = (name: string): History => historyFromJSONText(readFileSync(join(HISTORIES_DIR, `${name}.json`), 'utf8'))

/** The run's last memo, as the workflow wrote it. */
function lastProgress(history: History): Progress {
  const memos = (history.events ?? []).flatMap((e) => {
    const payload = e.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields?.[PROGRESS_MEMO]
    return payload ? [defaultPayloadConverter.fromPayload<Progress>(payload)] : []
  })
  const last = memos.at(-1)
  if (!last) throw new Error('no progress memo in the history')
  return last
}

/** A client whose run has this memo and this history (closed, nothing pending). */
function clientOf(progress: Progress, history: History): Client {
  const description = {
    memo: { [PROGRESS_MEMO]: progress },
    status: { name: 'COMPLETED' },
    raw: { pendingActivities: [] },
    startTime: new Date(0),
    closeTime: new Date(1),
    type: progress.scenario,
  }
  const handle = { describe: async () => description, fetchHistory: async () => history }
  return { workflow: { getHandle: () => handle } } as unknown as Client
}

const activities = async (progress: Progress, history: History) =>
  Object.fromEntries(((await loadOperation(clientOf(progress, history), 'run'))?.steps ?? []).map((s) => [s.name, s.activity]))

describe("operation(id): each step's activity", () => {
  it.each([
    ['updateProfile-v2', { updateUser: 'updateProfile', invalidateUserCache: 'invalidateUserCache' }],
    [
      'postComment-review-v1',
      { checkSubject: 'checkReviewPublished', createComment: 'createComment', invalidateCommentPages: 'invalidateCommentPages' },
    ],
    [
      'moderateReview-approve',
      {
        publishReview: 'moderateReview',
        showReviewComments: 'showReviewComments',
        subjectStats: 'subjectStats',
        updateProductRating: 'setProductRating',
      },
    ],
  ])('a run whose memo does not note it (%s): from its history', async (name, expected) => {
    const history = recorded(name)
    const progress = lastProgress(history)
    expect(progress.steps.every((s) => s.activity === undefined)).toBe(true) // recorded before memos noted it
    expect(await activities(progress, history)).toEqual(expected)
  })

  it("the memo's note when there is one; null for a step that ran no activity", async () => {
    const history = recorded('moderateReview-reject')
    const progress = lastProgress(history)
    const noted: Progress = {
      ...progress,
      steps: [
        ...progress.steps.map((s) => ({ ...s, activity: 'notedInMemo' })),
        { name: 'neverRan', activity: null, status: 'SKIPPED', error: null },
      ],
    }
    expect(await activities(noted, history)).toEqual({ rejectReview: 'notedInMemo', neverRan: null })
  })
})
