package io.ingestline.edge.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/** A request body that cannot be read at all (bad JSON, unknown encoding): nothing of it is ingested. */
public final class BadBodyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadBodyException(String message) {
        super(message);
    }

    /** A parser's error, with the position a person needs to find it. */
    static BadBodyException of(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return new BadBodyException("JSON too deeply nested or too large: " + e.getOriginalMessage());
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new BadBodyException("invalid JSON" + where + ": " + e.getOriginalMessage());
    }
}
