package io.ingestline.query.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AccessTest {
    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void takes_the_token_from_bearer_in_any_case_or_from_basic_as_the_password() {
        assertThat(Access.secret("Bearer abc")).isEqualTo("abc");
        assertThat(Access.secret("bearer abc")).isEqualTo("abc");
        assertThat(Access.secret(basic("acme:abc"))).isEqualTo("abc");
        assertThat(Access.secret(basic("acme:a:b"))).isEqualTo("a:b");
        assertThat(Access.secret(basic("abc:"))).isEqualTo("abc");
        assertThat(Access.secret(basic("abc"))).isEqualTo("abc");
        assertThat(Access.secret("basic " + Base64.getEncoder().encodeToString("u:abc".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("abc");
    }

    @Test
    void finds_no_token_in_what_holds_none() {
        assertThat(Access.secret(null)).isNull();
        assertThat(Access.secret("")).isNull();
        assertThat(Access.secret("Bearer ")).isNull();
        assertThat(Access.secret("Basic !!!not-base64")).isNull();
        assertThat(Access.secret(basic(":"))).isNull();
        assertThat(Access.secret("Token abc")).isNull();
        assertThat(Access.secret("Basic")).isNull();
    }
}
