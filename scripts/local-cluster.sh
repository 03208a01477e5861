#!/usr/bin/env bash
# A multi-process cluster on this machine, without Docker: three KRaft Kafka nodes and two JVMs each of the edge,
# the validator and the sink, on loopback ports. Usage: scripts/local-cluster.sh [dir] [edges validators sinks]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f local-runner/target/ingestline-local.jar ] || mvn -B -q -DskipTests package
exec java -cp local-runner/target/ingestline-local.jar io.ingestline.local.cluster.LocalCluster "$@"
