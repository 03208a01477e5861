/** HTTPS for the edge, from a PEM certificate chain and private key. */
package io.ingestline.edge.tls;
