package io.calbridge.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Gets an access token through the real authorize + token endpoints of an auto-approving sandbox. */
final class OAuthTestClient {
    private OAuthTestClient() {
    }

    static String accessToken(CalendlySandbox sb, SandboxApp app, SandboxUser user, String scope) {
        String redirect = app.redirectUris().get(0);
        Map<String, String> q = new LinkedHashMap<>();
        q.put("client_id", app.clientId());
        q.put("response_type", "code");
        q.put("redirect_uri", redirect);
        q.put("login_as", user.uri());
        if (scope != null) {
            q.put("scope", scope);
        }
        HttpResponse<String> r = TestHttp.get(sb.baseUrl() + "/oauth/authorize?" + TestHttp.form(q), null);
        assertEquals(302, r.statusCode(), "the sandbox must auto-approve: " + r.body());
        String query = URI.create(r.headers().firstValue("Location").orElseThrow()).getRawQuery();
        String code = null;
        for (String p : query.split("&")) {
            if (p.startsWith("code=")) {
                code = URLDecoder.decode(p.substring(5), StandardCharsets.UTF_8);
            }
        }
        HttpResponse<String> t = TestHttp.postForm(sb.baseUrl() + "/oauth/token",
                Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", redirect),
                app.clientId(), app.clientSecret());
        assertEquals(200, t.statusCode(), t.body());
        return TestHttp.json(t).get("access_token").asText();
    }
}
