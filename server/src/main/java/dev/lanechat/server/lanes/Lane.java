package dev.lanechat.server.lanes;

/**
 * A named queue bound to a processor and a model. {@code concurrency} tasks of it run at once on
 * each node.
 */
public record Lane(String name, String model, String description, boolean isDefault, int concurrency,
        Processor processor) {}
