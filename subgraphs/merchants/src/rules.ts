// The merchants service's input rules (the façade checks them too, before it starts a scenario).
import { rules } from '@marketplace/service-template'

export const merchantName = (value: string, field = 'name'): string => rules.textLength(field, value.trim(), 1, 120)
export const description = (value: string, field = 'description'): string => rules.textLength(field, value, 0, 4000)
