/** Where the sink stores a dataset and the query service reads it: {@link io.ingestline.model.storage.StorageRoutes}. */
package io.ingestline.model.storage;
