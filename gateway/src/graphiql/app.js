// The GraphiQL page's own script (runs in the browser, inlined by gateway/src/graphiql.ts after
// React, ReactDOM and GraphiQL's UMD builds; plain ES2020, no build step, no JSX).
//  - a sign-in bar above the editor: calls `login`, keeps the token in sessionStorage and adds
//    `Authorization: Bearer <token>` to every request (a header typed in the Headers tab wins);
//  - a fetcher that never sends an operationName absent from the document it sends;
//  - the example tabs the server put in the page's JSON config.
'use strict'
;(function main() {
  const h = React.createElement
  const { useState, useCallback } = React
  const config = JSON.parse(document.getElementById('graphiql-config').textContent)
  const AUTH_KEY = 'marketplace:graphiql:auth'

  // ---------------------------------------------------------------------------------------------
  // The signed-in account: { token, username, role } in sessionStorage (gone with the tab).

  function readAuth() {
    try {
      const auth = JSON.parse(sessionStorage.getItem(AUTH_KEY) || 'null')
      return auth && typeof auth.token === 'string' ? auth : null
    } catch {
      return null
    }
  }

  function writeAuth(auth) {
    if (auth) sessionStorage.setItem(AUTH_KEY, JSON.stringify(auth))
    else sessionStorage.removeItem(AUTH_KEY)
  }

  // ---------------------------------------------------------------------------------------------
  // The operation to run. GraphiQL passes the name it tracks for the editor (the operation under
  // the cursor, or the one picked in the run button's chooser); it can be stale — the editor
  // updates it 100 ms after a change, and a tab restored from storage keeps its old name — so a
  // name that is not in the text sent is replaced: the only operation, else the one under the
  // editor's cursor, else the first.

  let queryEditor = null // GraphiQL's CodeMirror instance, captured by EditorProbe below

  function operationsOf(query) {
    try {
      return GraphiQL.GraphQL.parse(query).definitions.filter((d) => d.kind === 'OperationDefinition')
    } catch {
      return null // a syntax error: the server reports it
    }
  }

  function operationUnderCursor(operations) {
    if (!queryEditor) return undefined
    try {
      const index = queryEditor.indexFromPos(queryEditor.getCursor())
      const operation = operations.find((op) => op.loc && op.loc.start <= index && index <= op.loc.end)
      return operation && operation.name ? operation.name.value : undefined
    } catch {
      return undefined
    }
  }

  function chooseOperationName(query, requested) {
    const operations = operationsOf(query)
    if (!operations || operations.length === 0) return undefined
    const names = operations.map((op) => (op.name ? op.name.value : undefined))
    if (requested && names.includes(requested)) return requested
    if (operations.length === 1) return names[0]
    return operationUnderCursor(operations) || names.find(Boolean)
  }

  /** Captures the query editor (for the cursor) from GraphiQL's context; renders nothing. */
  function EditorProbe() {
    const editors = GraphiQL.React.useEditorContext({ nonNull: false })
    queryEditor = (editors && editors.queryEditor) || null
    return null
  }

  // ---------------------------------------------------------------------------------------------
  // Requests: JSON POSTs (Apollo's CSRF prevention wants content-type application/json).

  async function post(body, extraHeaders) {
    const headers = { accept: 'application/graphql-response+json, application/json' }
    for (const [name, value] of Object.entries(extraHeaders || {})) {
      if (value !== undefined && value !== null) headers[name] = String(value)
    }
    // typed last: it is what Apollo's CSRF prevention and the body need, whatever the Headers tab says
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name]
    headers['content-type'] = 'application/json'
    const response = await fetch(config.endpoint, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin' })
    const text = await response.text()
    try {
      return JSON.parse(text)
    } catch {
      return { errors: [{ message: `HTTP ${response.status} ${response.statusText}: ${text.slice(0, 500)}` }] }
    }
  }

  function hasHeader(headers, name) {
    return Object.keys(headers || {}).some((key) => key.toLowerCase() === name)
  }

  /** GraphiQL's fetcher: queries, mutations and the schema's introspection all come here. */
  function fetcher(params, options) {
    const typed = (options && options.headers) || {}
    const auth = readAuth()
    const headers = auth && !hasHeader(typed, 'authorization') ? { authorization: `Bearer ${auth.token}`, ...typed } : { ...typed }
    const body = { query: params.query, variables: params.variables || undefined }
    const operationName = chooseOperationName(params.query, params.operationName)
    if (operationName) body.operationName = operationName
    return post(body, headers)
  }

  // ---------------------------------------------------------------------------------------------
  // The sign-in bar.

  const LOGIN = `mutation Login($username: String!, $password: String!) {
  login(username: $username, password: $password) { token user { username role } }
}`
  const OTHER = ''

  function SignInBar(props) {
    const { auth, onAuth } = props
    const [account, setAccount] = useState(config.accounts[2] || OTHER)
    const [username, setUsername] = useState(config.accounts[2] || '')
    const [password, setPassword] = useState(config.accounts[2] || '')
    const [busy, setBusy] = useState(false)
    const [error, setError] = useState(null)

    const choose = useCallback((event) => {
      const value = event.target.value
      setAccount(value)
      setUsername(value)
      setPassword(value)
      setError(null)
    }, [])

    const signIn = useCallback(
      async (event) => {
        event.preventDefault()
        setBusy(true)
        setError(null)
        try {
          const result = await post({ query: LOGIN, variables: { username, password }, operationName: 'Login' })
          const login = result && result.data && result.data.login
          if (login && login.token) {
            const next = { token: login.token, username: login.user.username, role: login.user.role }
            writeAuth(next)
            onAuth(next)
          } else {
            const first = (result && result.errors && result.errors[0]) || {}
            const code = first.extensions && first.extensions.code
            setError(`${first.message || 'Sign-in failed'}${code ? ` (${code})` : ''}`)
          }
        } catch (err) {
          setError(`Sign-in failed: ${err && err.message ? err.message : err}`)
        } finally {
          setBusy(false)
        }
      },
      [username, password, onAuth],
    )

    const signOut = useCallback(() => {
      writeAuth(null)
      onAuth(null)
    }, [onAuth])

    if (auth) {
      return h(
        'div',
        { className: 'mp-bar', role: 'region', 'aria-label': 'Account' },
        h('span', { className: 'mp-title' }, 'Marketplace supergraph'),
        h('span', { id: 'signin-status', className: 'mp-status' }, `Signed in as ${auth.username} (${auth.role})`),
        h('span', { className: 'mp-hint' }, 'every request carries Authorization: Bearer <token> (a header in the Headers tab wins)'),
        h('button', { id: 'signout', type: 'button', className: 'mp-button', onClick: signOut }, 'Sign out'),
      )
    }
    return h(
      'form',
      { className: 'mp-bar', onSubmit: signIn, 'aria-label': 'Sign in' },
      h('span', { className: 'mp-title' }, 'Marketplace supergraph'),
      h('span', { id: 'signin-status', className: 'mp-status' }, 'Not signed in'),
      h(
        'label',
        null,
        'Account ',
        h(
          'select',
          { id: 'signin-account', value: account, onChange: choose },
          config.accounts.map((name) => h('option', { key: name, value: name }, name)),
          h('option', { value: OTHER }, 'other…'),
        ),
      ),
      h(
        'label',
        null,
        'Username ',
        h('input', {
          id: 'signin-username',
          value: username,
          autoComplete: 'username',
          size: 14,
          onChange: (event) => {
            setUsername(event.target.value)
            setAccount(config.accounts.includes(event.target.value) ? event.target.value : OTHER)
          },
        }),
      ),
      h(
        'label',
        null,
        'Password ',
        h('input', {
          id: 'signin-password',
          type: 'password',
          value: password,
          autoComplete: 'current-password',
          size: 14,
          onChange: (event) => setPassword(event.target.value),
        }),
      ),
      h('button', { id: 'signin', type: 'submit', className: 'mp-button', disabled: busy || !username }, busy ? 'Signing in…' : 'Sign in'),
      error ? h('span', { id: 'signin-error', className: 'mp-error', role: 'alert' }, error) : null,
      h('span', { className: 'mp-hint' }, 'seed accounts: password = username'),
    )
  }

  // ---------------------------------------------------------------------------------------------
  // The page.

  const STYLE = `
html, body, #graphiql-app { height: 100%; margin: 0; }
.mp-page { display: flex; flex-direction: column; height: 100%; }
.mp-editor { flex: 1; min-height: 0; }
.mp-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 14px; padding: 8px 16px;
  font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  background: hsl(219, 28%, 97%); color: hsl(219, 28%, 22%); border-bottom: 1px solid hsl(219, 28%, 88%); }
.mp-bar label { display: inline-flex; align-items: center; gap: 4px; }
.mp-bar input, .mp-bar select { font: inherit; padding: 2px 6px; border: 1px solid hsl(219, 28%, 80%); border-radius: 4px;
  background: white; color: inherit; }
.mp-title { font-weight: 600; }
.mp-status { font-weight: 600; color: hsl(188, 100%, 30%); }
.mp-hint { opacity: 0.7; font-size: 12px; }
.mp-error { color: hsl(13, 93%, 45%); font-weight: 600; }
.mp-button { font: inherit; padding: 3px 12px; border-radius: 4px; border: 1px solid hsl(320, 95%, 43%);
  background: hsl(320, 95%, 43%); color: white; cursor: pointer; }
.mp-button:disabled { opacity: 0.6; cursor: default; }
@media (prefers-color-scheme: dark) {
  body:not(.graphiql-light) .mp-bar { background: hsl(219, 29%, 14%); color: hsl(219, 29%, 85%); border-color: hsl(219, 29%, 25%); }
  body:not(.graphiql-light) .mp-bar input, body:not(.graphiql-light) .mp-bar select { background: hsl(219, 29%, 18%); border-color: hsl(219, 29%, 30%); }
}
body.graphiql-dark .mp-bar { background: hsl(219, 29%, 14%); color: hsl(219, 29%, 85%); border-color: hsl(219, 29%, 25%); }
body.graphiql-dark .mp-bar input, body.graphiql-dark .mp-bar select { background: hsl(219, 29%, 18%); border-color: hsl(219, 29%, 30%); }
`

  // GraphiQL 3 opens the first of `defaultTabs` with an empty variables editor: on a first visit
  // (no tabs in storage yet) give it the first tab's variables.
  let firstVisit = true
  try {
    firstVisit = !localStorage.getItem('graphiql:tabState')
  } catch {
    // no storage: GraphiQL keeps nothing either
  }
  const initialVariables = firstVisit && config.tabs[0] ? config.tabs[0].variables : undefined

  function App() {
    const [auth, setAuth] = useState(readAuth)
    return h(
      'div',
      { className: 'mp-page' },
      h(SignInBar, { auth, onAuth: setAuth }),
      h(
        'div',
        { className: 'mp-editor' },
        h(
          GraphiQL,
          {
            fetcher,
            defaultTabs: config.tabs,
            variables: initialVariables,
            defaultEditorToolsVisibility: 'variables',
            shouldPersistHeaders: false,
            toolbar: { additionalComponent: EditorProbe },
          },
          h(GraphiQL.Logo, null, 'Marketplace'),
        ),
      ),
    )
  }

  const style = document.createElement('style')
  style.textContent = STYLE
  document.head.appendChild(style)
  ReactDOM.createRoot(document.getElementById('graphiql-app')).render(h(App))
})()
