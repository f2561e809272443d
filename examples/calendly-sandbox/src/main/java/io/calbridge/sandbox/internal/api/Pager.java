package io.calbridge.sandbox.internal.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.sandbox.internal.http.ApiError;
import io.calbridge.sandbox.internal.json.CalendlyJson;
import io.calbridge.sandbox.internal.state.Ids;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Calendly's cursor pagination: {@code count} (1-100, default 20), opaque {@code page_token}, and a
 * {@code pagination} object with all five keys whose URLs repeat the query with parameters in
 * alphabetical order.
 *
 * <p>Tokens are keyset cursors, like Calendly's: a token remembers the item it continues after (or
 * before), not a position, so items booked or canceled between two page requests neither repeat nor
 * push others out of the walk. Every listing passes a total order (ties broken by UUID).
 */
public final class Pager {
    public record Page<T>(List<T> items, ObjectNode pagination) {
    }

    /** Where a token continues: strictly after {@code item} (next page) or strictly before it (previous page). */
    private record Cursor(String path, Object item, boolean forward) {
    }

    /** Enough for any walk a test makes; the oldest tokens are forgotten first. */
    private static final int MAX_TOKENS = 100_000;

    private final Map<String, Cursor> cursors = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cursor> eldest) {
            return size() > MAX_TOKENS;
        }
    });

    /** One page of {@code all}, which must be sorted by {@code order}. */
    public <T> Page<T> page(String baseUrl, String path, Map<String, List<String>> query, List<T> all,
                            Comparator<? super T> order) {
        int count = count(query);
        int from = 0;
        int to = Math.min(count, all.size());
        String token = first(query, "page_token");
        if (token != null) {
            Cursor c = cursors.get(token);
            if (c == null || !c.path().equals(path)) {
                throw ApiError.invalidArgument("page_token", "is not a valid page token");
            }
            @SuppressWarnings("unchecked")
            T anchor = (T) c.item();
            if (c.forward()) {
                from = firstAfter(all, anchor, order);
                to = Math.min(from + count, all.size());
            } else {
                to = firstAtOrAfter(all, anchor, order);
                from = Math.max(0, to - count);
            }
        }
        return page(baseUrl, path, query, all, from, to, count);
    }

    private <T> Page<T> page(String baseUrl, String path, Map<String, List<String>> query, List<T> all, int from,
                             int to, int count) {
        List<T> items = List.copyOf(all.subList(from, to));
        ObjectNode p = CalendlyJson.object();
        p.put("count", items.size());
        String nextToken = to < all.size() && !items.isEmpty() ? token(path, items.get(items.size() - 1), true) : null;
        String prevToken = from > 0 && !items.isEmpty() ? token(path, items.get(0), false) : null;
        p.put("next_page", nextToken == null ? null : url(baseUrl, path, query, count, nextToken));
        p.put("previous_page", prevToken == null ? null : url(baseUrl, path, query, count, prevToken));
        p.put("next_page_token", nextToken);
        p.put("previous_page_token", prevToken);
        return new Page<>(items, p);
    }

    private static <T> int firstAfter(List<T> all, T anchor, Comparator<? super T> order) {
        int lo = 0;
        int hi = all.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (order.compare(all.get(mid), anchor) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static <T> int firstAtOrAfter(List<T> all, T anchor, Comparator<? super T> order) {
        int lo = 0;
        int hi = all.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (order.compare(all.get(mid), anchor) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private String token(String path, Object anchor, boolean forward) {
        String t = Ids.base64Url(24);
        cursors.put(t, new Cursor(path, anchor, forward));
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
