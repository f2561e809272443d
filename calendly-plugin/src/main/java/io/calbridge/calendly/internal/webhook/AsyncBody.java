package io.calbridge.calendly.internal.webhook;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads a request body without holding a server thread while it arrives (Servlet non-blocking IO): a
 * client that sends one byte every 25 s costs a connection and a small buffer, not a thread. The body
 * must arrive whole within {@code timeout} and stay within {@code maxBytes}; otherwise the future
 * fails with {@link TooSlow} or {@link TooLarge}. The request must be in async mode (Javalin's
 * {@code ctx.future} starts it before asking for the future).
 */
final class AsyncBody implements ReadListener {
    /** The body did not arrive whole in time. */
    static final class TooSlow extends IOException {
        TooSlow(Duration timeout) {
            super("the body did not arrive within " + timeout.toSeconds() + " s");
        }
    }

    /** More bytes than allowed arrived (chunked, or a Content-Length that lied). */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("the body is larger than allowed");
        }
    }

    /** Buffers grow as bytes arrive: a declared Content-Length reserves nothing. */
    private static final int INITIAL_BUFFER = 8192;

    private final ServletInputStream in;
    private final int maxBytes;
    private final ByteArrayOutputStream body;
    private final byte[] chunk = new byte[8192];
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();

    private AsyncBody(ServletInputStream in, int maxBytes, long declared) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.body = new ByteArrayOutputStream(declared > 0 ? (int) Math.min(declared, INITIAL_BUFFER) : INITIAL_BUFFER);
    }

    static CompletableFuture<byte[]> read(HttpServletRequest request, int maxBytes, Duration timeout,
                                          ScheduledExecutorService timer) {
        AsyncBody reader;
        try {
            reader = new AsyncBody(request.getInputStream(), maxBytes, request.getContentLengthLong());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        ScheduledFuture<?> deadline = timer.schedule(() -> reader.result.completeExceptionally(new TooSlow(timeout)),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        reader.result.whenComplete((body, error) -> deadline.cancel(false));
        reader.in.setReadListener(reader);
        return reader.result;
    }

    @Override
    public void onDataAvailable() throws IOException {
        while (!result.isDone() && in.isReady()) {
            int n = in.read(chunk);
            if (n < 0) {
                return; // onAllDataRead follows
            }
            if (body.size() + n > maxBytes) {
                result.completeExceptionally(new TooLarge());
                return;
            }
            body.write(chunk, 0, n);
        }
    }

    @Override
    public void onAllDataRead() {
        result.complete(body.toByteArray());
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }
}
