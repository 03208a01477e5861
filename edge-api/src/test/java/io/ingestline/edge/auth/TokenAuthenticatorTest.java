package io.ingestline.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenAuthenticatorTest {
    private final TokenAuthenticator auth = new TokenAuthenticator(
            List.of(StaticToken.of("a", "secret-a"), StaticToken.of("b", "secret-b")));

    @Test
    void finds_the_token_a_secret_belongs_to() {
        assertThat(auth.authenticate("secret-b")).contains("b");
        assertThat(auth.authenticate("secret-c")).isEmpty();
        assertThat(auth.authenticate("")).isEmpty();
        assertThat(auth.authenticate(null)).isEmpty();
    }

    @Test
    void reads_bearer_headers_case_insensitively() {
        assertThat(TokenAuthenticator.bearer("Bearer abc")).isEqualTo("abc");
        assertThat(TokenAuthenticator.bearer("bearer  abc ")).isEqualTo("abc");
        assertThat(TokenAuthenticator.bearer("Basic abc")).isNull();
        assertThat(TokenAuthenticator.bearer(null)).isNull();
    }

    @Test
    void never_shows_the_secret() {
        StaticToken t = StaticToken.of("name", "very-secret");
        assertThat(t.toString()).doesNotContain("very-secret");
    }
}
