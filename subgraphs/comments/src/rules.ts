// The comments service's input rules (the façade checks them too, before it starts a scenario).
import { rules } from '@marketplace/service-template'

export const commentBody = (value: string, field = 'body'): string => rules.textLength(field, value, 1, 2000)
