/** Reading services' settings from environment variables: typed, validated, documented side by side. */
package io.ingestline.model.env;
