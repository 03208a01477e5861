package io.ingestline.kql.eval;

/** An event the transformation cannot process (for example an integer division by zero); only that event fails. */
public class KqlRuntimeException extends RuntimeException {
    public KqlRuntimeException(String message) {
        super(message, null, false, false);
    }
}
