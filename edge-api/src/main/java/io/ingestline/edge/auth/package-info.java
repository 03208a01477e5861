/** Who may ingest: API tokens, kept as hashes and compared in constant time. */
package io.ingestline.edge.auth;
