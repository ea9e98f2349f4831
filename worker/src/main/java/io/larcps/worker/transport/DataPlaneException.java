package io.larcps.worker.transport;

/**
 * The data-plane connection to a shard endpoint failed or carried something this client cannot
 * accept: connect refused, connection lost, a write that failed, or a WEIGHTS frame that does not
 * fit the routing. The message names the endpoint so the operator knows which server to look at.
 */
public final class DataPlaneException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Endpoint endpoint;

    public DataPlaneException(Endpoint endpoint, String message) {
        super(endpoint + ": " + message);
        this.endpoint = endpoint;
    }

    public DataPlaneException(Endpoint endpoint, String message, Throwable cause) {
        super(endpoint + ": " + message, cause);
        this.endpoint = endpoint;
    }

    public Endpoint endpoint() {
        return endpoint;
    }
}
