package io.calbridge.host;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser over real HTTP: its own cookie jar, no automatic redirects (tests look at them), and
 * {@code Accept: text/html} like a browser unless told otherwise.
 */
public final class TestBrowser {
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final String base;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;
    private volatile java.util.function.Consumer<HttpResponse<String>> listener = r -> {
    };

    public TestBrowser(int port) {
        this.base = "http://localhost:" + port;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).header("Accept", "text/html").GET().build());
    }

    public HttpResponse<String> getJson(String path, String bearer) {
        HttpRequest.Builder b = request(path).header("Accept", "application/json").GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return send(b.build());
    }

    /** A form POST; include "_csrf" yourself when the test wants one. */
    public HttpResponse<String> postForm(String path, Map<String, String> form) {
        return send(request(path).header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build());
    }

    /** A JSON POST with optional extra headers (X-CSRF-Token, Authorization). */
    public HttpResponse<String> postJson(String path, String json, Map<String, String> headers) {
        HttpRequest.Builder b = request(path).header("Accept", "application/json").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(b::header);
        return send(b.build());
    }

    /**
     * Any method with an optional JSON body (null for none), {@code Accept: application/json}, and
     * the session's CSRF token in {@code X-CSRF-Token} when {@code csrf} is non-null.
     */
    public HttpResponse<String> json(String method, String path, String jsonBody, String csrf) {
        HttpRequest.Builder b = request(path).header("Accept", "application/json")
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
        }
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        return send(b.build());
    }

    /** Sees every response this browser receives (tests that inspect all bodies, e.g. for secrets). */
    public TestBrowser onResponse(java.util.function.Consumer<HttpResponse<String>> listener) {
        this.listener = listener;
        return this;
    }

    /** Opens the login form and submits it, as a person would. */
    public HttpResponse<String> login(String email, String password) {
        String token = csrfFrom(get("/login").body());
        Map<String, String> form = new LinkedHashMap<>();
        form.put("_csrf", token);
        form.put("username", email);
        form.put("password", password);
        return postForm("/callback", form);
    }

    /** Logs in and fails the test unless it worked. */
    public TestBrowser loggedInAs(String email) {
        HttpResponse<String> r = login(email, "demo-password");
        if (r.statusCode() != 303 || !r.headers().firstValue("Location").orElse("").endsWith("/app")) {
            throw new AssertionError("login of " + email + " failed: " + r.statusCode() + " " + r.headers().map());
        }
        return this;
    }

    /** The CSRF token of the session, read from a page like a script would. */
    public String csrfToken() {
        return csrfFrom(get("/app/contacts").body());
    }

    public static String csrfFrom(String html) {
        Matcher m = CSRF_FIELD.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no CSRF field in: " + html);
        }
        return m.group(1);
    }

    public Optional<String> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).map(HttpCookie::getValue).findFirst();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            listener.accept(response);
            return response;
        } catch (Exception e) {
            throw new AssertionError("request failed: " + request.uri(), e);
        }
    }

    static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
