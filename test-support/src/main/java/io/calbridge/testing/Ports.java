package io.calbridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Ports for servers a test must know the address of before they start (a public base URL, a child JVM). */
public final class Ports {
    private Ports() {
    }

    /** A port nothing listens on right now: the system's pick, released at once. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
