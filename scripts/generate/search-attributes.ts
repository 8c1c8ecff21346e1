// docker/temporal/register-search-attributes.sh, derived from the one list of the runs' search
// attributes (workflows/src/search-attributes.ts): compose's Temporal registers them with it.
//
//   npx tsx scripts/generate/search-attributes.ts      (tests/unit/search-attributes.test.ts checks it is current)
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SEARCH_ATTRIBUTES } from '../../workflows/src/search-attributes'

export const REGISTER_SCRIPT_PATH = 'docker/temporal/register-search-attributes.sh'

export function registerSearchAttributesScript(pairs: readonly string[] = SEARCH_ATTRIBUTES): string {
  const registrations = pairs.map((pair) => {
    const [name, type] = pair.split('=')
    return `register ${name} ${type}`
  })
  return `#!/bin/sh
# Registers the custom search attributes every scenario run carries (the façade sets them at
# start: without them the start fails) in a Temporal namespace, for the Web UI's and
# \`temporal workflow list --query\`'s searches. Idempotent: an attribute already registered with
# its type is left alone; one registered with another type is an error.
#
#   TEMPORAL_ADDRESS=temporal:7233 TEMPORAL_NAMESPACE=default sh register-search-attributes.sh
#
# GENERATED from workflows/src/search-attributes.ts by \`npx tsx scripts/generate/search-attributes.ts\`:
# edit that file, not this one.
set -eu

address="\${TEMPORAL_ADDRESS:-temporal:7233}"
namespace="\${TEMPORAL_NAMESPACE:-default}"

# the server answers before auto-setup has registered the namespace: wait for it (2 minutes at most)
tries=0
until temporal operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 120 ]; then
    echo "register-search-attributes: no namespace $namespace at $address" >&2
    exit 1
  fi
  sleep 1
done

register() {
  if output=$(temporal operator search-attribute create --address "$address" --namespace "$namespace" --name "$1" --type "$2" 2>&1); then
    echo "register-search-attributes: $1 ($2) registered"
  elif echo "$output" | grep -qi 'already exists' && ! echo "$output" | grep -qi 'different type'; then
    echo "register-search-attributes: $1 ($2) was registered already"
  else
    echo "register-search-attributes: $1 ($2): $output" >&2
    exit 1
  fi
}

${registrations.join('\n')}
`
}

if (require.main === module) {
  writeFileSync(join(__dirname, '..', '..', REGISTER_SCRIPT_PATH), registerSearchAttributesScript(), { mode: 0o755 })
  console.log(`wrote ${REGISTER_SCRIPT_PATH}`)
}
