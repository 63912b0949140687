#!/bin/sh
# Creates the namespace and the pipeline's custom search attributes once the frontend answers.
set -eu
address=${TEMPORAL_ADDRESS:-temporal:7233}
namespace=${TEMPORAL_NAMESPACE:-default}

# retry WHAT COMMAND…: runs COMMAND until it succeeds, for up to a minute.
retry() {
  what=$1; shift
  attempt=0
  until "$@"; do
    attempt=$((attempt + 1))
    [ "$attempt" -lt 30 ] || { echo "gave up waiting for $what" >&2; exit 1; }
    sleep 2
  done
}

retry "Temporal at $address" temporal operator cluster health --address "$address"
temporal operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1 \
  || temporal operator namespace create --address "$address" --namespace "$namespace" --retention "${NAMESPACE_RETENTION:-1440h}"

# A new namespace reaches the frontend's cache a few seconds after it is registered.
retry "namespace $namespace" temporal operator search-attribute list --address "$address" --namespace "$namespace" >/dev/null
# Workers register these too; doing it here lets the UI filter on them before any worker starts.
existing=$(temporal operator search-attribute list --address "$address" --namespace "$namespace")
for attribute in AdMonth PipelineStage ModelVersion; do
  echo "$existing" | grep -qw "$attribute" \
    || temporal operator search-attribute create --address "$address" --namespace "$namespace" --name "$attribute" --type Keyword
done
