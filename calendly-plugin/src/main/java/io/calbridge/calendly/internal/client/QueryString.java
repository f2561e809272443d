package io.calbridge.calendly.internal.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Builds a URL query; null values are left out, everything is percent-encoded. */
final class QueryString {
    private final StringBuilder s = new StringBuilder();

    QueryString add(String name, String value) {
        if (value != null) {
            s.append(s.length() == 0 ? '?' : '&')
                    .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return this;
    }

    @Override
    public String toString() {
        return s.toString();
    }
}
