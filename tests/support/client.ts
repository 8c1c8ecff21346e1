import { stackUrls } from './stack'

export interface GraphQLResponse<Data = Record<string, unknown>> {
  status: number
  data?: Data | null
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[]
}

/** A client of the real gateway over HTTP, as an app would call it. */
export async function gql<Data = Record<string, any>>(
  query: string,
  variables: Record<string, unknown> = {},
  { token, url = stackUrls().gateway, headers = {} }: { token?: string; url?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  })
  const body = (await response.json()) as Omit<GraphQLResponse<Data>, 'status'>
  return { status: response.status, ...body }
}

const tokens = new Map<string, string>()

/** Signs in a seed account (password = username) and remembers the token. */
export async function login(username: string): Promise<string> {
  const cached = tokens.get(username)
  if (cached) return cached
  const res = await gql<{ login: { token: string } }>(
    'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
    { u: username, p: username },
  )
  const token = res.data?.login.token
  if (!token) throw new Error(`login as ${username} failed: ${JSON.stringify(res.errors)}`)
  tokens.set(username, token)
  return token
}

export const codesOf = (res: GraphQLResponse): unknown[] => (res.errors ?? []).map((e) => e.extensions?.code)
