package io.ingestline.model.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenAuthenticatorTest {
    private final TokenAuthenticator auth = new TokenAuthenticator(
            List.of(ApiToken.ofSecret("a", "secret-a", List.of("*")), ApiToken.ofSecret("b", "secret-b", List.of("web"))));

    @Test
    void finds_the_token_a_secret_belongs_to() {
        assertThat(auth.authenticate("secret-b")).hasValueSatisfying(t -> assertThat(t.id()).isEqualTo("b"));
        assertThat(auth.authenticate("secret-c")).isEmpty();
        assertThat(auth.authenticate("")).isEmpty();
        assertThat(auth.authenticate(null)).isEmpty();
    }

    @Test
    void issued_tokens_work_until_removed_and_fixed_ones_cannot_be_replaced() {
        ApiToken.Issued issued = ApiToken.issue("ci", List.of("app-*"), Set.of(ApiToken.Capability.INGEST), RateLimiter.Limit.NONE, Instant.now());
        assertThat(issued.secret()).startsWith("ilt_").hasSizeGreaterThan(40);
        assertThat(issued.token().secretHash()).doesNotContain(issued.secret());
        auth.put(issued.token());
        assertThat(auth.authenticate(issued.secret())).isPresent();
        auth.remove(issued.token().id());
        assertThat(auth.authenticate(issued.secret())).isEmpty();

        auth.put(ApiToken.ofSecret("a", "taken-over", List.of("*")));
        auth.remove("a");
        assertThat(auth.authenticate("secret-a")).isPresent();
        assertThat(auth.authenticate("taken-over")).isEmpty();
        assertThat(auth.isFixed("a")).isTrue();
    }

    @Test
    void limits_a_token_to_its_datasets() {
        ApiToken t = ApiToken.ofSecret("x", "s", List.of("web", "app-*"));
        assertThat(t.mayIngest("web")).isTrue();
        assertThat(t.mayIngest("app-checkout")).isTrue();
        assertThat(t.mayIngest("web2")).isFalse();
        assertThat(t.mayIngest("api")).isFalse();
        assertThat(DatasetPattern.matches("*-logs", "web-logs")).isTrue();
        assertThat(DatasetPattern.matches("a*b*c", "aXbYc")).isTrue();
        assertThat(DatasetPattern.matches("a*b*c", "aXbY")).isFalse();
        assertThat(DatasetPattern.isValid("app-*")).isTrue();
        assertThat(DatasetPattern.isValid("a/b")).isFalse();
    }

    @Test
    void reads_bearer_headers_case_insensitively() {
        assertThat(TokenAuthenticator.bearer("Bearer abc")).isEqualTo("abc");
        assertThat(TokenAuthenticator.bearer("bearer  abc ")).isEqualTo("abc");
        assertThat(TokenAuthenticator.bearer("Basic abc")).isNull();
        assertThat(TokenAuthenticator.bearer(null)).isNull();
    }

    @Test
    void never_shows_the_secret_and_round_trips_through_the_config_topic_format() throws Exception {
        ApiToken.Issued issued = ApiToken.issue("ci", List.of("web"), Set.of(ApiToken.Capability.INGEST), new RateLimiter.Limit(10, 0), Instant.now());
        assertThat(issued.token().toString()).doesNotContain(issued.secret());
        byte[] json = issued.token().toJson();
        assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain(issued.secret());
        assertThat(ApiToken.fromJson(json)).isEqualTo(issued.token());
    }
}
