/**
 * Who may do what: API tokens (kept as SHA-256 hashes, compared in constant time), the dataset patterns they hold,
 * and per-token rate limits. Shared by the edge (capability {@code ingest}) and the query service ({@code query}).
 */
package io.ingestline.model.auth;
