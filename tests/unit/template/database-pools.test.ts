import { createServer, type Server, type Socket } from 'node:net'
import { ConnectionTimeoutError, createDatabase, createServiceDatabases } from '../../../packages/service-template/src/database'
import { readServiceConfig } from '../../../packages/service-template/src/config'

/**
 * Just enough of a Postgres server to open connections: every startup is answered
 * "authentication ok, ready for query". Connections are all the pool tests need.
 */
async function fakePostgres(): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    socket.once('data', () => {
      const authOk = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]) // 'R', length 8, AuthenticationOk
      const ready = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]) // 'Z', length 5, idle
      socket.write(Buffer.concat([authOk, ready]))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `postgres://app:secret@127.0.0.1:${port}/fake`,
    server,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** Holds one of the database's connections until `release` is called (a slow read, as the pool sees it). */
function holdConnection(db: ReturnType<typeof createDatabase>): { held: Promise<void>; release: () => void } {
  let release: () => void = () => undefined
  let acquired: () => void = () => undefined
  const held = new Promise<void>((resolve) => (acquired = resolve))
  const done = new Promise<void>((resolve) => (release = resolve))
  void db.connection().execute(async () => {
    acquired()
    await done
  })
  return { held, release }
}

describe('database pools', () => {
  let postgres: Awaited<ReturnType<typeof fakePostgres>>
  beforeAll(async () => {
    postgres = await fakePostgres()
  })
  afterAll(async () => {
    await postgres.close()
  })

  it('a query that cannot get a connection fails with ConnectionTimeoutError instead of waiting', async () => {
    const db = createDatabase(postgres.url, { poolSize: 2, acquireTimeoutMs: 100 })
    const holds = [holdConnection(db), holdConnection(db)]
    await Promise.all(holds.map((h) => h.held))
    const refused = await db
      .connection()
      .execute(async () => 'served')
      .catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(ConnectionTimeoutError)
    expect((refused as Error).message).toBe('no database connection within 100 ms (pool of 2)')
    // a connection coming free serves the next query
    holds[0]!.release()
    await expect(db.connection().execute(async () => 'served')).resolves.toBe('served')
    holds[1]!.release()
    await db.destroy()
  })

  it("reads and the activity worker's writes have separate pools: reads holding every connection do not stall writes", async () => {
    const config = readServiceConfig('comments', {
      NODE_ENV: 'test',
      COMMENTS_DATABASE_URL: postgres.url,
      DATABASE_POOL_SIZE: '3',
      DATABASE_WRITE_POOL_SIZE: '2',
      DATABASE_ACQUIRE_TIMEOUT_MS: '100',
    })
    const { reads, writes } = createServiceDatabases(config)
    expect(writes).not.toBe(reads)
    const slowReads = [holdConnection(reads), holdConnection(reads), holdConnection(reads)]
    await Promise.all(slowReads.map((h) => h.held))
    await expect(reads.connection().execute(async () => 'read')).rejects.toBeInstanceOf(ConnectionTimeoutError)
    // both write connections at once, while every read connection is taken
    await expect(
      Promise.all([writes.connection().execute(async () => 'write'), writes.connection().execute(async () => 'write')]),
    ).resolves.toEqual(['write', 'write'])
    for (const h of slowReads) h.release()
    await Promise.all([reads.destroy(), writes.destroy()])
  })

  it('a database that does not answer fails the query with ConnectionTimeoutError too', async () => {
    const sockets: Socket[] = []
    // accepts connections, never answers
    const silent = createServer((socket) => sockets.push(socket.on('error', () => undefined)))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as { port: number }
    const db = createDatabase(`postgres://app:secret@127.0.0.1:${port}/fake`, { poolSize: 1, acquireTimeoutMs: 100 })
    await expect(db.connection().execute(async () => 'served')).rejects.toBeInstanceOf(ConnectionTimeoutError)
    await db.destroy()
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => silent.close(resolve))
  })
})

describe('pool settings', () => {
  it('default to 10 read connections, 5 write connections and a 2 s acquisition timeout', () => {
    expect(readServiceConfig('reviews', { NODE_ENV: 'test' })).toMatchObject({
      databasePoolSize: 10,
      databaseWritePoolSize: 5,
      databaseAcquireTimeoutMs: 2_000,
    })
  })

  it('are read from DATABASE_WRITE_POOL_SIZE and DATABASE_ACQUIRE_TIMEOUT_MS, and refused when out of range', () => {
    expect(
      readServiceConfig('reviews', { NODE_ENV: 'test', DATABASE_WRITE_POOL_SIZE: '7', DATABASE_ACQUIRE_TIMEOUT_MS: '500' }),
    ).toMatchObject({
      databaseWritePoolSize: 7,
      databaseAcquireTimeoutMs: 500,
    })
    expect(() => readServiceConfig('reviews', { NODE_ENV: 'test', DATABASE_WRITE_POOL_SIZE: '0' })).toThrow(/^DATABASE_WRITE_POOL_SIZE\b/)
    expect(() => readServiceConfig('reviews', { NODE_ENV: 'test', DATABASE_ACQUIRE_TIMEOUT_MS: 'soon' })).toThrow(
      /^DATABASE_ACQUIRE_TIMEOUT_MS\b/,
    )
  })
})
