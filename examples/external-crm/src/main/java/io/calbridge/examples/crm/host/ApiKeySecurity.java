package io.calbridge.examples.crm.host;

import io.calbridge.calendly.spi.HostSecurity;
import io.javalin.http.Context;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The host's login for this example: an API key in the {@code X-Api-Key} header names a user of one
 * CRM account (the plugin's tenant). Keys are compared in constant time. A real host plugs its own
 * sessions or tokens in here.
 */
final class ApiKeySecurity implements HostSecurity {
    private final Map<String, Caller> callers;

    ApiKeySecurity(Map<String, Caller> callers) {
        this.callers = Map.copyOf(callers);
    }

    @Override
    public Optional<Caller> caller(Context ctx) {
        String key = ctx.header("X-Api-Key");
        if (key == null) {
            return Optional.empty();
        }
        byte[] given = key.getBytes(StandardCharsets.UTF_8);
        return callers.entrySet().stream()
                .filter(e -> MessageDigest.isEqual(e.getKey().getBytes(StandardCharsets.UTF_8), given))
                .map(Map.Entry::getValue).findFirst();
    }
}
