package dev.lanechat.server.api;

/** The request limits of the contract, configurable at start. */
record Limits(int maxContentBytes, int maxBodyBytes) {}
