/**
 * The transformation language of data collection rules: {@link io.ingestline.kql.Transformation} compiles a
 * {@code transformKql} text against its input stream's columns and runs it per event. {@code syntax} reads the text
 * into {@link io.ingestline.kql.syntax.Ast.Query}; {@code eval} types it and turns it into steps over rows. Compile
 * errors are {@link io.ingestline.kql.KqlCompileException}, with line, column and token.
 */
package io.ingestline.kql;
