package io.calbridge.host.web;

import java.util.Collection;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A piece of HTML that is safe to send: built from a template whose {@code {}} placeholders take
 * arguments that are escaped, unless they are {@code Html} themselves. Data never becomes markup
 * by accident; the only way to write unescaped text is {@link #raw(String)}, meant for literals.
 *
 * <pre>{@code
 * Html row = Html.of("<tr><td><a href=\"/app/contacts/{}\">{}</a></td><td>{}</td></tr>",
 *         contact.id(), contact.name(), Html.of("<span class=\"badge\">{}</span>", contact.status()));
 * }</pre>
 *
 * Arguments are escaped for text and for double-quoted attribute values alike. Never put an
 * argument into an unquoted attribute, a {@code <script>}/{@code <style>} body or an {@code href}
 * that could hold a user-supplied URL (use ids for links).
 */
public final class Html {
    public static final Html EMPTY = new Html("");

    private final String markup;

    private Html(String markup) {
        this.markup = markup;
    }

    /** Markup written by us (a literal), inserted as is. */
    public static Html raw(String trustedMarkup) {
        return new Html(trustedMarkup);
    }

    /** Text: escaped. {@code null} becomes nothing. */
    public static Html text(Object value) {
        return value == null ? EMPTY : new Html(escape(String.valueOf(value)));
    }

    /** {@code template} with each {@code {}} replaced by the next argument, escaped unless it is {@code Html}. */
    public static Html of(String template, Object... args) {
        StringBuilder out = new StringBuilder(template.length() + 16 * args.length);
        int from = 0;
        int used = 0;
        for (int at = template.indexOf("{}"); at >= 0; at = template.indexOf("{}", from)) {
            if (used == args.length) {
                throw new IllegalArgumentException("more {} than arguments in: " + template);
            }
            out.append(template, from, at);
            Object arg = args[used++];
            out.append(arg instanceof Html h ? h.markup : arg == null ? "" : escape(String.valueOf(arg)));
            from = at + 2;
        }
        if (used != args.length) {
            throw new IllegalArgumentException(args.length + " arguments for " + used + " {} in: " + template);
        }
        return new Html(out.append(template, from, template.length()).toString());
    }

    /** Each item rendered and concatenated. */
    public static <T> Html each(Collection<? extends T> items, Function<? super T, Html> render) {
        return join(items.stream().map(render));
    }

    public static Html join(Stream<Html> parts) {
        return new Html(parts.map(h -> h.markup).collect(Collectors.joining()));
    }

    public static Html join(Html... parts) {
        return join(Stream.of(parts));
    }

    /** Escapes {@code & < > " '} so the text is safe in element content and quoted attributes. */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    public boolean isEmpty() {
        return markup.isEmpty();
    }

    /** The markup. */
    @Override
    public String toString() {
        return markup;
    }
}
