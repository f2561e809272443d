package io.calbridge.sandbox.internal.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.sandbox.internal.http.ApiError;
import io.calbridge.sandbox.internal.json.CalendlyJson;
import io.calbridge.sandbox.internal.state.Ids;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calendly's cursor pagination: {@code count} (1-100, default 20), opaque {@code page_token}, and a
 * {@code pagination} object with all five keys whose URLs repeat the query with parameters in
 * alphabetical order.
 */
public final class Pager {
    public record Page<T>(List<T> items, ObjectNode pagination) {
    }

    private final Map<String, Integer> offsets = new ConcurrentHashMap<>();

    public <T> Page<T> page(String baseUrl, String path, Map<String, List<String>> query, List<T> all) {
        int count = count(query);
        int offset = 0;
        String token = first(query, "page_token");
        if (token != null) {
            Integer o = offsets.get(token);
            if (o == null) {
                throw ApiError.invalidArgument("page_token", "is not a valid page token");
            }
            offset = o;
        }
        int from = Math.min(offset, all.size());
        int to = Math.min(from + count, all.size());
        List<T> items = List.copyOf(all.subList(from, to));
        ObjectNode p = CalendlyJson.object();
        p.put("count", items.size());
        String nextToken = to < all.size() ? token(to) : null;
        String prevToken = from > 0 ? token(Math.max(0, from - count)) : null;
        p.put("next_page", nextToken == null ? null : url(baseUrl, path, query, count, nextToken));
        p.put("previous_page", prevToken == null ? null : url(baseUrl, path, query, count, prevToken));
        p.put("next_page_token", nextToken);
        p.put("previous_page_token", prevToken);
        return new Page<>(items, p);
    }

    private String token(int offset) {
        String t = Ids.base64Url(24);
        offsets.put(t, offset);
        return t;
    }

    static int count(Map<String, List<String>> query) {
        String c = first(query, "count");
        if (c == null) {
            return 20;
        }
        try {
            int n = Integer.parseInt(c.trim());
            if (n < 1 || n > 100) {
                throw ApiError.invalidArgument("count", "must be between 1 and 100");
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.invalidArgument("count", "must be an integer between 1 and 100");
        }
    }

    private static String url(String baseUrl, String path, Map<String, List<String>> query, int count, String token) {
        TreeMap<String, String> params = new TreeMap<>();
        query.forEach((k, v) -> {
            if (!v.isEmpty() && !k.equals("page_token") && !k.equals("count")) {
                params.put(k, v.get(0));
            }
        });
        params.put("count", String.valueOf(count));
        params.put("page_token", token);
        StringJoiner j = new StringJoiner("&");
        params.forEach((k, v) -> j.add(enc(k) + "=" + enc(v)));
        return baseUrl + path + "?" + j;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String first(Map<String, List<String>> query, String key) {
        List<String> v = query.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
