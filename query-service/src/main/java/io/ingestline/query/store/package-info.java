/** Where the query service reads stored events: {@link io.ingestline.query.store.EventStore} and its backends. */
package io.ingestline.query.store;
