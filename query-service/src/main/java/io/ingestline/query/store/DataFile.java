package io.ingestline.query.store;

import java.nio.file.Path;

/**
 * One visible file of a dataset.
 *
 * @param name its path relative to the dataset's directory, with {@code /}: the cursor's tie-breaker
 * @param path where it is; DuckDB reads its compression ({@code .zst} or {@code .gz}) from the name
 */
record DataFile(String name, Path path) {
}
