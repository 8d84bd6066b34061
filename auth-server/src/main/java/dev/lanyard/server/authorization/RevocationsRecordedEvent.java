package dev.lanyard.server.authorization;

/**
 * Published when a transaction recorded revocations in the {@link RevocationOutbox}; once
 * it commits, this node relays them at once rather than at its next periodic pass.
 *
 * @param reason why, e.g. {@code logout}
 */
public record RevocationsRecordedEvent(String reason) {
}
