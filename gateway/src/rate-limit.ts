import type { IncomingMessage } from 'node:http'
import type { ApolloServerPlugin, BaseContext } from '@apollo/server'
import { GraphQLError, Kind, type ASTVisitor, type OperationDefinitionNode, type ValidationContext } from 'graphql'
import { ErrorCode, type Cache, type Metrics, type RateLimit } from '@marketplace/service-template'

// The mutations that cost a password hash, or an account and a workflow, per call
const CREDENTIAL_FIELDS = new Set(['login', 'registerUser'])

/** At most one `login` or `registerUser` field per document: aliases must not multiply guesses. */
export function oneCredentialField(context: ValidationContext): ASTVisitor {
  let seen = 0
  return {
    Field(node) {
      if (!CREDENTIAL_FIELDS.has(node.name.value)) return
      if (context.getParentType()?.name !== context.getSchema().getMutationType()?.name) return
      if (++seen === 2) {
        context.reportError(new GraphQLError('A request may contain at most one login or registerUser field.', { nodes: [node] }))
      }
    },
  }
}

/**
 * The client's address: the socket's peer, or, behind a proxy (TRUST_PROXY), the last address
 * of X-Forwarded-For — the one that proxy appended; the earlier ones are the client's own claims.
 */
export function clientAddressOf(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for']
    const last = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean)
      .pop()
    if (last) return last
  }
  return req.socket.remoteAddress ?? 'unknown'
}

export interface CredentialLimits {
  readonly login: RateLimit
  readonly registerUser: RateLimit
}

interface AddressedContext extends BaseContext {
  readonly clientAddress: string
}

function credentialFieldOf(operation: OperationDefinitionNode | undefined): 'login' | 'registerUser' | null {
  if (operation?.operation !== 'mutation') return null
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind === Kind.FIELD && CREDENTIAL_FIELDS.has(selection.name.value))
      return selection.name.value as 'login' | 'registerUser'
  }
  return null
}

/**
 * Attempts per client address, counted in `cache` (Redis: shared by every gateway process):
 * `login` and `registerUser` past their limit are refused with RATE_LIMITED before any subgraph
 * is called. (Failed passwords per username are counted by the users service, which knows them.)
 */
export function useCredentialRateLimits(cache: Cache, limits: CredentialLimits, metrics: Metrics): ApolloServerPlugin<AddressedContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          const field = credentialFieldOf(operation)
          if (!field) return
          const limit = limits[field]
          const { count, ttl } = await cache.hit(`${field}-address:${contextValue.clientAddress}`, limit.windowSeconds)
          if (count <= limit.limit) return
          metrics.increment('rate_limited_total')
          const retryAfterSeconds = Math.max(1, ttl)
          throw new GraphQLError(`Too many ${field} attempts from this address; try again later.`, {
            extensions: {
              code: ErrorCode.RateLimited,
              retryAfterSeconds,
              // Apollo reads a Map here; graphql-yoga's typings (in node_modules) declare a Record
              http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) as unknown as Record<string, string> },
            },
          })
        },
      }
    },
  }
}
