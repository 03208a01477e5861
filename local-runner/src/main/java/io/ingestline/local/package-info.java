/**
 * The all-in-one local mode: {@link io.ingestline.local.LocalApp} starts an embedded broker and the
 * {@link io.ingestline.local.Pipeline} of all three services in one JVM, holding its data directory
 * ({@link io.ingestline.local.DataDirLock}) and checking its ports ({@code LocalPorts}) first. {@code cluster} holds
 * the multi-process local cluster (three KRaft nodes and several JVMs of each service) used for demos and the failure
 * tests.
 */
package io.ingestline.local;
