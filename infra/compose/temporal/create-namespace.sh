#!/bin/sh
# Waits for the Temporal cluster to report healthy, then registers the namespace if it is missing.
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
