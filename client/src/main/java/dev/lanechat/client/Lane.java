// Wire object: one lane of GET /api/lanes.
package dev.lanechat.client;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A lane: a named queue bound to a model.
 *
 * @param name the lane's name, as passed to {@code send}
 * @param model the model that answers in this lane
 * @param description a sentence for people
 * @param isDefault whether messages sent without a lane go here
 */
public record Lane(
        String name,
        String model,
        String description,
        @JsonProperty("default") boolean isDefault) {}
