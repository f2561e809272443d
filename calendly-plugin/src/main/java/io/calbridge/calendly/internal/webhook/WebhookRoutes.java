package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two webhook endpoints. Thin: read the body within the size limit, let {@link WebhookReceiver}
 * decide, write its answer as JSON.
 */
final class WebhookRoutes {
    static final String PATH = "/api/webhooks/calendly";
    static final String SIGNATURE_HEADER = "Calendly-Webhook-Signature";

    private final WebhookReceiver receiver;

    WebhookRoutes(WebhookReceiver receiver) {
        this.receiver = receiver;
    }

    void register(RoutesConfig routes, String prefix) {
        routes.post(prefix + PATH + "/{token}", this::perIntegration);
        routes.post(prefix + PATH, this::legacy);
    }

    private void perIntegration(Context ctx) throws IOException {
        var early = receiver.refuseAtOnce();
        if (early.isPresent()) {
            answer(ctx, early.get());
            return;
        }
        byte[] body = body(ctx);
        if (body != null) {
            answer(ctx, receiver.receive(ctx.pathParam("token"), ctx.header(SIGNATURE_HEADER), body, ctx.ip()));
        }
    }

    private void legacy(Context ctx) throws IOException {
        var early = receiver.refuseAtOnce();
        if (early.isPresent()) {
            answer(ctx, early.get());
            return;
        }
        byte[] body = body(ctx);
        if (body != null) {
            answer(ctx, receiver.receiveLegacy(ctx.header(SIGNATURE_HEADER), body, ctx.ip()));
        }
    }

    /** The raw body, or null after answering 413/400. The declared length is checked before reading. */
    private byte[] body(Context ctx) throws IOException {
        int max = receiver.maxBodyBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            answer(ctx, receiver.tooLarge(declared));
            return null;
        }
        try (InputStream in = ctx.req().getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 4096);
            byte[] buffer = new byte[8192];
            int total = 0;
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > max) { // chunked, or a Content-Length that lied
                    answer(ctx, receiver.tooLarge(-1));
                    return null;
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            answer(ctx, receiver.unreadable());
            return null;
        }
    }

    private static final byte[] ACCEPTED = "{\"status\":\"accepted\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] DUPLICATE = "{\"status\":\"duplicate\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static void answer(Context ctx, WebhookReceiver.Answer answer) throws IOException {
        if (answer.ok()) {
            ctx.status(answer.status()).contentType("application/json")
                    .result("duplicate".equals(answer.code()) ? DUPLICATE : ACCEPTED);
            return;
        }
        if (answer.retryAfter() != null) {
            ctx.header("Retry-After", Long.toString(answer.retryAfter().toSeconds()));
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", answer.code());
        error.put("message", answer.message());
        ctx.status(answer.status())
                .contentType("application/json")
                .result(Json.mapper().writeValueAsBytes(Map.of("error", error)));
    }
}
