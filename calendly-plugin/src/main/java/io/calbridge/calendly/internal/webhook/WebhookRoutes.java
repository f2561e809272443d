package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpException;

/**
 * The two webhook endpoints. Thin: answer what needs no body at once (database known down, unknown
 * token, declared size over the limit), read the body without blocking a thread, let
 * {@link WebhookReceiver} decide, write its answer as JSON.
 *
 * @param bodyTimeout how long a body may take to arrive whole
 * @param timer       fires those deadlines
 */
record WebhookRoutes(WebhookReceiver receiver, Duration bodyTimeout, ScheduledExecutorService timer) {
    static final String PATH = "/api/webhooks/calendly";
    static final String SIGNATURE_HEADER = "Calendly-Webhook-Signature";

    void register(RoutesConfig routes, String prefix) {
        routes.post(prefix + PATH + "/{token}", this::perIntegration);
    }

    /** Everything that can be answered without the body is answered before a byte of it is read. */
    private void perIntegration(Context ctx) throws IOException {
        Optional<PathTokenHash> token = PathTokenHash.of(ctx.pathParam("token"));
        Optional<WebhookReceiver.Answer> early = receiver.refuseAtOnce()
                .or(() -> receiver.refuseToken(token))
                .or(() -> declaredTooLarge(ctx));
        if (early.isPresent()) {
            answer(ctx, early.get());
            return;
        }
        PathTokenHash known = token.orElseThrow(); // refuseToken answered an empty one
        String signature = ctx.header(SIGNATURE_HEADER);
        String address = ctx.ip();
        withBody(ctx, body -> receiver.receive(known, signature, body, address));
    }

    private Optional<WebhookReceiver.Answer> declaredTooLarge(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        return declared > receiver.maxBodyBytes() ? Optional.of(receiver.tooLarge(declared)) : Optional.empty();
    }

    /**
     * Reads the body without a server thread waiting for it ({@link AsyncBody}), then answers from the
     * thread that saw its last byte. A body that does not arrive within the timeout gets 408 and the
     * connection is closed.
     */
    private void withBody(Context ctx, Function<byte[], WebhookReceiver.Answer> receive) {
        ctx.future(() -> AsyncBody.read(ctx.req(), receiver.maxBodyBytes(), bodyTimeout, timer)
                .handle((body, error) -> {
                    WebhookReceiver.Answer answer = error == null ? receive.apply(body) : unread(error);
                    try {
                        answer(ctx, answer);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return null;
                }));
    }

    private WebhookReceiver.Answer unread(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof AsyncBody.TooLarge || cause instanceof HttpException http && http.getCode() == 413) {
            return receiver.tooLarge(-1);
        }
        // Our deadline, Jetty's idle timeout, or Jetty's minimum data rate (a 408 HttpException).
        if (cause instanceof AsyncBody.TooSlow || cause instanceof TimeoutException
                || cause instanceof HttpException http && http.getCode() == 408) {
            return receiver.bodyTimeout(bodyTimeout);
        }
        return receiver.unreadable();
    }

    private static final byte[] ACCEPTED = "{\"status\":\"accepted\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] DUPLICATE = "{\"status\":\"duplicate\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static void answer(Context ctx, WebhookReceiver.Answer answer) throws IOException {
        if (answer.status() == 408) {
            ctx.header("Connection", "close"); // what is left of the body will not be read
        }
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
