/**
 * The edge's listeners, HTTP and HTTPS (from PEM files read with BouncyCastle: every common key form, encrypted or
 * not), with the same bounds on slow and abusive clients.
 */
package io.ingestline.edge.tls;
