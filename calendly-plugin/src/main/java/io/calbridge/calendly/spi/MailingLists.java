package io.calbridge.calendly.spi;

import java.util.Collection;
import java.util.List;

/**
 * The host's mailing lists and contact tags. Implementations must be thread-safe; see
 * {@link HostCall} for keys and transactions, and {@link Contacts} for what exceptions mean.
 *
 * <p>Subscribing or tagging twice is harmless (the second time changes nothing); so is removing a
 * tag the contact does not have. An id that names no list or tag of the tenant throws
 * {@link UnknownReferenceException} and changes nothing.
 */
public interface MailingLists {

    /** Adds the contact to every list in {@code listIds} (already subscribed: unchanged). */
    void subscribe(HostCall call, String contactId, Collection<String> listIds);

    /** Applies every tag in {@code tagIds} to the contact. */
    void tag(HostCall call, String contactId, Collection<String> tagIds);

    /** Removes every tag in {@code tagIds} from the contact. */
    void untag(HostCall call, String contactId, Collection<String> tagIds);

    /** The tenant's mailing lists, for validation and pickers. */
    List<Choice> lists(HostCall call);

    /** The tenant's tags, for validation and pickers. */
    List<Choice> tags(HostCall call);
}
