package io.calbridge.sandbox.internal.http;

/**
 * The few lines of CSS the sandbox's pages (dashboard, consent, errors) share, so that the demo
 * looks like one product with the plugin's settings UI: the same system font, accent and control
 * borders, and nothing wider than a phone's screen (tables scroll inside themselves).
 */
public final class PageStyle {
    private PageStyle() {
    }

    /** For a page's {@code <head>}: the viewport and the stylesheet. */
    public static final String HEAD = "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>"
            + "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;color:#1f2328;line-height:1.45;"
            + "margin:0 auto;padding:1rem;max-width:72rem;overflow-wrap:anywhere}"
            + "h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.5rem}a{color:#0a56c2}"
            + "code{background:#f6f8fa;padding:0 .25rem;border-radius:3px;word-break:break-all}"
            + "table{border-collapse:collapse;display:block;overflow-x:auto;max-width:100%}"
            + "td,th{border-bottom:1px solid #d0d7de;padding:.4rem .6rem;text-align:left;vertical-align:top}"
            + "th{color:#4d5560;font-size:.9rem}"
            + "input,select{font:inherit;border:1px solid #6e7781;border-radius:6px;padding:.35rem .5rem;max-width:100%}"
            + "button{font:inherit;font-weight:600;background:#0a56c2;color:#fff;border:1px solid #0a56c2;"
            + "border-radius:6px;padding:.45rem 1rem;cursor:pointer}"
            + "button[value=deny]{background:#fff;color:#0a56c2}"
            + "form{margin:1rem 0;padding:.75rem;border:1px solid #d0d7de;border-radius:6px}"
            + "</style>";
}
