/** The operators' API, on its own port and behind its own token: API tokens today, rules and datasets later. */
package io.ingestline.edge.admin;
