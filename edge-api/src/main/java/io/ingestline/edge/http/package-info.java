/**
 * The HTTP surface: {@link io.ingestline.edge.http.EdgeApi} declares every route, limit and error mapping; one
 * handler class per dialect (Axiom, Baselime, Azure, AstraLog, Loggly), all going through
 * {@link io.ingestline.edge.http.IngestSupport}; each names its {@link io.ingestline.edge.http.ErrorShape}.
 */
package io.ingestline.edge.http;
