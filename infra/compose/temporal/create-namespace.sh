#!/bin/sh
# Waits for the Temporal cluster to report healthy, then registers the namespace and Candor's search
# attributes if they are missing.
# Runs in temporalio/admin-tools.
set -eu
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NS="${NAMESPACE:-default}"

i=0
until temporal operator cluster health --address "$ADDRESS"; do
  i=$((i + 1))
  [ "$i" -lt 60 ] || { echo "Temporal at $ADDRESS did not become healthy" >&2; exit 1; }
  sleep 2
done

if temporal operator namespace describe --namespace "$NS" --address "$ADDRESS" > /dev/null 2>&1; then
  echo "namespace $NS already exists"
else
  temporal operator namespace create --namespace "$NS" --address "$ADDRESS"
  echo "namespace $NS created"
fi

# Candor's search attributes (infra/stack/temporal.ts SEARCH_ATTRIBUTES), each only when missing.
for pair in CandorTenant:Keyword CandorStage:Keyword CandorWaitingSince:Datetime; do
  name=${pair%%:*}
  if temporal operator search-attribute list --namespace "$NS" --address "$ADDRESS" | grep -q "$name"; then
    echo "search attribute $name already exists"
  else
    temporal operator search-attribute create --namespace "$NS" --address "$ADDRESS" --name "$name" --type "${pair#*:}"
  fi
done
