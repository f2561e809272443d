package io.calbridge.calendly.internal.common;

import java.util.concurrent.ThreadFactory;

/** The plugin's background threads: daemons, so they never keep a host's JVM alive, named for thread dumps. */
public final class Daemons {
    private Daemons() {
    }

    public static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
