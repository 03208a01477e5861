package io.ingestline.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestPathsTest {
    @Test
    void redacts_the_token_segment_of_logglys_paths_and_nothing_else() {
        assertThat(RequestPaths.redact("/inputs/abc-123")).isEqualTo("/inputs/<redacted>");
        assertThat(RequestPaths.redact("/inputs/abc-123/tag/a,b/")).isEqualTo("/inputs/<redacted>/tag/a,b/");
        assertThat(RequestPaths.redact("/bulk/abc")).isEqualTo("/bulk/<redacted>");
        assertThat(RequestPaths.redact("//BULK//abc/tag/x")).isEqualTo("//BULK//<redacted>/tag/x");
        assertThat(RequestPaths.redact("/v1/datasets/inputs/ingest")).isEqualTo("/v1/datasets/inputs/ingest");
        assertThat(RequestPaths.redact(null)).isNull();
    }
}
