package io.ingestline.edge.ingest;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a CSV body (RFC 4180: quoted fields, {@code ""} escapes, line breaks inside quotes, {@code \n} or
 * {@code \r\n} rows) as a stream. Field names come from the first row, or from the caller (Axiom's
 * {@code X-Axiom-CSV-Fields}). Values stay strings. A row with invalid UTF-8, more values than names, or over the
 * event limit is refused alone.
 */
final class CsvBodyReader {
    private final InputStream in;
    private final byte delimiter;
    private final int maxRowBytes;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream field = new ByteArrayOutputStream(256);
    private boolean eof;

    private CsvBodyReader(InputStream in, byte delimiter, int maxRowBytes) {
        this.in = new BufferedInputStream(in, 16 * 1024);
        this.delimiter = delimiter;
        this.maxRowBytes = maxRowBytes;
    }

    /**
     * @param fieldNames names given by the client, or null to read them from the first row
     * @param delimiter  the field separator: one ASCII character
     */
    static void read(InputStream body, EventWriter events, List<String> fieldNames, char delimiter, int maxRowBytes)
            throws IOException {
        if (delimiter > 127 || delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new BadBodyException("csv-delimiter must be one ASCII character other than a quote or line break");
        }
        CsvBodyReader csv = new CsvBodyReader(body, (byte) delimiter, maxRowBytes);
        List<String> names = fieldNames;
        if (names == null) {
            Row header = csv.nextRow();
            if (header == null) {
                throw new BadBodyException("CSV body is empty: it needs a header line or X-Axiom-CSV-Fields");
            }
            if (header.error != null) {
                throw new BadBodyException("CSV header line: " + header.error);
            }
            names = header.values;
        }
        for (Row row = csv.nextRow(); row != null; row = csv.nextRow()) {
            if (row.error != null) {
                events.fail(row.error);
            } else if (row.values.size() > names.size()) {
                events.fail("row has " + row.values.size() + " values but there are " + names.size() + " field names");
            } else {
                events.strings(names, row.values);
            }
        }
    }

    /** One row: its values, or why it cannot be read. */
    private record Row(List<String> values, String error) {
    }

    /** The next non-empty row, or null at the end. */
    private Row nextRow() throws IOException {
        while (!eof) {
            Row row = readRow();
            if (row != null) {
                return row;
            }
        }
        return null;
    }

    /** Reads one row; null for an empty line. */
    private Row readRow() throws IOException {
        List<String> values = new ArrayList<>();
        String error = null;
        int rowBytes = 0;
        boolean quoted = false;
        boolean wasQuoted = false;
        boolean anything = false;
        field.reset();
        while (true) {
            int b = in.read();
            if (b < 0) {
                eof = true;
                if (!anything) {
                    return null;
                }
                if (quoted) {
                    error = error == null ? "unterminated quoted field at the end of the body" : error;
                }
                return end(values, error);
            }
            anything = true;
            if (++rowBytes > maxRowBytes && error == null) {
                error = "row is over the limit of " + maxRowBytes + " bytes";
            }
            if (quoted) {
                if (b == '"') {
                    in.mark(1);
                    if (in.read() == '"') {
                        put(b, error);
                    } else {
                        in.reset();
                        quoted = false;
                    }
                } else {
                    put(b, error);
                }
            } else if (b == '"' && field.size() == 0 && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else if (b == delimiter) {
                error = addField(values, error);
                wasQuoted = false;
            } else if (b == '\n') {
                if (values.isEmpty() && field.size() == 0 && !wasQuoted) {
                    return null;
                }
                return end(values, error);
            } else if (b != '\r') {
                put(b, error);
            }
        }
    }

    private Row end(List<String> values, String error) {
        error = addField(values, error);
        return error != null ? new Row(List.of(), error) : new Row(values, null);
    }

    private void put(int b, String error) {
        if (error == null) {
            field.write(b);
        }
    }

    private String addField(List<String> values, String error) {
        if (error == null) {
            try {
                values.add(utf8.decode(ByteBuffer.wrap(field.toByteArray())).toString());
            } catch (CharacterCodingException e) {
                error = "row is not valid UTF-8";
            }
        }
        field.reset();
        return error;
    }
}
