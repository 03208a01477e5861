/**
 * A multi-process cluster on loopback ports without Docker: {@link io.ingestline.local.cluster.LocalCluster} starts
 * three {@link io.ingestline.local.cluster.ClusterNode} brokers and JVMs of each service as
 * {@link io.ingestline.local.cluster.Proc}esses, which tests can kill (SIGKILL) and start again.
 */
package io.ingestline.local.cluster;
