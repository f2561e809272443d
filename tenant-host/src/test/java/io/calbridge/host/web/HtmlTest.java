package io.calbridge.host.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void arguments_areEscaped_htmlArguments_areNot() {
        Html h = Html.of("<a title=\"{}\">{}</a>{}", "\"><script>'", "<b>&", Html.raw("<br>"));

        assertEquals("<a title=\"&quot;&gt;&lt;script&gt;&#39;\">&lt;b&gt;&amp;</a><br>", h.toString());
    }

    @Test
    void nullArgument_rendersNothing() {
        assertEquals("<p></p>", Html.of("<p>{}</p>", (Object) null).toString());
    }

    @Test
    void placeholderCountMismatch_isAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> Html.of("{} {}", "one"));
        assertThrows(IllegalArgumentException.class, () -> Html.of("{}", "one", "two"));
    }

    @Test
    void each_rendersEveryItem() {
        assertEquals("<li>a&lt;</li><li>b</li>", Html.each(List.of("a<", "b"), s -> Html.of("<li>{}</li>", s)).toString());
    }
}
