package io.calbridge.calendly.spi;

import java.util.Collection;
import java.util.List;

/**
 * The host's mailing lists and contact tags. Implementations must be thread-safe; see
 * {@link HostCall} for keys and transactions, and {@link Contacts} for what exceptions mean.
 *
 * <p>Subscribing or tagging twice is harmless (the second time changes nothing); so is removing a
 * tag the contact does not have. An id that names no list or tag of the tenant throws
 * {@link UnknownReferenceException} and changes nothing. A host without lists (or tags) returns an
 * empty {@link #lists(HostCall)} (or {@link #tags(HostCall)}): tenants then cannot pick any, and the
 * plugin never asks to subscribe (or tag).
 */
public interface MailingLists {

    /**
     * Adds the contact to every list in {@code listIds} (already subscribed: unchanged).
     *
     * @param call      the tenant and the idempotency key
     * @param contactId the host's contact id
     * @param listIds   {@link Choice#id()}s of {@link #lists(HostCall)}; never empty
     * @throws UnknownReferenceException when the contact or one of the lists does not exist for the tenant
     */
    void subscribe(HostCall call, String contactId, Collection<String> listIds);

    /**
     * Applies every tag in {@code tagIds} to the contact.
     *
     * @param call      the tenant and the idempotency key
     * @param contactId the host's contact id
     * @param tagIds    {@link Choice#id()}s of {@link #tags(HostCall)}; never empty
     * @throws UnknownReferenceException when the contact or one of the tags does not exist for the tenant
     */
    void tag(HostCall call, String contactId, Collection<String> tagIds);

    /**
     * Removes every tag in {@code tagIds} from the contact. A retry with the same key must not remove
     * a tag that was applied again since the first call.
     *
     * @param call      the tenant and the idempotency key
     * @param contactId the host's contact id
     * @param tagIds    {@link Choice#id()}s of {@link #tags(HostCall)}; never empty
     * @throws UnknownReferenceException when the contact or one of the tags does not exist for the tenant
     */
    void untag(HostCall call, String contactId, Collection<String> tagIds);

    /**
     * The tenant's mailing lists, for validation and pickers.
     *
     * @param call the tenant (a read: no key)
     * @return the lists, possibly empty
     */
    List<Choice> lists(HostCall call);

    /**
     * The tenant's tags, for validation and pickers.
     *
     * @param call the tenant (a read: no key)
     * @return the tags, possibly empty
     */
    List<Choice> tags(HostCall call);
}
