/**
 * The transformation language of data collection rules: {@code syntax} reads a {@code transformKql} text into
 * {@link io.ingestline.kql.syntax.Ast.Query}; compile errors are {@link io.ingestline.kql.KqlCompileException}.
 */
package io.ingestline.kql;
