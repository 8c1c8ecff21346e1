import { startStack } from './stack'

// One stack for every integration suite: starting Postgres and seven processes takes a while.
export default async function globalSetup(): Promise<void> {
  const { urls, process: child } = await startStack()
  process.env.MARKETPLACE_TEST_STACK = JSON.stringify(urls)
  ;(globalThis as { __MARKETPLACE_STACK__?: typeof child }).__MARKETPLACE_STACK__ = child
}
