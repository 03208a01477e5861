package io.ingestline.edge.tls;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ingestline.model.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answer to a request it refuses before any route sees it (headers over the limit: 431, a malformed request
 * line or header: 400): {@code {"message":"..."}} like the edge's other errors, never a page echoing the path (which
 * may hold a Loggly token).
 */
final class WireErrors extends ErrorHandler {
    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
            String contentType, List<Charset> charsets, int code, String message, Throwable cause) throws IOException {
        return super.generateAcceptableResponse(request, response, callback,
                MimeTypes.Type.APPLICATION_JSON.asString(), charsets, code, message, cause);
    }

    @Override
    protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
        try {
            writer.write(Json.mapper().writeValueAsString(Map.of("message",
                    message == null || message.isBlank() ? "bad request" : message)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
