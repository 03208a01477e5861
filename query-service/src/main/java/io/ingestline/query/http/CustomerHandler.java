package io.ingestline.query.http;

import io.ingestline.model.auth.ApiToken;
import io.javalin.http.Context;
import java.util.Locale;

/**
 * {@code GET /apiv2/customer}: Loggly's account information, as far as it can be told. {@code tokens} is empty: tokens
 * are kept only as hashes of their secrets, so no secret can be told back; {@code token} describes the caller's own
 * (id, name, datasets, capabilities, creation); {@code subscription} names this deployment.
 */
final class CustomerHandler {
    private final Access access;
    private final String subdomain;
    private final String defaultDataset;

    CustomerHandler(Access access, String subdomain, String defaultDataset) {
        this.access = access;
        this.subdomain = subdomain;
        this.defaultDataset = defaultDataset;
    }

    void customer(Context ctx) {
        ApiToken token = access.caller(ctx);
        Answers.json(ctx, 200, g -> {
            g.writeStartObject();
            g.writeStringField("subdomain", subdomain);
            g.writeArrayFieldStart("tokens");
            g.writeEndArray();
            g.writeObjectFieldStart("token");
            g.writeStringField("id", token.id());
            g.writeStringField("name", token.name());
            g.writeArrayFieldStart("datasets");
            for (String d : token.datasets()) {
                g.writeString(d);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("capabilities");
            for (ApiToken.Capability c : ApiToken.Capability.values()) {
                if (token.capabilities().contains(c)) {
                    g.writeString(c.name().toLowerCase(Locale.ROOT));
                }
            }
            g.writeEndArray();
            g.writeStringField("created_at", token.createdAt().toString());
            g.writeEndObject();
            g.writeObjectFieldStart("subscription");
            g.writeStringField("subscription_type", "self-hosted");
            g.writeStringField("default_dataset", defaultDataset);
            g.writeEndObject();
            g.writeEndObject();
        });
    }
}
