// The names a new service and its entity go by in each layer, derived once from the two arguments.

export interface ServiceNames {
  /** `shipping`: the folder, package, database, task queue */
  readonly service: string
  /** `Shipping`: type prefixes (`ShippingDatabase`, `ShippingActivities`) */
  readonly Service: string
  /** `Shipment`: the GraphQL type */
  readonly Entity: string
  /** `shipment`: the `Query` field, variables */
  readonly entity: string
  /** `shipments`: the list field and the table */
  readonly entities: string
  /** `Shipments`: plural type prefixes */
  readonly Entities: string
  /** `createShipment`: the mutation, the scenario, the activity and its step */
  readonly create: string
  /** `create-shipment`: the scenario's file */
  readonly createFile: string
}

const SERVICE = /^[a-z][a-z0-9]{1,30}$/
const ENTITY = /^[A-Z][A-Za-z0-9]{1,40}$/

export class NameError extends Error {
  override readonly name = 'NameError'
}

const plural = (word: string): string =>
  /[^aeiou]y$/.test(word) ? `${word.slice(0, -1)}ies` : /(s|x|z|ch|sh)$/.test(word) ? `${word}es` : `${word}s`

const kebab = (word: string): string => word.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()

export function namesOf(service: string, Entity: string): ServiceNames {
  if (!SERVICE.test(service))
    throw new NameError(`the service name must be 2 to 31 characters of a-z and 0-9, starting with a letter (got "${service}")`)
  if (!ENTITY.test(Entity)) throw new NameError(`the entity must be a PascalCase GraphQL type name such as Shipment (got "${Entity}")`)
  const entity = Entity[0]?.toLowerCase() + Entity.slice(1)
  return {
    service,
    Service: service[0]?.toUpperCase() + service.slice(1),
    Entity,
    entity,
    entities: plural(entity),
    Entities: plural(Entity),
    create: `create${Entity}`,
    createFile: `create-${kebab(Entity)}`,
  }
}

/** snake_case of a camelCase identifier: `shipmentItems` → `shipment_items` (table names). */
export const snake = (word: string): string => word.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
