package io.ingestline.edge.http;

import io.javalin.http.Context;

/**
 * The answer to a request no route took (404) or whose method its path does not take (405): JSON in the shape of
 * the dialect the path's prefix belongs to, so a client reads it as it reads its API's other errors, and for 405 the
 * methods the path takes ({@code Allow}). A request a handler already answered (its shape is set) is left alone.
 */
final class UnroutedAnswers {
    /** A dialect's part of the URL space: its error shape and the methods its routes take. */
    private record Area(ErrorShape shape, String allow) {
    }

    private static final Area DEFAULT = new Area(ErrorShape.MESSAGE, "POST");
    private static final Area STATUS = new Area(ErrorShape.MESSAGE, "GET");

    private UnroutedAnswers() {
    }

    static void answer(Context ctx, int status) {
        if (ctx.attribute(ErrorShape.ATTRIBUTE) != null) {
            return;
        }
        Area area = areaOf(ctx.path());
        String path = RequestPaths.redact(ctx.path());
        String message;
        if (status == 405) {
            ctx.header("Allow", area.allow());
            message = "method " + ctx.method() + " is not allowed on " + path + " (allowed: " + area.allow() + ")";
        } else {
            message = "no such endpoint: " + ctx.method() + " " + path;
        }
        area.shape().write(ctx, status, ErrorShape.code(status), message);
        ErrorShape.use(ctx, area.shape()); // answered: the error handler that follows leaves it
    }

    /** Whether a path that Baselime's {@code /v1/{dataset}/..} routes match is another dialect's literal path. */
    static boolean anotherDialects(String path) {
        return under(path, "/v1/drain") || under(path, "/v1/datasets") || under(path, "/v1/ingest");
    }

    private static Area areaOf(String path) {
        if (under(path, "/dataCollectionRules")) {
            return new Area(AzureHandler.SHAPE, "POST");
        }
        if (under(path, "/v1/drain")) {
            return new Area(AstraLogHandler.SHAPE, "POST");
        }
        if (under(path, "/inputs")) {
            return new Area(LogglyHandler.SHAPE, "GET, POST");
        }
        if (under(path, "/bulk")) {
            return new Area(LogglyHandler.SHAPE, "POST");
        }
        if (under(path, "/v1/datasets") || under(path, "/v1/ingest")) {
            return DEFAULT;
        }
        if (under(path, "/v1")) {
            return new Area(BaselimeHandler.SHAPE, "POST");
        }
        if (path.equals("/health") || path.equals("/ready") || path.equals("/metrics")) {
            return STATUS;
        }
        return DEFAULT;
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
