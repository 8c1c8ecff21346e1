#!/bin/sh
# Registers the custom search attributes every scenario run carries (the façade sets them at
# start: without them the start fails) in a Temporal namespace, for the Web UI's and
# `temporal workflow list --query`'s searches. Idempotent: an attribute already registered with
# its type is left alone; one registered with another type is an error.
#
#   TEMPORAL_ADDRESS=temporal:7233 TEMPORAL_NAMESPACE=default sh register-search-attributes.sh
#
# GENERATED from workflows/src/search-attributes.ts by `npx tsx scripts/generate/search-attributes.ts`:
# edit that file, not this one.
set -eu

address="${TEMPORAL_ADDRESS:-temporal:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"

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

register Scenario Keyword
register Initiator Keyword
register SubjectType Keyword
register SubjectId Keyword
register ReviewId Keyword
register CommentId Keyword
register UserId Keyword
register ProductId Keyword
register MerchantId Keyword
