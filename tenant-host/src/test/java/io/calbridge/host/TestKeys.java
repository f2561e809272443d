package io.calbridge.host;

import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.MasterKeys;

/** A master key for tests: fresh per JVM, never written anywhere. */
public final class TestKeys {
    public static final MasterKey MASTER = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());

    private TestKeys() {
    }
}
