/** A service as the registry describes it: one Apollo subgraph owning its entities and its database. */
export interface ServiceEntry {
  /** kebab-free lower-case name: the folder `subgraphs/<name>/`, the package `@marketplace/<name>` */
  readonly name: string
  /** its default port (the embedded stack and compose); `<NAME>_PORT` or `PORT` override it */
  readonly port: number
  /** its own Postgres database */
  readonly database: string
  /** the Temporal task queue its activity worker serves */
  readonly taskQueue: string
  /** the entities it owns (their `@key` lives in its schema) */
  readonly entities: readonly string[]
  /** secrets it needs besides GATEWAY_SECRET, e.g. JWT_SECRET for the one that issues tokens */
  readonly secrets: readonly string[]
}
