/** The node's live configuration: tokens and data collection rules followed from the compacted configuration topic. */
package io.ingestline.edge.config;
