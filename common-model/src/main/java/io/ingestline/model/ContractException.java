package io.ingestline.model;

/** A record does not follow the contract (a missing or malformed header, an unknown format). */
public class ContractException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ContractException(String message) {
        super(message);
    }

    public ContractException(String message, Throwable cause) {
        super(message, cause);
    }
}
