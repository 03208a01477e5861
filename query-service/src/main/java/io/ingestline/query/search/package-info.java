/**
 * Searches as the API runs them: {@link io.ingestline.query.search.SearchSpec} (a search and its token, carried inside
 * the ids handed to clients), {@link io.ingestline.query.search.Searches} (the node's turns at the store, background
 * runs) and {@link io.ingestline.query.search.ResultCache} (kept results, bounded by bytes and time).
 */
package io.ingestline.query.search;
