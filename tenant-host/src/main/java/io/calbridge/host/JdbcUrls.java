package io.calbridge.host;

import java.net.URI;

/** Turns {@code DATABASE_URL} in either common form into a JDBC URL plus credentials. */
final class JdbcUrls {
    record Parsed(String jdbcUrl, String user, String password) {
    }

    private JdbcUrls() {
    }

    /**
     * Accepts {@code jdbc:postgresql://host:port/db?...} as is, and the
     * {@code postgres://user:password@host:port/db} form most platforms hand out.
     */
    static Parsed parse(String url, String user, String password) {
        if (url.startsWith("jdbc:")) {
            return new Parsed(url, user, password);
        }
        if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
            URI uri = URI.create(url);
            String u = user;
            String p = password;
            if (uri.getUserInfo() != null) {
                String[] parts = uri.getUserInfo().split(":", 2);
                u = u != null ? u : parts[0];
                p = p != null ? p : (parts.length > 1 ? parts[1] : null);
            }
            int port = uri.getPort() == -1 ? 5432 : uri.getPort();
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            return new Parsed("jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath() + query, u, p);
        }
        throw new IllegalArgumentException("DATABASE_URL must start with jdbc:postgresql:// or postgres://, got "
                + mask(url));
    }

    /** The URL with any password replaced, for logs and errors. */
    static String mask(String url) {
        return url.replaceAll("(://[^:/@]+:)[^@]*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
