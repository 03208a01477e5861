package io.ingestline.query.store;

import java.nio.file.Path;

/**
 * One visible file of a dataset.
 *
 * @param name        its path relative to the dataset's directory, with {@code /}: the cursor's tie-breaker
 * @param path        where it is
 * @param compression DuckDB's name of its compression ({@code zstd} or {@code gzip})
 */
record DataFile(String name, Path path, String compression) {
}
