#!/usr/bin/env bash
# A multi-process cluster on this machine, without Docker: three KRaft Kafka nodes, two JVMs each of the edge, the
# validator and the sink, and one of the query service (reading the sinks' files), on loopback ports.
# Usage: scripts/local-cluster.sh [dir] [edges validators sinks [queries]]
# Each service takes only its own settings from this shell; the admin API runs on the first edge (its URL and token
# are in the ready line, with the query API's URL; the edges' token also searches). A process that fails while the cluster starts ends the script with code 1 and its last
# log lines; Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f local-runner/target/ingestline-local.jar ] || mvn -B -q -DskipTests package
exec java -cp local-runner/target/ingestline-local.jar io.ingestline.local.cluster.LocalCluster "$@"
