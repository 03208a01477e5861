/** The edge's listeners, HTTP and HTTPS (from PEM files), with the same bounds on slow and abusive clients. */
package io.ingestline.edge.tls;
