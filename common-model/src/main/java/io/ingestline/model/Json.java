package io.ingestline.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * The one JSON configuration every service uses, and the limits every JSON reader of the project applies (Jackson
 * through {@link #mapper()} or {@link #newFactory()}, and the edge's own scanner): text beyond a limit is not JSON
 * the project reads, refused as invalid JSON is. The limits count as Jackson's {@link StreamReadConstraints} do.
 */
public final class Json {
    /** Deepest nesting accepted in an event: deeper is refused instead of risking the parser's stack. */
    public static final int MAX_NESTING_DEPTH = 200;
    /**
     * Longest number: its digits (integer, fraction and exponent digits together; signs, point and {@code e} not
     * counted). Jackson's default, which keeps converting a number to a value cheap.
     */
    public static final int MAX_NUMBER_LENGTH = 1000;
    /**
     * Longest string value in characters (UTF-16 units, after escapes), and longest field name in bytes (UTF-8, after
     * escapes): the largest event a dialect documents (Loggly, 1 MB), so the limit never refuses a string an event
     * limit would take.
     */
    public static final int MAX_STRING_LENGTH = 1024 * 1024;

    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxStringLength(MAX_STRING_LENGTH)
            .maxNameLength(MAX_STRING_LENGTH)
            .build();

    private static final ObjectMapper MAPPER = JsonMapper.builder(newFactory())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    /** Reads the value at a parser as a sub-tree: what follows it is the caller's to read. */
    private static final ObjectReader SUB_TREE = MAPPER.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

    private Json() {
    }

    /**
     * The node {@link #mapper()}'s tree holds for the value at token {@code t} of {@code p} (floats as
     * {@code BigDecimal}, trailing zeros kept); objects and arrays read as a sub-tree. A scalar is made here as the
     * tree reader makes it, since a reader's {@code readTree} sets up a context per call that costs more than a small
     * value's reading. For streaming passes that need the tree's value of a few fields only.
     */
    public static JsonNode node(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> NODES.numberNode(p.getIntValue());
                case LONG -> NODES.numberNode(p.getLongValue());
                default -> NODES.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDecimalValue());
            case VALUE_TRUE, VALUE_FALSE -> NODES.booleanNode(t == JsonToken.VALUE_TRUE);
            case VALUE_NULL -> NODES.nullNode();
            default -> SUB_TREE.readTree(p);
        };
    }

    /** A shared, thread-safe mapper. Numbers keep their exact value (no rounding through double). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Client text as a tree through {@link #mapper()}. Unlike {@code readTree}, text it cannot read is always an
     * {@link IOException}: Jackson throws {@link NumberFormatException} for a number whose exponent a
     * {@code BigDecimal} cannot hold ({@code 1e-99999999999}).
     */
    public static JsonNode readTree(byte[] json) throws IOException {
        try {
            return MAPPER.readTree(json);
        } catch (NumberFormatException e) {
            throw new JsonParseException(null, "number out of range: " + e.getMessage());
        }
    }

    /** {@link #readTree(byte[])} for text already decoded. */
    public static JsonNode readTree(String json) throws IOException {
        try {
            return MAPPER.readTree(json);
        } catch (NumberFormatException e) {
            throw new JsonParseException(null, "number out of range: " + e.getMessage());
        }
    }

    /** A new factory with the project's limits, for a mapper that needs other features (kql's, reading doubles). */
    public static JsonFactory newFactory() {
        return JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
    }
}
