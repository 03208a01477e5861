/**
 * The all-in-one local mode: {@link io.ingestline.local.LocalApp} starts an embedded broker and the
 * {@link io.ingestline.local.Pipeline} of all three services in one JVM.
 */
package io.ingestline.local;
