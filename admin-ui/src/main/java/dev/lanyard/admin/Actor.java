package dev.lanyard.admin;

/**
 * Who is making an administrative change, for the audit log.
 *
 * @param id a user id or a client id
 * @param name a readable name (login name or client id)
 * @param address the client address; may be {@code null}
 */
public record Actor(String id, String name, String address) {
}
