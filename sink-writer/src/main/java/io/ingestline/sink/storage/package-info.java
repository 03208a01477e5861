/** Storage backends behind one contract ({@link io.ingestline.sink.storage.StorageWriter}): write, flush, release. */
package io.ingestline.sink.storage;
