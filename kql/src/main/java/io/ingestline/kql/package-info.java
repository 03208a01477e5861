/**
 * The transformation language of data collection rules: {@link io.ingestline.kql.Transformation} compiles a
 * {@code transformKql} text against its input stream's columns and runs it per event. {@code syntax} reads the text
 * into {@link io.ingestline.kql.syntax.Ast.Query}; {@code eval} types it and turns it into steps over rows. Compile
 * errors are {@link io.ingestline.kql.KqlCompileException}, with line, column and token. Regular expressions are RE2,
 * on RE2/J's linear-time engine, each match reading at most the first 256 Ki characters of its text; a caller gives
 * each batch of events a time {@link io.ingestline.kql.eval.Budget} (the thread's CPU time, per event and per batch),
 * checked between steps and while a regular expression reads, so that no rule holds a thread.
 */
package io.ingestline.kql;
