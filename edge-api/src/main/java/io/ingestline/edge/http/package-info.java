/**
 * The HTTP surface: {@link io.ingestline.edge.http.EdgeApi} declares every route, limit and error mapping; one
 * handler class per dialect endpoint.
 */
package io.ingestline.edge.http;
