import {
  createByIdLoader,
  hashPassword,
  verifyPassword,
  issueToken,
  unauthenticated,
  type ContextDependencies,
  type RequestContext,
} from '@marketplace/service-template'
import type { UsersDatabase } from './database'
import type { Resolvers } from './generated/resolvers'
import { LoginFailures, readLoginFailureLimit } from './login-limits'
import { userCache } from './user-cache'
import { credentialsByUsername, userByUsername, usersByIds } from './users'

export function createLoaders(deps: ContextDependencies<UsersDatabase>) {
  const cache = userCache(deps)
  const fetch = (ids: readonly string[]) => usersByIds(deps.db, ids)
  return {
    // the hot path: one batch per request → local copies → one MGET → one SELECT for the misses
    userById: createByIdLoader((ids) => (cache ? cache.load(ids, fetch) : fetch(ids)), {
      batch: deps.config.batchLoads,
      name: 'users by id',
    }),
    loginFailures: new LoginFailures(deps.cache, loginFailureLimit),
  }
}

export type Context = RequestContext<UsersDatabase, ReturnType<typeof createLoaders>>

// read once, at start (the module is loaded by the subgraph's entry)
const loginFailureLimit = readLoginFailureLimit()

// compared against when the username does not exist, so a wrong username costs the same time
const unknownUserHash = hashPassword('no-such-user-password')

export const resolvers: Resolvers = {
  Query: {
    me: (_, __, ctx) => (ctx.caller.userId ? ctx.loaders.userById.load(ctx.caller.userId) : null),
    user: (_, args, ctx) => ctx.loaders.userById.load(args.id),
    userByUsername: (_, args, ctx) => userByUsername(ctx.db, args.username),
  },
  Mutation: {
    async login(_, args, ctx) {
      const jwtSecret = ctx.config.jwtSecret
      if (!jwtSecret) throw new Error('the users service has no JWT_SECRET')
      // counted before scrypt: a guesser past the limit costs a Redis call, not ~66 ms of CPU
      const attempt = await ctx.loaders.loginFailures.begin(args.username, ctx.metrics, () =>
        unauthenticated('Wrong username or password.'),
      )
      const found = await credentialsByUsername(ctx.db, args.username)
      ctx.metrics.increment('password_checks_total')
      const ok = await verifyPassword(args.password, found?.passwordHash ?? (await unknownUserHash))
      if (!found || !ok) return attempt.failed()
      await attempt.succeeded()
      return { token: issueToken(jwtSecret, found.user.id, found.user.role), user: found.user }
    },
  },
  User: {
    __resolveReference: (reference, ctx) => ctx.loaders.userById.load(reference.id),
  },
}
