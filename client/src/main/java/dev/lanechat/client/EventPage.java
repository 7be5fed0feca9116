// Wire object: the answer of GET /api/events.
package dev.lanechat.client;

import java.util.List;

/**
 * One page of the user's event log.
 *
 * @param events events with ids above the requested one, oldest first
 * @param lastId the id to ask after next time
 */
public record EventPage(List<Event> events, long lastId) {
    /** Normalises a missing event list to an empty one. */
    public EventPage {
        events = events == null ? List.of() : List.copyOf(events);
    }
}
