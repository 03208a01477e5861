/** The typed columns each dataset gets from the operators' rules, for backends that store typed columns. */
package io.ingestline.sink.columns;
