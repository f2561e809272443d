package io.calbridge.calendly.internal.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A Calendly list, fetched lazily page by page by following {@code pagination.next_page}. Each
 * iteration starts again at the first page. Each page request is one call with the client's
 * retries; a failure surfaces from {@code next()} as {@link CalendlyApiException}.
 */
public final class Paged<T> implements Iterable<T> {
    /** One page: its items and the next page's URL, or null on the last page. */
    record Page<T>(List<T> items, URI next) {
    }

    private final URI first;
    private final Function<URI, Page<T>> fetch;

    Paged(URI first, Function<URI, Page<T>> fetch) {
        this.first = first;
        this.fetch = fetch;
    }

    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private URI nextPage = first;
            private Iterator<T> current = List.<T>of().iterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && nextPage != null) {
                    Page<T> page = fetch.apply(nextPage);
                    current = page.items().iterator();
                    nextPage = page.next();
                }
                return current.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    public Stream<T> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
    }

    /** Every item of every page. Meant for lists known to be short (subscriptions, memberships). */
    public List<T> toList() {
        List<T> all = new ArrayList<>();
        forEach(all::add);
        return all;
    }
}
