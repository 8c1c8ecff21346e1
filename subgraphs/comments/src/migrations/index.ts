import type { Migration } from 'kysely'
import * as createComments from './2026-11-23T00-00_create-comments'
import * as subjectCommentCounts from './2026-11-23T02-00_subject-comment-counts'
import * as reviewVisibility from './2026-11-30T05-30_review-visibility'
import * as commentEditVersion from './2026-11-30T06-00_comment-edit-version'

export const migrations: Record<string, Migration> = {
  '2026-11-23T00-00_create-comments': createComments,
  '2026-11-23T02-00_subject-comment-counts': subjectCommentCounts,
  '2026-11-30T05-30_review-visibility': reviewVisibility,
  '2026-11-30T06-00_comment-edit-version': commentEditVersion,
}
